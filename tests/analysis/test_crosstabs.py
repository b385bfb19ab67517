"""Crosstabs of code presence by attribute: counts, percentages, Wilson intervals, residuals
and tests, checked by hand on the tiny study and against statsmodels and scipy called directly."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import MonteCarloMethod, chi2_contingency, fisher_exact
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from analysis.crosstabs import PREVALENCE_COLUMNS, TEST_COLUMNS, Crosstab, crosstab, holm
from analysis.frames import CODE_COLUMNS, presence_matrix
from tests.analysis.test_frequencies import tiny_study


def tiny_crosstab(**options: object) -> Crosstab:
    """Presence by place in the tiny study (I6 has no place)."""
    codings, interviews, codes = tiny_study()
    presence = presence_matrix(codings, interviews, codes)
    return crosstab(presence, interviews, "place", codes=codes, **options)  # type: ignore[arg-type]


def one_code_study(present: dict[str, tuple[int, int]]) -> tuple[pd.DataFrame, ...]:
    """Presence, interviews and codes for one code "x": level -> (present, n)."""
    rows, flags = [], []
    for level, (count, n) in present.items():
        for number in range(n):
            rows.append({
                "interview_id": f"{level}{number}", "respondent_id": f"{level}{number}",
                "interview_date": pd.Timestamp("2024-01-01"), "characters": 10, "level": level,
            })  # fmt: skip
            flags.append(number < count)
    interviews = pd.DataFrame(rows)
    presence = pd.DataFrame({"x": flags}, index=pd.Index(interviews["interview_id"]))
    codes = pd.DataFrame(
        [{"code_id": "x", "path": "x", "name": "x", "title": "X", "parent_id": None,
          "group": "x", "depth": 0, "colour": "#000000", "applicable": True, "retired": False}],
        columns=list(CODE_COLUMNS),
    )  # fmt: skip
    return presence, interviews, codes


def test_counts_hold_present_units_per_level_and_n_per_level() -> None:
    counts = tiny_crosstab().counts
    # martuni: I1 I3 I4; moscow: I2 I5; I6 dropped
    assert counts.loc["unemployment"].tolist() == [2, 1, 3]
    assert counts.loc["motives"].tolist() == [2, 2, 4]
    assert counts.loc["n"].tolist() == [3, 2, 5]
    assert counts.columns.tolist() == ["martuni", "moscow", "total"]


def test_row_percent_splits_a_codes_units_across_levels() -> None:
    row = tiny_crosstab().row_percent.loc["remittances"]
    assert row.tolist() == pytest.approx([50.0, 50.0])  # I4 martuni, I2 moscow


def test_column_percent_is_the_share_of_each_levels_units() -> None:
    column = tiny_crosstab().column_percent.loc["unemployment"]
    assert column.tolist() == pytest.approx([200 / 3, 50.0, 60.0])


def test_prevalence_has_wilson_intervals_computed_by_hand() -> None:
    prevalence = tiny_crosstab().prevalence
    assert tuple(prevalence.columns) == PREVALENCE_COLUMNS
    row = prevalence[(prevalence["code_id"] == "unemployment") & (prevalence["level"] == "martuni")]
    z, n, share = 1.959963984540054, 3, 2 / 3
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert row["share"].item() == pytest.approx(share)
    assert row["ci_low"].item() == pytest.approx(centre - half)
    assert row["ci_high"].item() == pytest.approx(centre + half)


def test_prevalence_intervals_equal_statsmodels_wilson() -> None:
    prevalence = tiny_crosstab().prevalence
    low, high = proportion_confint(prevalence["present"], prevalence["n"], method="wilson")
    assert prevalence["ci_low"].to_numpy() == pytest.approx(np.asarray(low))
    assert prevalence["ci_high"].to_numpy() == pytest.approx(np.asarray(high))


def test_prevalence_rows_follow_codebook_then_level_order() -> None:
    prevalence = tiny_crosstab().prevalence
    assert prevalence["code_id"].tolist()[:4] == ["motives", "motives", "unemployment"] + [
        "unemployment"
    ]
    assert prevalence["level"].tolist()[:2] == ["martuni", "moscow"]


def test_residuals_are_adjusted_standardized_residuals_by_hand() -> None:
    residuals = tiny_crosstab().residuals.loc["unemployment"]
    # table [[2, 1], [1, 1]]: expected 1.8 and 1.2, variance factor (1 - 3/5)(1 - 3/5) or (1 - 2/5)
    assert residuals["martuni"] == pytest.approx(0.2 / math.sqrt(1.8 * 0.4 * 0.4))
    assert residuals["moscow"] == pytest.approx(-0.2 / math.sqrt(1.2 * 0.4 * 0.6))


def test_residuals_equal_statsmodels_standardized_resids() -> None:
    residuals = tiny_crosstab().residuals.loc["clans"]
    expected = Table(np.array([[2, 1], [1, 1]]), shift_zeros=False).standardized_resids[0]
    assert residuals.to_numpy() == pytest.approx(np.asarray(expected))


def test_small_two_by_two_tables_use_fishers_exact_test() -> None:
    tests = tiny_crosstab().tests.set_index("code_id")
    assert tests.loc["unemployment", "test"] == "Fisher exact"
    expected = fisher_exact([[2, 1], [1, 1]])
    assert tests.loc["unemployment", "p_value"] == pytest.approx(expected.pvalue)
    assert tests.loc["unemployment", "statistic"] == pytest.approx(expected.statistic)
    assert "expected counts too small" in tests.loc["unemployment", "note"]


def test_min_expected_and_cells_below_five_are_reported() -> None:
    tests = tiny_crosstab().tests.set_index("code_id")
    assert tests.loc["unemployment", "min_expected"] == pytest.approx(0.8)  # 2 * 2 / 5
    assert tests.loc["unemployment", "cells_below_5"] == 4


def test_large_tables_use_pearson_chi_square_as_scipy_and_statsmodels() -> None:
    presence, interviews, codes = one_code_study({"a": (10, 30), "b": (15, 30), "c": (25, 30)})
    result = crosstab(presence, interviews, "level", codes=codes).tests.iloc[0]
    table = np.array([[10, 15, 25], [20, 15, 5]])
    statistic, p_value, dof, _ = chi2_contingency(table, correction=False)
    direct = Table(table, shift_zeros=False).test_nominal_association()
    assert result["test"] == "chi-square"
    assert result["statistic"] == pytest.approx(statistic)
    assert result["statistic"] == pytest.approx(direct.statistic)
    assert result["p_value"] == pytest.approx(p_value)
    assert result["dof"] == dof == 2


def test_cochran_rule_allows_one_small_cell_in_six() -> None:
    # expected for the present row: 20 * n / 66 -> 4.55 in level a, others above 5
    presence, interviews, codes = one_code_study({"a": (2, 15), "b": (8, 25), "c": (10, 26)})
    result = crosstab(presence, interviews, "level", codes=codes).tests.iloc[0]
    assert result["cells_below_5"] == 1
    assert result["test"] == "chi-square"


def test_small_larger_tables_use_a_seeded_monte_carlo_exact_test() -> None:
    presence, interviews, codes = one_code_study({"a": (3, 4), "b": (1, 5), "c": (0, 6)})
    result = crosstab(presence, interviews, "level", codes=codes, seed=5).tests.iloc[0]
    method = MonteCarloMethod(n_resamples=9_999, rng=np.random.default_rng(5))
    expected = fisher_exact(np.array([[3, 1, 0], [1, 4, 6]]), method=method)
    assert result["test"] == "Fisher-Freeman-Halton"
    assert result["p_value"] == expected.pvalue
    assert "Monte Carlo" in result["note"]


def test_exact_results_are_plain_numbers_for_every_table_shape() -> None:
    # scipy returns one-element arrays for this table
    presence, interviews, codes = one_code_study(
        {"a": (0, 1), "b": (1, 1), "c": (1, 2), "d": (1, 2)}
    )
    result = crosstab(presence, interviews, "level", codes=codes).tests.iloc[0]
    assert isinstance(result["statistic"], float)
    assert 0.0 <= result["p_value"] <= 1.0


def test_holm_adjustment_equals_statsmodels() -> None:
    p_values = np.array([0.01, 0.04, 0.03, 0.2, 0.04, 0.0001])
    assert holm(p_values) == pytest.approx(multipletests(p_values, method="holm")[1])


def test_adjusted_p_values_skip_untested_codes() -> None:
    tests = tiny_crosstab().tests
    tested = tests["p_value"].notna()
    expected = multipletests(tests.loc[tested, "p_value"], method="holm")[1]
    assert tests.loc[tested, "p_adjusted"].to_numpy() == pytest.approx(expected)


def test_fdr_correction_can_be_chosen() -> None:
    tests = tiny_crosstab(correction="fdr_bh").tests
    expected = multipletests(tests["p_value"], method="fdr_bh")[1]
    assert tests["p_adjusted"].to_numpy() == pytest.approx(expected)


def test_unknown_correction_is_refused() -> None:
    with pytest.raises(ValueError, match="correction"):
        tiny_crosstab(correction="magic")


def test_a_code_present_nowhere_is_not_tested() -> None:
    presence, interviews, codes = one_code_study({"a": (0, 4), "b": (0, 5)})
    result = crosstab(presence, interviews, "level", codes=codes).tests.iloc[0]
    assert result["test"] == "none"
    assert np.isnan(result["p_value"])
    assert result["note"] == "code present in no unit; no test"


def test_units_with_a_missing_attribute_are_dropped_and_counted() -> None:
    result = tiny_crosstab()
    assert result.counts.loc["n", "total"] == 5
    assert "1 interview with place missing dropped" in result.method


def test_respondent_unit_counts_each_respondent_once() -> None:
    result = tiny_crosstab(unit="respondents")
    # R1 and R3 (first interviews I1, I3) in martuni; R2 and R4 in moscow
    assert result.counts.loc["n"].tolist() == [2, 2, 4]
    assert result.counts.loc["unemployment"].tolist() == [2, 1, 3]
    assert set(result.prevalence["unit"]) == {"respondents"}


def test_levels_choose_and_order_the_columns() -> None:
    result = tiny_crosstab(levels=["moscow", "martuni"])
    assert result.counts.columns.tolist() == ["moscow", "martuni", "total"]
    assert result.levels == ("moscow", "martuni")


def test_tests_have_the_documented_columns_and_a_method() -> None:
    result = tiny_crosstab()
    assert tuple(result.tests.columns) == TEST_COLUMNS
    assert result.tests["code_id"].tolist() == ["motives", "unemployment", "clans", "remittances"]
    assert "Holm" in result.method
    assert "Wilson 95% intervals" in result.method


def test_results_repeat_byte_for_byte() -> None:
    first, second = tiny_crosstab(), tiny_crosstab()
    assert first.tests.to_csv() == second.tests.to_csv()
    assert first.prevalence.to_csv() == second.prevalence.to_csv()


def test_only_the_tested_codes_are_tested_and_the_others_say_why() -> None:
    table = tiny_crosstab(tested=["unemployment"], untested="described only, for the test")
    tests = table.tests.set_index("code_id")
    assert tests.loc["unemployment", "test"] != "none"
    assert tests["p_value"].notna().sum() == 1
    assert tests.loc["motives", "note"] == "not tested: described only, for the test"
    # The untested codes are still described.
    assert table.counts.loc["motives"].tolist() == [2, 2, 4]


def test_without_a_correction_p_adjusted_is_left_to_the_caller() -> None:
    table = tiny_crosstab(correction=None)
    assert table.tests["p_value"].notna().any()
    assert table.tests["p_adjusted"].isna().all()
    assert "adjusted" not in table.method.split("Shares")[0].split("larger ones")[1]
