"""Code matrix, coverage without double counting overlaps, and saturation in date order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.coverage import (
    COVERAGE_COLUMNS,
    SATURATION_COLUMNS,
    code_matrix,
    coverage,
    factorize_runs,
    positions,
    saturation,
    sort_keys,
)
from tests.analysis.test_frequencies import tiny_study


def test_code_matrix_counts_codings_of_applicable_codes_per_interview() -> None:
    codings, interviews, codes = tiny_study()
    matrix = code_matrix(codings, interviews, codes)
    assert matrix.columns.tolist() == ["unemployment", "clans", "remittances"]
    assert matrix.index.tolist() == interviews["interview_id"].tolist()
    assert matrix.loc["I1"].tolist() == [2, 1, 0]  # two coders marked unemployment
    assert matrix.loc["I3"].tolist() == [2, 1, 0]
    assert int(matrix.to_numpy().sum()) == 11


def test_code_matrix_can_include_parent_codes() -> None:
    codings, interviews, codes = tiny_study()
    matrix = code_matrix(codings, interviews, codes, applicable_only=False)
    assert matrix.columns[0] == "motives"
    assert int(matrix["motives"].sum()) == 0  # codings are counted where applied, no roll-up


def test_coverage_is_the_union_of_one_coders_spans() -> None:
    codings, interviews, _ = tiny_study()
    table = coverage(codings, interviews).set_index(["interview_id", "coder"])
    assert table.loc[("I1", "a"), "coded_characters"] == 15  # 0-10 and 5-15 overlap
    assert table.loc[("I1", "b"), "coded_characters"] == 12
    assert table.loc[("I2", "a"), "coded_characters"] == 20  # 20-30 and 30-40 touch
    assert table.loc[("I3", "b"), "coded_characters"] == 60  # 0-50, 10-20 inside, 40-60
    assert table.loc[("I3", "b"), "coverage"] == 60 / 200
    assert table.loc[("I6", "a"), "coverage"] == 1.0


def test_coverage_rows_follow_interview_order_then_coder() -> None:
    codings, interviews, _ = tiny_study()
    table = coverage(codings, interviews)
    assert tuple(table.columns) == COVERAGE_COLUMNS
    pairs = list(zip(table["interview_id"], table["coder"], strict=True))
    assert pairs == [
        ("I2", "a"), ("I3", "b"), ("I1", "a"), ("I1", "b"), ("I4", "a"), ("I5", "b"),
        ("I6", "a"),
    ]  # fmt: skip


def test_coverage_with_named_coders_fills_zeros() -> None:
    codings, interviews, _ = tiny_study()
    table = coverage(codings, interviews, coders=["a", "b"])
    assert len(table) == 12
    row = table[(table["interview_id"] == "I6") & (table["coder"] == "b")]
    assert row["coded_characters"].tolist() == [0]
    assert row["coverage"].tolist() == [0.0]


def test_coverage_agrees_with_a_character_mask_on_random_spans() -> None:
    rng = np.random.default_rng(7)
    starts = rng.integers(0, 900, 300)
    codings = pd.DataFrame({
        "interview_id": rng.choice(["A", "B", "C"], 300), "coder": rng.choice(["x", "y"], 300),
        "start_offset": starts, "end_offset": starts + rng.integers(0, 100, 300),
    })  # fmt: skip
    interviews = pd.DataFrame({"interview_id": ["A", "B", "C"], "characters": [1000] * 3})
    table = coverage(codings, interviews)
    for row in table.itertuples():
        mask = np.zeros(1000, dtype=bool)
        mine = codings[
            (codings["interview_id"] == row.interview_id) & (codings["coder"] == row.coder)
        ]
        for start, end in zip(mine["start_offset"], mine["end_offset"], strict=True):
            mask[start:end] = True
        assert row.coded_characters == mask.sum()


def test_saturation_counts_new_codes_in_date_order() -> None:
    codings, interviews, _ = tiny_study()
    table = saturation(codings, interviews)
    assert tuple(table.columns) == SATURATION_COLUMNS
    assert table["interview_id"].tolist() == ["I2", "I3", "I1", "I4", "I5", "I6"]
    assert table["new_codes"].tolist() == [2, 1, 0, 0, 0, 0]
    assert table["cumulative_codes"].tolist() == [2, 3, 3, 3, 3, 3]
    assert table["codes_seen"].tolist() == [2, 2, 2, 1, 1, 1]
    assert table["new_code_ids"].tolist() == ["remittances;unemployment", "clans", "", "", "", ""]
    assert table["order"].tolist() == [1, 2, 3, 4, 5, 6]


def test_categorical_columns_give_the_same_coverage_and_saturation() -> None:
    codings, interviews, _ = tiny_study()
    categorical = codings.astype({"interview_id": "category", "code_id": "category",
                                  "coder": "category"})  # fmt: skip
    assert coverage(categorical, interviews).equals(coverage(codings, interviews))
    assert saturation(categorical, interviews).equals(saturation(codings, interviews))


def test_positions_agree_for_plain_run_ordered_and_categorical_columns() -> None:
    labels = pd.Index(["b", "a", "c"])
    values = pd.Series(["a"] * 1500 + ["z"] * 600 + ["c"] * 900)
    expected = np.array([1] * 1500 + [-1] * 600 + [2] * 900)
    assert (positions(values, labels) == expected).all()  # run-ordered path
    assert (positions(values.astype("category"), labels) == expected).all()
    shuffled = values.sample(frac=1, random_state=1)
    assert (positions(shuffled, labels) == labels.get_indexer(shuffled)).all()


@pytest.mark.parametrize("presorted", [False, True])
def test_sort_keys_matches_a_stable_argsort(presorted: bool) -> None:
    keys = np.random.default_rng(3).integers(0, 50, 10_000)
    if presorted:  # nearly sorted, as codings read in order give
        keys = np.sort(keys)
        keys[[10, 500, 9_000]] = 0
    ordered, order = sort_keys(keys)
    assert (order == np.argsort(keys, kind="stable")).all()
    assert (ordered == np.sort(keys)).all()


def test_factorize_runs_agrees_with_pandas() -> None:
    values = pd.Series(["b"] * 1500 + [None] * 10 + ["a"] * 900 + ["b"] * 700)
    codes = factorize_runs(values)
    expected, _ = pd.factorize(values)
    assert (codes == expected).all()
    shuffled = values.sample(frac=1, random_state=2)
    assert (factorize_runs(shuffled) == pd.factorize(shuffled)[0]).all()
