"""Intercoder agreement: published worked examples, hand-computed fixtures, package parity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from analysis.agreement import (
    AGREEMENT_COLUMNS,
    PASSES_INFERRED,
    POOLED_BINARY,
    POOLED_NOMINAL,
    agreement,
    coincidence_matrix,
    completed_interviews,
    fleiss_kappa,
    krippendorff_alpha,
    passes_from_codings,
    pooled_alpha_from_codings,
)
from analysis.agreement.units import Unit
from analysis.frames import codes_frame, codings_frame, interviews_frame
from codebook import default_codebook

CODES = codes_frame(default_codebook())
PATHS = dict(zip(CODES["code_id"], CODES["path"], strict=True))

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders × 12 units,
# nominal values with missing data (alpha = 0.743), and 2 coders × 10 binary units (0.095).
KRIPPENDORFF_NOMINAL = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
KRIPPENDORFF_BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]
# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (kappa = 0.430).
FLEISS_DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip


def interviews_of(lengths: Sequence[int]) -> pd.DataFrame:
    """An interviews frame of interviews I1, I2, ... with the given transcript lengths."""
    return interviews_frame(
        {
            "interview_id": f"I{number}",
            "respondent_id": f"R{number}",
            "interview_date": date(2004, 1, 1) + timedelta(days=number),
            "characters": length,
            "attributes": {},
        }
        for number, length in enumerate(lengths, start=1)
    )


def codings_of(rows: Iterable[tuple[str, str, str, int, int]]) -> pd.DataFrame:
    """A codings frame from (interview_id, coder, code_id, start, end) tuples."""
    return codings_frame(
        {
            "coding_id": number,
            "interview_id": interview_id,
            "respondent_id": "R" + interview_id[1:],
            "code_id": code_id,
            "code_path": PATHS[code_id],
            "coder": coder,
            "start_offset": start,
            "end_offset": end,
            "quote": "",
        }
        for number, (interview_id, coder, code_id, start, end) in enumerate(rows)
    )


@pytest.fixture
def tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three coders, two interviews (20 and 10 characters), two codes.

    Coder b coded nothing in I2 (missing there); clan was used by coder a only.
    """
    codings = codings_of([
        ("I1", "a", "unemployment", 0, 10), ("I1", "a", "clan", 12, 16),
        ("I1", "b", "unemployment", 2, 10), ("I1", "c", "unemployment", 5, 15),
        ("I2", "a", "unemployment", 0, 4), ("I2", "c", "unemployment", 2, 6),
    ])  # fmt: skip
    return codings, interviews_of([20, 10])


def row(frame: pd.DataFrame, code_id: str) -> dict[str, Any]:
    """The row of one code (or of the pooled row) as a dict."""
    return frame.set_index("code_id").loc[code_id].to_dict()


