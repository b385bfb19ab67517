"""Logistic regression of a code's presence: estimates as statsmodels gives them, reference
levels named, and clear notes instead of errors where no estimate exists."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.regression import REGRESSION_COLUMNS, logistic_regression

PLACES = ["martuni", "moscow", "krasnodar"]


def study(size: int = 90, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Presence of "x" and interviews, one per respondent, with place and birth year."""
    rng = np.random.default_rng(seed)
    place = np.array(PLACES)[np.arange(size) % 3]
    birth_year = rng.integers(1940, 1990, size)
    log_odds = -0.5 + 0.8 * (place == "moscow") + 0.03 * (birth_year - 1965)
    present = rng.random(size) < 1 / (1 + np.exp(-log_odds))
    ids = [f"I{number:03d}" for number in range(size)]
    interviews = pd.DataFrame({
        "interview_id": ids, "respondent_id": [f"R{number:03d}" for number in range(size)],
        "interview_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(size), "D"),
        "characters": 100, "place": place, "birth_year": birth_year,
    })  # fmt: skip
    presence = pd.DataFrame({"x": present}, index=pd.Index(ids, name="interview_id"))
    return presence, interviews


def direct_fit(presence: pd.DataFrame, interviews: pd.DataFrame) -> Any:
    """The same model fitted with statsmodels by hand: krasnodar is the reference."""
    design = np.column_stack([
        np.ones(len(interviews)), (interviews["place"] == "martuni").to_numpy(float),
        (interviews["place"] == "moscow").to_numpy(float), interviews["birth_year"].to_numpy(float),
    ])  # fmt: skip
    return sm.Logit(presence["x"].to_numpy(float), design).fit(disp=0)


def test_estimates_equal_statsmodels_logit_fitted_directly() -> None:
    presence, interviews = study()
    table = logistic_regression(presence, interviews, "x", ["place", "birth_year"])
    fitted = direct_fit(presence, interviews)
    assert table["coefficient"].to_numpy() == pytest.approx(np.asarray(fitted.params))
    assert table["std_error"].to_numpy() == pytest.approx(np.asarray(fitted.bse))
    assert table["p_value"].to_numpy() == pytest.approx(np.asarray(fitted.pvalues))
    assert table["ci_low"].to_numpy() == pytest.approx(np.asarray(fitted.conf_int())[:, 0])
    assert table["odds_ratio"].to_numpy() == pytest.approx(np.exp(np.asarray(fitted.params)))


def test_terms_name_the_reference_level() -> None:
    presence, interviews = study()
    table = logistic_regression(presence, interviews, "x", ["place", "birth_year"])
    assert tuple(table.columns) == REGRESSION_COLUMNS
    assert table["term"].tolist() == [
        "intercept", "place: martuni (vs krasnodar)", "place: moscow (vs krasnodar)", "birth_year",
    ]  # fmt: skip


def test_the_reference_level_can_be_chosen() -> None:
    presence, interviews = study()
    table = logistic_regression(presence, interviews, "x", ["place"], reference={"place": "moscow"})
    assert table["term"].tolist()[1:] == [
        "place: krasnodar (vs moscow)", "place: martuni (vs moscow)",
    ]  # fmt: skip


def test_units_with_a_missing_predictor_are_dropped_and_counted() -> None:
    presence, interviews = study()
    interviews.loc[[0, 5, 7], "place"] = None
    table = logistic_regression(presence, interviews, "x", ["place", "birth_year"])
    assert set(table["n"]) == {87}
    assert set(table["note"]) == {"3 respondents with a missing predictor dropped"}


def test_quasi_complete_separation_gives_a_note_not_an_estimate() -> None:
    presence, interviews = study()
    presence.loc[(interviews["place"] == "moscow").to_numpy(), "x"] = True
    table = logistic_regression(presence, interviews, "x", ["place"])
    assert table["coefficient"].isna().all()
    assert "quasi-complete separation" in table["note"].iloc[0]
    assert "place = moscow: every unit holds the code" in table["note"].iloc[0]


def test_perfect_separation_on_a_number_gives_a_note() -> None:
    presence, interviews = study()
    presence["x"] = (interviews["birth_year"] > 1965).to_numpy()
    table = logistic_regression(presence, interviews, "x", ["birth_year"])
    assert table["coefficient"].isna().all()
    assert "separation" in table["note"].iloc[0]


