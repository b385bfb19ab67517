"""Co-occurrence of codes in interviews and on overlapping or nearby text, hand-counted."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis import cooccurrence
from analysis.cooccurrence import (
    COOCCURRENCE_COLUMNS,
    cooccurrence_interviews,
    cooccurrence_segments,
)
from analysis.frames import presence_matrix
from tests.analysis.test_frequencies import tiny_study


def pair(table: pd.DataFrame, code_a: str, code_b: str) -> tuple[int, int, int, float]:
    """(both, a_only, b_only, jaccard) of one row."""
    row = table[(table["code_a"] == code_a) & (table["code_b"] == code_b)].iloc[0]
    return int(row["both"]), int(row["a_only"]), int(row["b_only"]), float(row["jaccard"])


def test_interview_pairs_cover_applicable_codes_in_codebook_order() -> None:
    codings, interviews, codes = tiny_study()
    table = cooccurrence_interviews(presence_matrix(codings, interviews, codes), codes)
    assert tuple(table.columns) == COOCCURRENCE_COLUMNS
    assert list(zip(table["code_a"], table["code_b"], strict=True)) == [
        ("unemployment", "clans"), ("unemployment", "remittances"), ("clans", "remittances"),
    ]  # fmt: skip


def test_interview_pairs_count_interviews_holding_both_or_one() -> None:
    codings, interviews, codes = tiny_study()
    table = cooccurrence_interviews(presence_matrix(codings, interviews, codes), codes)
    # unemployment: I1 I2 I3 I6; clans: I1 I3 I5; remittances: I2 I4
    assert pair(table, "unemployment", "clans") == (2, 2, 1, pytest.approx(2 / 5))
    assert pair(table, "unemployment", "remittances") == (1, 3, 1, pytest.approx(1 / 5))
    assert pair(table, "clans", "remittances") == (0, 3, 2, 0.0)


def test_overlapping_codings_of_one_coder_are_paired() -> None:
    codings, _, _ = tiny_study()
    table = cooccurrence_segments(codings)  # codes by path: clans, unemployment, remittances
    # I1 a: U 0-10 with C 5-15; I3 b: C 0-50 with U 10-20 and with U 40-60
    # C codings meeting a U: 2 of 3; U codings meeting a C: 3 of 6
    assert pair(table, "clans", "unemployment") == (3, 1, 3, pytest.approx(3 / 7))


def test_segments_follow_the_codebook_when_codes_are_given() -> None:
    codings, _, codes = tiny_study()
    table = cooccurrence_segments(codings, codes=codes)
    assert pair(table, "unemployment", "clans") == (3, 3, 1, pytest.approx(3 / 7))
    assert pair(table, "unemployment", "remittances") == (0, 6, 2, 0.0)


def test_touching_spans_do_not_overlap_but_are_within_one_character() -> None:
    codings, _, codes = tiny_study()
    # I2 a: remittances 20-30 and unemployment 30-40 touch
    assert pair(cooccurrence_segments(codings, codes=codes), "unemployment", "remittances")[0] == 0
    near = cooccurrence_segments(codings, codes=codes, distance=1)
    assert pair(near, "unemployment", "remittances") == (1, 5, 1, pytest.approx(1 / 7))


def test_pairs_across_coders_count_only_when_asked() -> None:
    codings, _, codes = tiny_study()
    table = cooccurrence_segments(codings, codes=codes, across_coders=True)
    # I1 adds b's U 0-12 against a's C 5-15
    assert pair(table, "unemployment", "clans") == (4, 2, 1, pytest.approx(4 / 7))


def test_jaccard_matches_the_pair_formula_when_codings_pair_one_to_one() -> None:
    codings = pd.DataFrame({
        "interview_id": ["I"] * 5, "coder": ["a"] * 5, "code_id": ["x", "y", "x", "y", "x"],
        "code_path": ["x", "y", "x", "y", "x"], "start_offset": [0, 5, 100, 100, 300],
        "end_offset": [10, 15, 110, 120, 310],
    })  # fmt: skip
    both, a_only, b_only, jaccard = pair(cooccurrence_segments(codings), "x", "y")
    assert (both, a_only, b_only) == (2, 1, 0)
    assert jaccard == pytest.approx(both / (3 + 2 - both))


def test_flag_table_and_sorting_count_met_codings_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    codings, _, codes = tiny_study()
    dense = cooccurrence_segments(codings, codes=codes, across_coders=True)
    monkeypatch.setattr(cooccurrence, "_DENSE_CELLS", 0)  # always sort
    assert cooccurrence_segments(codings, codes=codes, across_coders=True).equals(dense)


def test_categorical_columns_give_the_same_pairs() -> None:
    codings, _, codes = tiny_study()
    categorical = codings.astype({"interview_id": "category", "code_id": "category",
                                  "coder": "category"})  # fmt: skip
    plain = cooccurrence_segments(codings)
    assert cooccurrence_segments(categorical).equals(plain)


def test_negative_distance_is_refused() -> None:
    codings, _, _ = tiny_study()
    with pytest.raises(ValueError, match="distance"):
        cooccurrence_segments(codings, distance=-1)


def brute_force(codings: pd.DataFrame, distance: int) -> dict[tuple[str, str], int]:
    """Pairs of co-occurring codings of different codes, by checking every pair."""
    counts: dict[tuple[str, str], int] = {}
    for (_, _), group in codings.groupby(["interview_id", "coder"]):
        rows = list(group[["code_id", "start_offset", "end_offset"]].itertuples(index=False))
        for one, two in itertools.combinations(rows, 2):
            if one.code_id == two.code_id:
                continue
            gap = max(one.start_offset, two.start_offset) - min(one.end_offset, two.end_offset)
            if gap < 0 or (distance and gap <= distance):
                key = (min(one.code_id, two.code_id), max(one.code_id, two.code_id))
                counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("distance", [0, 25])
def test_sweep_agrees_with_checking_every_pair(distance: int) -> None:
    rng = np.random.default_rng(11)
    size = 400
    starts = rng.integers(0, 2_000, size)
    code_ids = rng.choice(["p", "q", "r", "s"], size)
    codings = pd.DataFrame({
        "interview_id": rng.choice(["A", "B", "C"], size), "coder": rng.choice(["x", "y"], size),
        "code_id": code_ids, "code_path": code_ids, "start_offset": starts,
        "end_offset": starts + rng.integers(1, 150, size),
    })  # fmt: skip
    table = cooccurrence_segments(codings, distance=distance)
    found = {
        (min(a, b), max(a, b)): both
        for a, b, both in zip(table["code_a"], table["code_b"], table["both"], strict=True)
        if both
    }
    assert found == brute_force(codings, distance)