def test_alpha_reproduces_krippendorff_2011_nominal_example_with_missing_values() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 0.743."""
    data = np.array(KRIPPENDORFF_NOMINAL, dtype=np.float64)
    assert round(krippendorff_alpha(data), 3) == 0.743


def test_alpha_reproduces_krippendorff_2011_binary_example() -> None:
    """Krippendorff (2011), section A: two observers, ten binary units, alpha 0.095."""
    assert round(krippendorff_alpha(np.array(KRIPPENDORFF_BINARY, dtype=np.float64)), 3) == 0.095


def test_coincidence_matrix_reproduces_krippendorff_2011_binary_example() -> None:
    """Krippendorff (2011), section A: coincidences o_00 10, o_01 = o_10 4, o_11 2."""
    matrix = coincidence_matrix(np.array(KRIPPENDORFF_BINARY, dtype=np.float64))
    assert matrix.to_numpy().tolist() == [[10.0, 4.0], [4.0, 2.0]]


def test_fleiss_kappa_reproduces_fleiss_1971_diagnoses() -> None:
    """Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1:
    30 patients, 6 psychiatrists, 5 diagnoses, kappa 0.430."""
    table, _ = aggregate_raters(np.array(FLEISS_DIAGNOSES))
    assert round(fleiss_kappa(table), 3) == 0.430


def test_cohen_kappa_of_the_textbook_table_through_interview_units() -> None:
    # 50 interviews whose unemployment values give the table [[20, 5], [10, 15]]: kappa 0.4.
    cells = [(0, 0)] * 20 + [(0, 1)] * 5 + [(1, 0)] * 10 + [(1, 1)] * 15
    rows = []
    for number, (first, second) in enumerate(cells, start=1):
        rows += [(f"I{number}", "a", "clan", 0, 1), (f"I{number}", "b", "clan", 0, 1)]
        rows += [(f"I{number}", "a", "unemployment", 1, 2)] * first
        rows += [(f"I{number}", "b", "unemployment", 1, 2)] * second
    frame = agreement(codings_of(rows), interviews_of([5] * 50), CODES, unit="interview")
    result = row(frame, "unemployment")
    assert result["cohen_kappa"] == pytest.approx(0.4, abs=1e-12)
    assert result["percent_agreement"] == pytest.approx(70.0)


def test_binary_example_through_interview_units_gives_krippendorffs_alpha() -> None:
    """Krippendorff (2011), section A, as codings (a filler code marks each interview
    coded): alpha 0.095."""
    rows = []
    for number, (first, second) in enumerate(zip(*KRIPPENDORFF_BINARY, strict=True), start=1):
        rows += [(f"I{number}", "a", "clan", 0, 1), (f"I{number}", "b", "clan", 0, 1)]
        rows += [(f"I{number}", "a", "unemployment", 1, 2)] * first
        rows += [(f"I{number}", "b", "unemployment", 1, 2)] * second
    frame = agreement(codings_of(rows), interviews_of([5] * 10), CODES, unit="interview")
    assert round(row(frame, "unemployment")["krippendorff_alpha"], 3) == 0.095


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_agrees_with_the_krippendorff_package_on_random_data(level: str) -> None:
    rng = np.random.default_rng(2011)
    for _ in range(40):
        coders, units = rng.integers(2, 7), rng.integers(3, 80)
        data = rng.integers(0, rng.integers(2, 8), (coders, units)).astype(np.float64) * 1.5
        data[rng.random((coders, units)) < 0.3] = np.nan
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


def test_alpha_agrees_with_the_package_for_many_categories() -> None:
    rng = np.random.default_rng(30)
    data = rng.integers(0, 40, (5, 2_000)).astype(np.float64)
    agreeing = rng.random(2_000) < 0.5
    data[1:, agreeing] = data[0, agreeing]
    data[rng.random(data.shape) < 0.4] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(data) == pytest.approx(expected, abs=1e-9)


def test_alpha_is_nan_without_variation() -> None:
    assert np.isnan(krippendorff_alpha(np.array([[1.0, 1.0, np.nan], [1.0, 1.0, 1.0]])))


def test_alpha_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(np.zeros((2, 3)), "circular")


def test_fleiss_kappa_equals_statsmodels_on_random_tables() -> None:
    rng = np.random.default_rng(1971)
    for _ in range(20):
        ratings = rng.integers(0, rng.integers(2, 6), (rng.integers(2, 40), rng.integers(2, 7)))
        table, _ = aggregate_raters(ratings)
        if (table.sum(axis=0) > 0).sum() < 2:
            continue
        assert fleiss_kappa(table) == pytest.approx(statsmodels_fleiss_kappa(table), abs=1e-12)


def test_weighted_fleiss_kappa_equals_kappa_of_repeated_units() -> None:
    table = np.array([[3, 0], [2, 1], [1, 2], [0, 3]])
    weights = np.array([5, 2, 3, 1])
    expanded = np.repeat(table, weights, axis=0)
    assert fleiss_kappa(table, weights) == pytest.approx(statsmodels_fleiss_kappa(expanded))


def test_agreement_has_fixed_columns_and_a_pooled_row_last(tiny: Any) -> None:
    codings, interviews = tiny
    frame = agreement(codings, interviews, CODES, unit="interview")
    assert tuple(frame.columns) == AGREEMENT_COLUMNS
    assert frame["code_id"].tolist() == ["unemployment", "clan", POOLED_BINARY, POOLED_NOMINAL]
    assert frame["coders"].tolist() == [3, 3, 3, 3]


def test_interview_unit_counts_a_missing_coder_as_missing(tiny: Any) -> None:
    codings, interviews = tiny
    frame = agreement(codings, interviews, CODES, unit="interview")
    unemployment = row(frame, "unemployment")
    # Every value is 1 (b is missing in I2): full agreement, but alpha and kappa undefined.
    assert unemployment["units"] == 2
    assert unemployment["percent_agreement"] == 100
    assert np.isnan(unemployment["krippendorff_alpha"])
    assert np.isnan(unemployment["fleiss_kappa"])


def test_interview_unit_for_a_code_one_coder_used(tiny: Any) -> None:
    codings, interviews = tiny
    clan = row(agreement(codings, interviews, CODES, unit="interview"), "clan")
    # I1 (1, 0, 0), I2 (0, -, 0): 2 of 4 pairs agree; o_00 3, o_01 1: alpha 1 - 4*2/8 = 0;
    # Fleiss on I1 alone: P = 1/3, P_e = 5/9, kappa -0.5.
    assert clan["percent_agreement"] == pytest.approx(50)
    assert clan["krippendorff_alpha"] == pytest.approx(0)
    assert clan["fleiss_kappa"] == pytest.approx(-0.5)
    assert np.isnan(clan["cohen_kappa"])


def test_interview_unit_pooled_row_stacks_interview_code_pairs(tiny: Any) -> None:
    codings, interviews = tiny
    pooled = row(agreement(codings, interviews, CODES, unit="interview"), POOLED_BINARY)
    # o_00 3, o_01 = o_10 1, o_11 5: alpha 1 - 9*2/48; Fleiss P 2/3, P_e 5/9: 0.25.
    assert pooled["units"] == 4
    assert pooled["percent_agreement"] == pytest.approx(75)
    assert pooled["krippendorff_alpha"] == pytest.approx(0.625)
    assert pooled["fleiss_kappa"] == pytest.approx(0.25)
    assert pd.isna(pooled["path"])


def test_segment_unit_matches_overlapping_spans(tiny: Any) -> None:
    codings, interviews = tiny
    unemployment = row(agreement(codings, interviews, CODES, unit="segment"), "unemployment")
    # Six spans: (1,1,0) (0,0,0) (1,1,0) (0,0,1) (1,-,0) (0,-,1), [0,10) and [2,10) matching
    # by 8/10: 6 of 14 pairs agree; o_00 4, o_11 2, o_01 = o_10 5: alpha 1 - 15*10/126.
    assert unemployment["units"] == 6
    assert unemployment["percent_agreement"] == pytest.approx(600 / 14)
    assert unemployment["krippendorff_alpha"] == pytest.approx(1 - 150 / 126)
    assert unemployment["fleiss_kappa"] == pytest.approx(-1 / 35)


def test_segment_unit_for_a_code_one_coder_used(tiny: Any) -> None:
    codings, interviews = tiny
    clan = row(agreement(codings, interviews, CODES, unit="segment"), "clan")
    assert clan["percent_agreement"] == pytest.approx(1200 / 14)
    assert clan["krippendorff_alpha"] == pytest.approx(0)
    assert clan["fleiss_kappa"] == pytest.approx(-1 / 11)


def test_segment_overlap_threshold_is_inclusive() -> None:
    codings = codings_of([("I1", "a", "clan", 0, 10), ("I1", "b", "clan", 2, 10)])
    interviews = interviews_of([10])
    at = agreement(codings, interviews, CODES, unit="segment", overlap=0.8)
    above = agreement(codings, interviews, CODES, unit="segment", overlap=0.81)
    assert row(at, "clan")["percent_agreement"] == 100
    assert row(above, "clan")["percent_agreement"] == 0


def test_segment_overlap_outside_zero_to_one_is_rejected(tiny: Any) -> None:
    codings, interviews = tiny
    with pytest.raises(ValueError, match="overlap"):
        agreement(codings, interviews, CODES, unit="segment", overlap=0)


def test_character_unit_counts_characters(tiny: Any) -> None:
    codings, interviews = tiny
    unemployment = row(agreement(codings, interviews, CODES, unit="character"), "unemployment")
    # Runs in I1 (a,b,c): 2×(1,0,0) 3×(1,1,0) 5×(1,1,1) 5×(0,0,1) 5×(0,0,0); in I2 (a,c):
    # 2×(1,0) 2×(1,1) 2×(0,1) 4×(0,0). o_00 30, o_11 22, o_01 = o_10 14, n 80.
    assert unemployment["units"] == 30
    assert unemployment["percent_agreement"] == pytest.approx(4600 / 70)
    assert unemployment["krippendorff_alpha"] == pytest.approx(1 - 79 * 28 / 3168)
    assert unemployment["fleiss_kappa"] == pytest.approx(37 / 112)


def test_character_unit_for_a_code_one_coder_used(tiny: Any) -> None:
    codings, interviews = tiny
    clan = row(agreement(codings, interviews, CODES, unit="character"), "clan")
    assert clan["percent_agreement"] == pytest.approx(6200 / 70)
    assert clan["krippendorff_alpha"] == pytest.approx(-3 / 76)
    assert clan["fleiss_kappa"] == pytest.approx(-1 / 14)


def test_character_unit_pooled_row_sums_the_codes(tiny: Any) -> None:
    codings, interviews = tiny
    pooled = row(agreement(codings, interviews, CODES, unit="character"), POOLED_BINARY)
    assert pooled["units"] == 60
    assert pooled["percent_agreement"] == pytest.approx(10800 / 140)
    assert pooled["krippendorff_alpha"] == pytest.approx(1 - 159 * 36 / 9600)


def test_cohen_kappa_needs_exactly_two_coders(tiny: Any) -> None:
    codings, interviews = tiny
    frame = agreement(codings, interviews, CODES, unit="character", coders=["a", "c"])
    # (a, c) table over 30 characters: [[9, 7], [7, 7]]: p_o 16/30, p_e 452/900.
    assert row(frame, "unemployment")["cohen_kappa"] == pytest.approx(28 / 448)
    assert frame["coders"].iloc[0] == 2


def test_character_unit_never_builds_a_per_character_array() -> None:
    codings = codings_of([("I1", "a", "clan", 0, 600_000_000), ("I1", "b", "clan", 0, 1)])
    frame = agreement(codings, interviews_of([10**9]), CODES, unit="character")
    assert row(frame, "clan")["units"] == 10**9
    assert row(frame, "clan")["percent_agreement"] == pytest.approx(40.0000001)


def test_a_non_applicable_code_makes_the_interview_coded_without_a_row() -> None:
    codings = codings_of([("I1", "a", "clan", 0, 5), ("I1", "b", "motives", 0, 5)])
    frame = agreement(codings, interviews_of([10]), CODES, unit="interview")
    assert frame["code_id"].tolist() == ["clan", POOLED_BINARY, POOLED_NOMINAL]
    assert row(frame, "clan")["percent_agreement"] == 0


def test_agreement_needs_two_coders() -> None:
    codings = codings_of([("I1", "a", "clan", 0, 5)])
    with pytest.raises(ValueError, match="two or more coders"):
        agreement(codings, interviews_of([10]), CODES, unit="interview")


def test_agreement_rejects_an_unknown_unit(tiny: Any) -> None:
    codings, interviews = tiny
    with pytest.raises(ValueError, match="unit"):
        agreement(codings, interviews, CODES, unit="sentence")  # type: ignore[arg-type]


def test_pooled_alpha_over_code_sets_at_the_character_unit(tiny: Any) -> None:
    codings, interviews = tiny
    # Categories ∅, {unemployment}, {clan}: D 33, n_c 40, 36, 4 of n 80.
    expected = 1 - 79 * 33 / 3488
    assert pooled_alpha_from_codings(codings, interviews, CODES) == pytest.approx(expected)


def test_pooled_alpha_over_code_sets_at_the_segment_unit(tiny: Any) -> None:
    codings, interviews = tiny
    alpha = pooled_alpha_from_codings(codings, interviews, CODES, unit="segment")
    assert alpha == pytest.approx(1 - 15 * 12 / 142)


def test_pooled_alpha_over_code_sets_at_the_interview_unit(tiny: Any) -> None:
    codings, interviews = tiny
    # I1 ({unemployment, clan}, {unemployment}, {unemployment}), I2 all {unemployment}.
    alpha = pooled_alpha_from_codings(codings, interviews, CODES, unit="interview")
    assert alpha == pytest.approx(0)


def test_pooled_alpha_agrees_with_the_package_on_random_codings() -> None:
    rng = np.random.default_rng(7)
    code_ids = ["unemployment", "clan", "renewed_war", "frustration", "weak_ties"]
    lengths = [30, 45, 25]
    rows = []
    for _ in range(40):
        interview = int(rng.integers(0, 3))
        start = int(rng.integers(0, lengths[interview] - 1))
        end = int(min(start + rng.integers(1, 12), lengths[interview]))
        rows.append((f"I{interview + 1}", str(rng.choice(["a", "b", "c"])),
                     str(rng.choice(code_ids)), start, end))  # fmt: skip
    codings = codings_of(rows)
    sets: dict[frozenset[str], int] = {}
    data = []
    for number, length in enumerate(lengths, start=1):
        for character in range(length):
            column: list[float] = []
            for coder in ["a", "b", "c"]:
                own = [r for r in rows if r[0] == f"I{number}" and r[1] == coder]
                covering = frozenset(r[2] for r in own if r[3] <= character < r[4])
                column.append(sets.setdefault(covering, len(sets)) if own else np.nan)
            data.append(column)
    expected = krippendorff.alpha(
        reliability_data=np.array(data, dtype=np.float64).T, level_of_measurement="nominal"
    )
    actual = pooled_alpha_from_codings(codings, interviews_of(lengths), CODES)
    assert actual == pytest.approx(expected, abs=1e-9)


def fifty_unit_example() -> tuple[pd.DataFrame, dict[str, set[str]]]:
    """The textbook 2 × 2 table as codings: A yes/B yes 20, A only 5, B only 10, neither 15.

    Both coders completed all 50 interviews; the 15 'neither' interviews hold no coding.
    """
    cells = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    rows = []
    for number, (first, second) in enumerate(cells, start=1):
        rows += [(f"I{number}", "a", "unemployment", 1, 2)] * first
        rows += [(f"I{number}", "b", "unemployment", 1, 2)] * second
    everything = {f"I{number}" for number in range(1, 51)}
    return codings_of(rows), {"a": everything, "b": everything}


def test_completed_passes_give_the_textbook_kappa_without_a_filler_code() -> None:
    """Cohen's kappa of [[20, 5], [10, 15]] is 0.400 (p_o 0.70, p_e 0.50); no code invented."""
    codings, passes = fifty_unit_example()
    frame = agreement(codings, interviews_of([5] * 50), CODES, unit="interview", passes=passes)
    result = row(frame, "unemployment")
    assert result["cohen_kappa"] == pytest.approx(0.4, abs=1e-12)
    assert result["units"] == 50
    assert result["percent_agreement"] == pytest.approx(70.0)
    assert "Completed passes as recorded" in result["method"]


