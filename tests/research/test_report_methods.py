"""The report's methods on the demo study: one family of tests across the whole report,
corrected once and stated where each result stands, leaf codes only, each attribute once;
the era cut stated; the regression fitted or skipped with its reason."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from research.report import Result, Selection
from research.report.run import iter_results
from research.services import study_info
from research.study import open_study
from research.study_settings import StudySettings
from tests.research.small_study import frames_of


def demo_results(
    template: Path, folder: Path, *, settings: StudySettings | None = None, analysed: str = ""
) -> dict[str, Result]:
    """The demo study's results (no figures), with changed settings or one more attribute
    marked for analysis."""
    shutil.copytree(template, folder)
    with open_study(folder) as study:
        with study.transaction() as session:
            if settings is not None:
                study_info.store_settings(session, settings)
            if analysed:
                dictionary = study_info.load_dictionary(session)
                marked = [
                    a.model_copy(update={"analysis": True}) if a.name == analysed else a
                    for a in dictionary.attributes
                ]
                study_info.store_dictionary(
                    session, dictionary.model_copy(update={"attributes": marked})
                )
        # The expected values of this module were worked out on every coder's codings.
        frames = frames_of(study, source="union")
    return {r.key: r for r in iter_results(frames, Selection(), figures=False)}


@pytest.fixture(scope="module")
def results(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    return demo_results(demo_template, tmp_path_factory.mktemp("methods") / "demo")


def rows_with_p_values(results: dict[str, Result]) -> pd.DataFrame:
    """Every row with a p-value in the report's tables: its table, key, p and p_adjusted."""
    rows = []
    for result in results.values():
        for name, table in result.tables.items():
            if "p_value" not in table.columns:
                continue
            key = "code_id" if "code_id" in table.columns else "term"
            shown = table[table["p_value"].notna()]
            if key == "term":
                shown = shown[shown["term"] != "intercept"]
            rows += [
                {"table": name, "row": row, "p_value": p, "p_adjusted": adjusted}
                for row, p, adjusted in zip(
                    shown[key], shown["p_value"], shown["p_adjusted"], strict=True
                )
            ]
    return pd.DataFrame(rows)


def family_size(note: str) -> int:
    found = re.search(r"one family of (\d+) tests", note)
    assert found is not None, note
    return int(found.group(1))


def test_one_family_holds_every_test_of_the_report_adjusted_once_by_holm(
    results: dict[str, Result],
) -> None:
    rows = rows_with_p_values(results)
    tables = set(rows["table"])
    assert {"crosstab_gender_tests", "crosstab_role_tests", "era_tests"} <= tables
    assert any(name.startswith("logit_") for name in tables)
    # The same family, of exactly the tests shown, is named in every section that tests.
    for key in ("crosstabs", "era", "regression"):
        assert family_size(results[key].note) == len(rows)
        assert "adjusted once by Holm's step-down method" in results[key].note
    expected = multipletests(rows["p_value"].to_numpy(), method="holm")[1]
    assert rows["p_adjusted"].to_numpy() == pytest.approx(expected)
    assert set(results["crosstabs"].tables["crosstab_gender_tests"]["correction"]) >= {
        f"Holm, one family of {len(rows)} tests across the report"
    }


def test_no_parent_code_is_tested_beside_its_children(results: dict[str, Result]) -> None:
    rows = rows_with_p_values(results)
    code_rows = rows[~rows["table"].str.startswith("logit_")]
    tests = results["crosstabs"].tables["crosstab_gender_tests"].set_index("code_id")
    parents = {"motives", "economy", "politics", "patterns", "remittances", "gender"}
    assert parents <= set(tests.index)
    assert not parents & set(code_rows["row"])
    assert tests.loc["motives", "note"].startswith("not tested: a parent code")
    assert {"unemployment", "seasonal_soviet"} <= set(code_rows["row"])


def test_benjamini_hochberg_is_a_setting_applied_to_the_whole_family(
    demo_template: Path, tmp_path: Path
) -> None:
    from research.study_templates import karabakh_settings

    settings = karabakh_settings()
    report = settings.report.model_copy(update={"correction": "bh"})
    results = demo_results(demo_template, tmp_path / "demo", settings=StudySettings(report=report))
    rows = rows_with_p_values(results)
    expected = multipletests(rows["p_value"].to_numpy(), method="fdr_bh")[1]
    assert rows["p_adjusted"].to_numpy() == pytest.approx(expected)
    assert "Benjamini-Hochberg's step-up method (false discovery rate)" in results["era"].note
    assert "report.correction: bh" in results["crosstabs"].note