def test_a_constant_outcome_is_not_estimable() -> None:
    presence, interviews = study()
    presence["x"] = False
    table = logistic_regression(presence, interviews, "x", ["place"])
    assert table["note"].iloc[0] == "no unit holds the code; not estimable"
    assert len(table) == 3


def test_collinear_predictors_are_reported() -> None:
    presence, interviews = study()
    interviews["birth_decade"] = interviews["birth_year"] * 0.1
    table = logistic_regression(presence, interviews, "x", ["birth_year", "birth_decade"])
    assert "collinear" in table["note"].iloc[0]


def test_non_convergence_is_reported() -> None:
    presence, interviews = study()
    table = logistic_regression(presence, interviews, "x", ["place"], max_iterations=1)
    assert table["note"].iloc[0] == "did not converge in 1 iterations"
    assert table["coefficient"].isna().all()


def test_numbers_held_as_objects_are_numeric() -> None:
    presence, interviews = study()
    interviews["birth_year"] = interviews["birth_year"].astype(object)
    table = logistic_regression(presence, interviews, "x", ["birth_year"])
    assert table["term"].tolist() == ["intercept", "birth_year"]


def test_numbers_can_be_treated_as_categories() -> None:
    presence, interviews = study()
    interviews["household_size"] = np.arange(len(interviews)) % 2 + 3
    table = logistic_regression(
        presence, interviews, "x", ["household_size"], categorical=["household_size"]
    )
    assert table["term"].tolist() == ["intercept", "household_size: 4 (vs 3)"]


def test_the_respondent_unit_combines_interviews() -> None:
    presence, interviews = study()
    interviews["respondent_id"] = [f"R{number // 2:03d}" for number in range(len(interviews))]
    table = logistic_regression(presence, interviews, "x", ["birth_year"])
    assert set(table["n"]) == {45}
    assert "per respondent" in table["method"].iloc[0]


def test_the_interview_unit_can_be_chosen() -> None:
    presence, interviews = study()
    interviews["respondent_id"] = "R"
    table = logistic_regression(presence, interviews, "x", ["birth_year"], unit="interviews")
    assert set(table["n"]) == {90}


def test_odds_ratio_intervals_are_the_exponentiated_wald_intervals() -> None:
    presence, interviews = study()
    table = logistic_regression(presence, interviews, "x", ["place", "birth_year"])
    fitted = direct_fit(presence, interviews)
    interval = np.exp(np.asarray(fitted.conf_int()))
    assert table["odds_ratio_low"].to_numpy() == pytest.approx(interval[:, 0])
    assert table["odds_ratio_high"].to_numpy() == pytest.approx(interval[:, 1])
    present = int(presence["x"].sum())
    assert set(table["events"]) == {min(present, len(presence) - present)}
    assert set(table["parameters"]) == {3}


def test_too_few_events_per_parameter_skips_the_model_and_says_why() -> None:
    presence, interviews = study(size=30)
    present = int(presence["x"].sum())
    events = min(present, 30 - present)
    table = logistic_regression(
        presence, interviews, "x", ["place", "birth_year"], min_events_per_parameter=10
    )
    assert table["coefficient"].isna().all()
    assert set(table["note"]) == {
        f"too few events: {events} (the rarer of code present and absent) for 3 parameters, "
        "below the floor of 10 per parameter; not fitted"
    }
    assert "Vittinghoff & McCulloch (2007)" in table["method"].iloc[0]
    # The same data fit when the floor allows them.
    fitted = logistic_regression(
        presence, interviews, "x", ["birth_year"], min_events_per_parameter=events
    )
    assert fitted["coefficient"].notna().all()


def test_a_separated_model_below_the_floor_gives_both_reasons() -> None:
    presence, interviews = study(size=12)
    presence["x"] = (interviews["place"] == "moscow").to_numpy()
    table = logistic_regression(presence, interviews, "x", ["place"], min_events_per_parameter=5)
    note = str(table["note"].iloc[0])
    assert note.startswith("too few events: 4 ")
    assert "separation" in note