def test_without_passes_the_fallback_is_named_and_loses_the_uncoded_interviews() -> None:
    codings, _ = fifty_unit_example()
    frame = agreement(codings, interviews_of([5] * 50), CODES, unit="interview")
    result = row(frame, "unemployment")
    # Only the 20 interviews both coded are pairable, every value 1: kappa undefined.
    assert result["units"] == 20
    assert np.isnan(result["cohen_kappa"])
    assert PASSES_INFERRED in result["method"]


def test_passes_from_codings_is_the_one_fallback_rule() -> None:
    codings, _ = fifty_unit_example()
    inferred = passes_from_codings(codings)
    assert len(inferred["a"]) == 25 and len(inferred["b"]) == 30
    explicit = agreement(codings, interviews_of([5] * 50), CODES, unit="interview", passes=inferred)
    implicit = agreement(codings, interviews_of([5] * 50), CODES, unit="interview")
    columns = ["krippendorff_alpha", "percent_agreement", "cohen_kappa", "units"]
    assert explicit[columns].equals(implicit[columns])


def test_an_interview_a_coder_did_not_complete_is_missing_for_them() -> None:
    # b coded I2 but has not completed it: their coding there is left out, I2 unpairable.
    codings = codings_of([
        ("I1", "a", "clan", 0, 5), ("I2", "a", "clan", 0, 5), ("I2", "b", "clan", 0, 5),
    ])  # fmt: skip
    passes = {"a": {"I1", "I2"}, "b": {"I1"}}
    frame = agreement(codings, interviews_of([10, 10]), CODES, unit="interview", passes=passes)
    clan = row(frame, "clan")
    assert clan["units"] == 1
    assert clan["percent_agreement"] == 0  # I1: a 1, b 0 (completed, not applied)


