"""One family of tests: Holm and Benjamini-Hochberg as statsmodels, each hypothesis once,
and only codes without children tested."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from analysis.frames import codes_frame
from analysis.multiple_testing import adjust, correct_family, leaf_codes
from codebook import default_codebook

P_VALUES = np.array([0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9])


@pytest.mark.parametrize(("correction", "method"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjustment_equals_statsmodels_multipletests(correction: str, method: str) -> None:
    expected = multipletests(P_VALUES, method=method)[1]
    assert adjust(P_VALUES, correction) == pytest.approx(expected)  # type: ignore[arg-type]


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=40))
def test_both_corrections_equal_statsmodels_on_any_p_values(p_values: list[float]) -> None:
    values = np.array(p_values)
    assert adjust(values, "holm") == pytest.approx(multipletests(values, method="holm")[1])
    assert adjust(values, "bh") == pytest.approx(multipletests(values, method="fdr_bh")[1])


def test_missing_p_values_stay_missing_and_do_not_count() -> None:
    adjusted = adjust(np.array([0.01, np.nan, 0.04]), "holm")
    assert np.isnan(adjusted[1])
    assert adjusted[[0, 2]] == pytest.approx(multipletests([0.01, 0.04], method="holm")[1])


def test_an_unknown_correction_is_refused() -> None:
    with pytest.raises(ValueError, match="holm, bh"):
        adjust(P_VALUES, "bonferroni")  # type: ignore[arg-type]


def family(hypotheses: list[str], p_values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hypothesis": hypotheses,
            "table": [f"t{index}" for index in range(len(hypotheses))],
            "row": hypotheses,
            "p_value": p_values,
        }
    )


def test_a_family_is_adjusted_all_together_and_its_size_is_its_tests() -> None:
    tests = family(["a ~ x", "b ~ x", "a ~ y", "c ~ y"], [0.01, 0.02, np.nan, 0.04])
    corrected = correct_family(tests, "holm")
    # The untested row is no test: three tests, adjusted as one family of three.
    assert len(corrected) == 3
    assert corrected["p_adjusted"].to_numpy() == pytest.approx(
        multipletests([0.01, 0.02, 0.04], method="holm")[1]
    )


def test_a_hypothesis_tested_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'era ~ x' is tested twice \(in t0 and t1\)"):
        correct_family(family(["era ~ x", "era ~ x"], [0.01, 0.02]))


def test_only_applicable_codes_without_children_are_tested() -> None:
    codes = codes_frame(default_codebook())
    tested = leaf_codes(codes)
    parents = set(codes["parent_id"].dropna())
    assert tested
    assert not parents & set(tested)
    assert "motives" not in tested and "economy" not in tested
    assert "unemployment" in tested
    leaves = codes[~codes["code_id"].isin(parents) & codes["applicable"]]
    assert tested == leaves["code_id"].tolist()
