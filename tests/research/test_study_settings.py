"""Analysis settings: YAML with located errors, and their fit to a dictionary and a codebook."""

from __future__ import annotations

import pytest

from codebook import Codebook, default_codebook
from interviews.defaults import blank_dictionary, default_dictionary
from research.errors import StudySettingsError
from research.study import karabakh_settings
from research.study_settings import (
    StudySettings,
    check_settings,
    describe_settings,
    dumps_settings,
    loads_settings,
    settings_problems,
)

FITTING = """report:
  prevalence_by: gender
  era:
    attribute: departure_year
    cuts: [1992]
    names: [soviet, post_soviet]
    labels: [Soviet, Post-Soviet]
    code_groups: [patterns]
"""


def test_empty_text_is_empty_settings() -> None:
    assert loads_settings("") == StudySettings()
    assert describe_settings(StudySettings()) == []


def test_shipped_karabakh_settings_fit_the_karabakh_dictionary_and_codebook() -> None:
    settings = karabakh_settings()
    found = check_settings(settings, dictionary=default_dictionary(), codebook=default_codebook())
    assert found == []


def test_settings_round_trip_through_yaml() -> None:
    settings = karabakh_settings()
    assert loads_settings(dumps_settings(settings)) == settings
    assert dumps_settings(settings).startswith("report:\n  prevalence_by: gender\n")


def test_form_problems_are_all_listed_with_file_line_and_key() -> None:
    text = (
        "report:\n"
        "  prevalnce_by: gender\n"  # line 2
        "  era:\n"  # line 3
        "    attribute: departure_year\n"
        "    cuts: [1992, 1980]\n"
        "    names: [a, b]\n"
        "    labels: [x, y]\n"
    )
    problems = [str(problem) for problem in settings_problems(text, source="settings.yaml")]
    assert problems == [
        "settings.yaml, line 2: report.prevalnce_by: unknown key; did you mean 'prevalence_by'?",
        "settings.yaml, line 3: report.era: era cuts must be increasing years",
    ]
    with pytest.raises(StudySettingsError, match=r"line 2: .*\(and 1 more problem\)"):
        loads_settings(text, source="settings.yaml")


def test_yaml_syntax_error_names_the_line() -> None:
    [problem] = settings_problems("report:\n  era: [1992\n", source="s.yaml")
    assert str(problem).startswith("s.yaml, line ")
    assert "invalid YAML" in str(problem)


def test_a_list_at_the_top_is_refused_clearly() -> None:
    [problem] = settings_problems("- gender\n", source="s.yaml")
    assert str(problem) == "s.yaml, line 1: the top level must be a mapping (report: ...)"


def test_fit_problems_name_every_missing_attribute_and_code_with_lines() -> None:
    text = (
        "report:\n"
        "  prevalence_by: gendr\n"  # line 2
        "  groups_by: place\n"  # line 3
        "  era:\n"
        "    attribute: birth_place\n"  # line 5
        "    cuts: [1992]\n"
        "    names: [a, b]\n"
        "    labels: [x, y]\n"
        "    code_groups:\n"
        "      - unemployment\n"  # line 10: not top-level
        "      - xyzzy\n"  # line 11
        "  ranking:\n"
        "    title: Memo\n"
        "    codes:\n"
        "      - motives/economy/unemployment\n"  # line 15: a path, not an id
        "  regression:\n"
        "    outcomes: [protracted]\n"
        "    predictors: [gender, age]\n"  # line 18
    )
    problems = settings_problems(
        text, source="s.yaml", dictionary=default_dictionary(), codebook=default_codebook()
    )
    lines = [(problem.line, problem.message) for problem in problems]
    assert lines == [
        (2, "no attribute 'gendr' in the data dictionary; did you mean 'gender'?"),
        (
            5,
            "no attribute 'birth_place' in the data dictionary; "
            "did you mean 'birth_year' or 'place'?",
        ),
        (
            10,
            "code 'unemployment' is not a top-level code (it is under 'motives/economy'); "
            "era code groups are top-level codes",
        ),
        (11, "no code 'xyzzy' in the codebook"),
        (
            15,
            "'motives/economy/unemployment' is a path; settings name codes by id: "
            "write 'unemployment'",
        ),
        (18, "no attribute 'age' in the data dictionary"),
    ]


def test_era_and_departures_must_be_integer_attributes() -> None:
    settings = loads_settings(FITTING.replace("departure_year", "migration_era"))
    settings = settings.model_copy(
        update={"report": settings.report.model_copy(update={"departures": "destination"})}
    )
    found = check_settings(settings, dictionary=default_dictionary(), codebook=default_codebook())
    assert [(problem.location, problem.message) for problem in found] == [
        (
            ("report", "era", "attribute"),
            "'migration_era' is a single_choice attribute; years are integer attributes",
        ),
        (
            ("report", "departures"),
            "'destination' is a text attribute; years are integer attributes",
        ),
    ]


def test_settings_do_not_fit_a_blank_study() -> None:
    found = check_settings(
        loads_settings(FITTING),
        dictionary=blank_dictionary(),
        codebook=Codebook(name="Codebook", codes=[]),
    )
    assert [str(problem) for problem in found] == [
        "report.prevalence_by: no attribute 'gender' in the data dictionary",
        "report.era.attribute: no attribute 'departure_year' in the data dictionary",
        "report.era.code_groups[0]: no code 'patterns' in the codebook",
    ]


def test_empty_settings_fit_any_study() -> None:
    empty = Codebook(name="Codebook", codes=[])
    assert check_settings(StudySettings(), dictionary=blank_dictionary(), codebook=empty) == []


def test_describe_names_each_part() -> None:
    parts = describe_settings(karabakh_settings())
    assert parts[:3] == [
        "prevalence by gender",
        "code groups by place",
        "eras of departure_year cut at 1992",
    ]


def test_a_ranking_filter_must_name_eras_of_the_split_and_known_attributes() -> None:
    text = FITTING + (
        "  ranking:\n"
        "    title: Memo\n"
        "    codes: [unemployment]\n"
        "    among:\n"
        "      label: post-Soviet migrants\n"
        "      eras: [post_soviet, later]\n"  # line 14
        "      attributes:\n"
        "        rolle: [migrant]\n"  # line 16
        "        gender: [male, man]\n"  # line 17
    )
    problems = settings_problems(
        text, source="s.yaml", dictionary=default_dictionary(), codebook=default_codebook()
    )
    assert [(problem.line, problem.message) for problem in problems] == [
        (14, "no era 'later' in report.era.names (soviet, post_soviet)"),
        (16, "no attribute 'rolle' in the data dictionary; did you mean 'role'?"),
        (17, "gender has no choice 'man' (female, male, other, not_stated)"),
    ]


def test_the_correction_is_holm_or_benjamini_hochberg() -> None:
    chosen = loads_settings("report:\n  correction: bh\n")
    assert chosen.report.correction == "bh"
    assert describe_settings(chosen) == ["p-values adjusted as one family by Benjamini-Hochberg"]
    assert StudySettings().report.correction == "holm"
    with pytest.raises(StudySettingsError, match="line 2: report.correction"):
        loads_settings("report:\n  correction: bonferroni\n")


def test_the_karabakh_ranking_counts_post_soviet_migrants_and_its_regression_is_small() -> None:
    report = karabakh_settings().report
    assert report.ranking is not None and report.ranking.among is not None
    assert report.ranking.among.eras == ["post_soviet"]
    assert report.era is not None and report.era.era_of(1991) == "soviet"
    assert report.era.era_of(1992) == "post_soviet"
    assert report.regression is not None and len(report.regression.predictors) == 1