def test_a_coder_with_passes_but_no_codings_is_compared() -> None:
    codings = codings_of([("I1", "a", "clan", 0, 5)])
    passes = {"a": {"I1", "I2"}, "b": {"I1", "I2"}}
    frame = agreement(codings, interviews_of([10, 10]), CODES, unit="interview", passes=passes)
    clan = row(frame, "clan")
    assert clan["coders"] == 2
    assert clan["units"] == 2
    assert clan["percent_agreement"] == pytest.approx(50)


def test_completed_interviews_counts_each_coders_pass() -> None:
    codings, passes = fifty_unit_example()
    recorded = completed_interviews(codings, interviews_of([5] * 50), passes)
    assert recorded.to_dict("records") == [
        {"coder": "a", "completed": 50}, {"coder": "b", "completed": 50},
    ]  # fmt: skip
    inferred = completed_interviews(codings, interviews_of([5] * 50))
    assert inferred["completed"].tolist() == [25, 30]


def krippendorff_example_as_codings() -> tuple[pd.DataFrame, dict[str, set[str]]]:
    """Krippendorff (2011), section C, as codings: each observer codes each unit (an
    interview) with the code standing for their value; a missing value is an interview the
    observer did not complete."""
    code_ids = ["unemployment", "clan", "renewed_war", "frustration", "weak_ties"]
    rows, passes = [], {}
    for coder, values in zip("abcd", KRIPPENDORFF_NOMINAL, strict=True):
        passes[coder] = set()
        for number, value in enumerate(values, start=1):
            if value is not None:
                passes[coder].add(f"I{number}")
                rows.append((f"I{number}", coder, code_ids[value - 1], 0, 1))
    return codings_of(rows), passes


