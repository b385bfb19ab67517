"""Co-occurrence of codes in interviews and on overlapping or nearby text, hand-counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import cooccurrence
from analysis.cooccurrence import (
    COOCCURRENCE_COLUMNS,
    SEGMENT_COLUMNS,
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


def layer(table: pd.DataFrame, coder: str) -> pd.DataFrame:
    """The rows of one coder's layer."""
    return table[table["coder"] == coder]


def test_overlapping_codings_are_counted_in_each_coders_layer() -> None:
    codings, _, _ = tiny_study()
    table = cooccurrence_segments(codings)  # codes by path: clans, unemployment, remittances
    assert tuple(table.columns) == SEGMENT_COLUMNS
    # a: C I1 5-15 meets U I1 0-10; U I2 and I6 meet no C: both 2, C only 0, U only 2
    assert pair(layer(table, "a"), "clans", "unemployment") == (2, 0, 2, pytest.approx(2 / 4))
    # b: C I3 0-50 meets U 10-20 and U 40-60; C I5 and U I1 meet nothing: both 3, 1, 1
    assert pair(layer(table, "b"), "clans", "unemployment") == (3, 1, 1, pytest.approx(3 / 5))


def test_segment_jaccard_counts_codings_only_never_pairs_of_codings() -> None:
    # One coding of x overlaps three codings of y; three more codings of x meet nothing.
    codings = pd.DataFrame({
        "interview_id": ["I"] * 7, "coder": ["a"] * 7,
        "code_id": ["x", "y", "y", "y", "x", "x", "x"],
        "code_path": ["x", "y", "y", "y", "x", "x", "x"],
        "start_offset": [0, 0, 10, 20, 100, 200, 300], "end_offset": [30, 5, 15, 25, 110, 210, 310],
    })  # fmt: skip
    both, a_only, b_only, jaccard = pair(cooccurrence_segments(codings), "x", "y")
    # Units are the 7 codings: 1 x and 3 y meet the other code, 3 x do not.
    assert (both, a_only, b_only) == (4, 3, 0)
    assert both + a_only + b_only == len(codings)
    assert jaccard == pytest.approx(4 / 7)


def test_two_coders_codings_are_never_pooled_or_paired() -> None:
    # a marks x and y on one passage; b marks only y there. b's y must not pair with a's x,
    # and b's layer must not dilute a's.
    codings = pd.DataFrame({
        "interview_id": ["I"] * 3, "coder": ["a", "a", "b"], "code_id": ["x", "y", "y"],
        "code_path": ["x", "y", "y"], "start_offset": [0, 0, 0], "end_offset": [10, 10, 10],
    })  # fmt: skip
    table = cooccurrence_segments(codings)
    assert pair(layer(table, "a"), "x", "y") == (2, 0, 0, 1.0)
    assert pair(layer(table, "b"), "x", "y")[:3] == (0, 0, 1)
    only_b = cooccurrence_segments(codings, coder="b")
    assert set(only_b["coder"]) == {"b"}


def test_segments_follow_the_codebook_when_codes_are_given() -> None:
    codings, _, codes = tiny_study()
    table = layer(cooccurrence_segments(codings, codes=codes), "b")
    assert pair(table, "unemployment", "clans") == (3, 1, 1, pytest.approx(3 / 5))
    assert pair(table, "unemployment", "remittances") == (0, 3, 0, 0.0)


def test_touching_spans_do_not_overlap_but_are_within_one_character() -> None:
    codings, _, codes = tiny_study()
    # I2 a: remittances 20-30 and unemployment 30-40 touch
    table = layer(cooccurrence_segments(codings, codes=codes), "a")
    assert pair(table, "unemployment", "remittances")[0] == 0
    near = layer(cooccurrence_segments(codings, codes=codes, distance=1), "a")
    # a: U I1, I2, I6; R I2, I4: U I2 and R I2 meet
    assert pair(near, "unemployment", "remittances") == (2, 2, 1, pytest.approx(2 / 5))


def test_flag_table_and_sorting_count_met_codings_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    codings, _, codes = tiny_study()
    dense = cooccurrence_segments(codings, codes=codes)
    monkeypatch.setattr(cooccurrence, "_DENSE_CELLS", 0)  # always sort
    assert cooccurrence_segments(codings, codes=codes).equals(dense)


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


def brute_force(codings: pd.DataFrame, distance: int) -> dict[tuple[str, str, str], int]:
    """(coder, code, code) -> codings of either code meeting the other, by checking every pair."""
    counts: dict[tuple[str, str, str], int] = {}
    for coder, mine in codings.groupby("coder"):
        rows = list(mine[["interview_id", "code_id", "start_offset", "end_offset"]].itertuples())
        for one in rows:
            partners = set()
            for two in rows:
                if two.interview_id != one.interview_id or two.code_id == one.code_id:
                    continue
                gap = max(one.start_offset, two.start_offset) - min(one.end_offset, two.end_offset)
                if gap < 0 or (distance and gap <= distance):
                    partners.add(two.code_id)
            for other in partners:
                key = (str(coder), min(one.code_id, other), max(one.code_id, other))
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
        (coder, min(a, b), max(a, b)): both
        for coder, a, b, both in zip(
            table["coder"], table["code_a"], table["code_b"], table["both"], strict=True
        )
        if both
    }
    assert found == brute_force(codings, distance)