def test_the_era_is_tested_once_when_its_choice_attribute_is_analysed_too(
    demo_template: Path, tmp_path: Path, results: dict[str, Result]
) -> None:
    marked = demo_results(demo_template, tmp_path / "demo", analysed="migration_era")
    tables = marked["crosstabs"].tables
    era_choice = tables["crosstab_migration_era_tests"]
    assert era_choice["p_value"].isna().all()
    assert set(era_choice["note"]) == {
        "not tested: migration_era is the era split's attribute, tested once in the era "
        "comparison (report.era: departure_year)"
    }
    # Described all the same, and the family did not grow.
    assert tables["crosstab_migration_era_counts"]["total"].sum() > 0
    assert family_size(marked["era"].note) == family_size(results["era"].note)
    assert "The crosstabs by migration_era describe the same eras" in marked["era"].note


def test_the_era_section_states_the_cut_and_where_it_comes_from(
    results: dict[str, Result],
) -> None:
    note = results["era"].note
    assert note.startswith(
        "Era cut: Soviet era (left before the end of 1991): departure_year 1991 or earlier; "
        "Post-Soviet (left 1992 or later): departure_year 1992 or later. The cut is the "
        "study's setting (report.era.cuts: [1992])"
    )
    assert '"after 1989"' in note and "cuts to [1990]" in note
    counts = results["era"].tables["era_counts"].set_index("code_id")
    assert counts.loc["n"].tolist()[:2] == [5, 18]


def test_the_regression_fits_what_it_can_and_says_why_it_skips_the_rest(
    results: dict[str, Result],
) -> None:
    regression = results["regression"]
    models = regression.tables["regression_models"].set_index("outcome")
    assert models["fitted"].to_dict() == {
        "in_laws": True,
        "male_breadwinner": True,
        "protracted": False,
    }
    assert models.loc["protracted", "reason"].startswith(
        "too few events: 8 (the rarer of code present and absent) for 1 parameter, below the "
        "floor of 10 per parameter"
    )
    assert "Protracted not fitted: too few events: 8" in regression.note
    assert "Vittinghoff & McCulloch (2007)" in regression.note
    fit = regression.tables["logit_in_laws"].set_index("term").loc["household_size"]
    assert fit["odds_ratio_low"] < fit["odds_ratio"] < fit["odds_ratio_high"]
    assert fit["odds_ratio_low"] == pytest.approx(np.exp(fit["ci_low"]))
    assert "logit_protracted" not in regression.tables


def test_a_regression_that_separates_is_skipped_with_its_reason_never_empty(
    demo_template: Path, tmp_path: Path
) -> None:
    from research.study_templates import karabakh_settings

    settings = karabakh_settings()
    spec = settings.report.regression.model_copy(  # type: ignore[union-attr]
        update={
            "outcomes": ["unemployment"],
            "predictors": ["gender"],
            "min_events_per_parameter": 1,
        }
    )
    report = settings.report.model_copy(update={"regression": spec})
    results = demo_results(demo_template, tmp_path / "demo", settings=StudySettings(report=report))
    regression = results["regression"]
    assert regression.left_out is None
    assert "No model is fitted, so the section has no estimates; the reasons follow." in (
        regression.note
    )
    assert "Unemployment not fitted:" in regression.note and "separation" in regression.note
    assert list(regression.tables) == ["regression_models"]


def test_one_section_alone_reads_the_whole_report_s_family(
    demo_template: Path, tmp_path: Path, results: dict[str, Result]
) -> None:
    # As the dashboard asks for one section: its p-values are still the full family's.
    shutil.copytree(demo_template, tmp_path / "demo")
    with open_study(tmp_path / "demo") as study:
        frames = frames_of(study)
    (alone,) = iter_results(frames, Selection(), ["era"], figures=False)
    shown = alone.tables["era_tests"]["p_adjusted"].to_numpy()
    full = results["era"].tables["era_tests"]["p_adjusted"].to_numpy()
    assert shown == pytest.approx(full, nan_ok=True)
    assert family_size(alone.note) == family_size(results["era"].note)


def test_a_section_that_fails_leaves_the_family_to_the_others(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import findings

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("unusual selection")

    monkeypatch.setattr(findings, "era_comparison", broken)
    results = demo_results(demo_template, tmp_path / "demo")
    assert results["era"].left_out == (
        "not computed for this selection (ValueError: unusual selection)"
    )
    rows = rows_with_p_values(results)
    assert "era_tests" not in set(rows["table"])
    assert family_size(results["crosstabs"].note) == len(rows)