def test_pooled_nominal_alpha_over_codes_reproduces_krippendorff_2011() -> None:
    """Krippendorff (2011), section C: nominal alpha 0.743 with the codes as values; the
    binary stacking of the five codes gives 0.751 instead, and is labelled as such."""
    codings, passes = krippendorff_example_as_codings()
    frame = agreement(codings, interviews_of([5] * 12), CODES, unit="interview", passes=passes)
    assert frame["code_id"].iloc[-1] == POOLED_NOMINAL
    assert round(row(frame, POOLED_NOMINAL)["krippendorff_alpha"], 3) == 0.743
    assert round(row(frame, POOLED_BINARY)["krippendorff_alpha"], 3) == 0.751
    assert row(frame, POOLED_NOMINAL)["method"].startswith("Nominal α over codes")
    assert row(frame, POOLED_BINARY)["method"].startswith("Binary α, codes stacked")


def test_alpha_is_the_first_statistic_and_percent_agreement_stands_beside_it() -> None:
    assert AGREEMENT_COLUMNS.index("krippendorff_alpha") < AGREEMENT_COLUMNS.index(
        "percent_agreement"
    )


@pytest.mark.parametrize("unit", ["segment", "character"])
def test_methods_warn_that_percent_agreement_counts_what_nobody_coded(tiny: Any, unit: str) -> None:
    codings, interviews = tiny
    frame = agreement(codings, interviews, CODES, unit=unit)  # type: ignore[arg-type]
    assert "Percent agreement here is dominated by" in row(frame, "clan")["method"]


