"""Codings are refused, one or a million at once, when a span cuts a character in two."""

from __future__ import annotations

import pytest

from interviews.errors import GraphemeSplitError
from research.services.codings import NewCoding
from research.study import Study
from tests.research.helpers import add_interview_with_text, counts

FLAGS = "\U0001f1e6\U0001f1f2"  # the flag of Armenia: two regional indicators
TEXT = f"Мы вернулись домой {FLAGS} в 2004 году, и снова уехали.\n"


def test_one_coding_splitting_a_flag_is_refused(study: Study) -> None:
    add_interview_with_text(study, TEXT)
    flag = TEXT.index(FLAGS)
    with pytest.raises(GraphemeSplitError) as refused:
        study.codings.add_coding(
            interview_id="I01",
            code="unemployment",
            start_offset=flag + 1,
            end_offset=flag + 8,
            coder="ani",
        )
    assert str(refused.value) == (
        f"interview I01: start {flag + 1} falls inside the character {FLAGS!r} at "
        f"{flag}..{flag + 2}; the nearest boundaries are {flag} and {flag + 2}"
    )
    assert counts(study)[2] == 0


def test_a_bulk_load_with_one_split_span_stores_nothing(study: Study) -> None:
    add_interview_with_text(study, TEXT)
    flag = TEXT.index(FLAGS)
    good = [
        NewCoding("I01", "unemployment", start, start + 5, "ani")
        for start in range(0, flag - 5)
        if TEXT[start : start + 5].strip()
    ]
    bad = NewCoding("I01", "unemployment", flag + 1, flag + 10, "ani")
    with pytest.raises(GraphemeSplitError, match=rf"^interview I01: start {flag + 1} falls inside"):
        study.codings.add_codings([*good, bad])
    assert counts(study)[2] == 0
    assert study.codings.add_codings(
        [*good, NewCoding("I01", "unemployment", flag, flag + 10, "ani")]
    )


def test_a_resize_into_a_character_is_refused_and_changes_nothing(study: Study) -> None:
    add_interview_with_text(study, TEXT)
    flag = TEXT.index(FLAGS)
    coding = study.codings.add_coding(
        interview_id="I01", code="unemployment", start_offset=0, end_offset=flag, coder="ani"
    )
    with pytest.raises(GraphemeSplitError, match=f"end {flag + 1} falls inside"):
        study.codings.update_coding(coding.coding_id, start_offset=0, end_offset=flag + 1)
    assert study.codings.get_coding(coding.coding_id).end_offset == flag
