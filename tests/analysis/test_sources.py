"""Coding sources: written forms, their errors and labels, and which codings agree."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.sources import (
    CONSENSUS,
    UNION,
    CodingSource,
    SourceError,
    agreed_codings,
    agreement_source,
    choose_default,
    coder_source,
    parse_source,
    select_codings,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("coder:ani", coder_source("ani")),
        (" coder: Ani Petrosyan ", coder_source("Ani Petrosyan")),
        ("agreement", agreement_source(0.5)),
        ("agreement:0.8", agreement_source(0.8)),
        ("Agreement:1", agreement_source(1.0)),
        ("consensus", CONSENSUS),
        ("union", UNION),
    ],
)
def test_written_sources_are_read(text: str, expected: CodingSource) -> None:
    assert parse_source(text) == expected
    assert parse_source(expected.text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pooled", "no coding source 'pooled'; the sources are coder:NAME, agreement"),
        ("", "no coding source ''"),
        ("coder", "names no coder; write coder:NAME"),
        ("coder:  ", "names no coder"),
        ("agreement:half", "the overlap threshold must be a number above 0 and at most 1"),
        ("agreement:0", "above 0 and at most 1"),
        ("agreement:1.5", "above 0 and at most 1"),
        ("agreement:nan", "above 0 and at most 1"),
        ("consensus:ani", "consensus takes nothing after it"),
    ],
)
def test_a_source_that_cannot_be_read_is_named(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse_source(text)


def test_labels_say_whose_codings_count() -> None:
    assert coder_source("ani").label(["ani", "boris"]) == "coder ani's layer"
    assert CONSENSUS.label(["ani"]) == "consensus layer"
    assert UNION.label(["ani", "boris"]) == "union of all coders (ani and boris)"
    assert agreement_source().label(["ani", "boris"]) == (
        "agreement of coders ani and boris (overlap ≥ 0.5)"
    )
    assert agreement_source(0.75).label(["a", "b", "c"]) == (
        "agreement of at least two of coders a, b and c (overlap ≥ 0.75)"
    )


def test_the_default_is_consensus_then_agreement_then_the_one_coder() -> None:
    assert choose_default(3, ["ani", "boris"]) == CONSENSUS
    assert choose_default(0, ["ani", "boris"]) == agreement_source(0.5)
    assert choose_default(0, ["ani"]) == coder_source("ani")
    assert choose_default(0, []) is None


def _codings(*rows: tuple[str, str, str, int, int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["interview_id", "code_id", "coder", "start_offset", "end_offset", "layer"]
    )


def test_agreement_needs_the_same_code_interview_and_enough_overlap() -> None:
    codings = _codings(
        ("I1", "work", "a", 0, 10, "coder"),  # with b's 0-8: 8/10 shared
        ("I1", "work", "b", 0, 8, "coder"),
        ("I1", "war", "a", 20, 30, "coder"),  # with b's 25-35: 5/15 shared
        ("I1", "war", "b", 25, 35, "coder"),
        ("I1", "clan", "a", 40, 50, "coder"),  # b gave another code
        ("I1", "work", "b", 40, 50, "coder"),
        ("I2", "war", "a", 20, 30, "coder"),  # b coded it in another interview
        ("I1", "work", "a", 0, 10, "consensus"),
    )
    agreed = agreed_codings(codings[codings["layer"] == "coder"], threshold=0.5)
    assert agreed.index.tolist() == [0]
    looser = agreed_codings(codings[codings["layer"] == "coder"], threshold=1 / 3)
    assert looser.index.tolist() == [0, 2]
    assert select_codings(codings, agreement_source(0.5)).index.tolist() == [0]
    assert select_codings(codings, CONSENSUS).index.tolist() == [7]
    assert select_codings(codings, UNION).index.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert select_codings(codings, coder_source("b")).index.tolist() == [1, 3, 5]


def test_agreement_of_three_coders_keeps_each_agreed_coding_once() -> None:
    codings = _codings(
        ("I1", "work", "c", 0, 10, "coder"),
        ("I1", "work", "b", 0, 10, "coder"),
        ("I1", "work", "a", 0, 10, "coder"),
    )
    agreed = agreed_codings(codings, threshold=0.5)
    # a agrees with b and c, b with c: the codings of a and b stand for the pairs.
    assert sorted(agreed["coder"]) == ["a", "b"]