@pytest.mark.parametrize("unit", ["interview", "segment", "character"])
def test_completed_passes_without_any_coding_give_pooled_rows_only(unit: Unit) -> None:
    passes = {"a": {"I1", "I2"}, "b": {"I1"}}
    frame = agreement(codings_of([]), interviews_of([5, 5]), CODES, unit=unit, passes=passes)
    assert frame["code_id"].tolist() == [POOLED_BINARY, POOLED_NOMINAL]
    assert frame["krippendorff_alpha"].isna().all()


def test_per_code_alpha_under_random_passes_agrees_with_the_package() -> None:
    """Reliability data built by hand from random codings and passes (1 applied, 0 completed
    and not applied, missing not completed) give the krippendorff package's alpha."""
    rng = np.random.default_rng(11)
    coders, interviews = ["a", "b", "c"], [f"I{number}" for number in range(1, 31)]
    passes = {coder: {i for i in interviews if rng.random() < 0.8} for coder in coders}
    rows = [
        (interview, coder, "clan", 0, 1)
        for coder in coders
        for interview in interviews
        if rng.random() < 0.4
    ]
    frame = agreement(
        codings_of(rows), interviews_of([5] * 30), CODES, unit="interview", passes=passes
    )
    data = np.array(
        [
            [
                (1.0 if (interview, coder, "clan", 0, 1) in rows else 0.0)
                if interview in passes[coder]
                else np.nan
                for interview in interviews
            ]
            for coder in coders
        ]
    )
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert row(frame, "clan")["krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)
