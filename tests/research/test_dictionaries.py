"""Replacing a study's data dictionary: all or nothing, every problem with stored data listed."""

from __future__ import annotations

from typing import Any

import pytest

from interviews.defaults import blank_dictionary, default_dictionary
from interviews.dictionary import DataDictionary
from research.errors import ProblemsError
from research.services.dictionaries import core_problems
from research.study import Study
from research.study_settings import StudySettings
from tests.research.helpers import INTERVIEW, RESPONDENT, add_interview_with_text


def edited(dictionary: DataDictionary, **changes: dict[str, Any] | None) -> DataDictionary:
    """The dictionary with some attributes changed (a dict of fields) or removed (None)."""
    attributes = []
    for attribute in dictionary.model_dump(mode="json")["attributes"]:
        change = changes.get(attribute["name"], {})
        if change is not None:
            attributes.append({**attribute, **change})
    return DataDictionary.model_validate({"title": dictionary.title, "attributes": attributes})


def stored(study: Study) -> tuple[DataDictionary, list[Any], list[Any]]:
    return (
        study.dictionary(),
        study.respondents.list_respondents(),
        study.interviews.list_interviews(),
    )


def test_an_empty_study_takes_any_dictionary_whose_settings_fit(study: Study) -> None:
    study.analysis_settings.replace_settings(StudySettings())
    change = study.dictionaries.import_dictionary(blank_dictionary())
    assert change.attributes == len(blank_dictionary().attributes)
    assert "gender" in change.removed
    assert study.dictionary() == blank_dictionary()


def test_every_problem_is_listed_and_nothing_changes(study: Study) -> None:
    add_interview_with_text(study, respondent_id="R01", interview_id="I01")
    study.respondents.add_respondent("R02", {**RESPONDENT, "gender": "male"})
    before = stored(study)
    dictionary = default_dictionary()
    gender = dictionary.attribute("gender").model_dump(mode="json")
    new = edited(
        dictionary,
        # 'female' is in use by R01: removing the choice strands it.
        gender={"choices": [c for c in gender["choices"] if c["value"] != "female"]},
        # A changed type: 'irregular' is no number.
        remittances={"type": "integer", "choices": []},
        # Removed while R01 and R02 hold values.
        marital_status=None,
        # A tightened bound: household_size 4 is now above the maximum.
        household_size={"maximum": 3, "soft_maximum": None},
        # The interview's place, stored in a column, loses its choice.
        place={"choices": [{"value": "moscow", "label": "Moscow"}]},
    )
    with pytest.raises(ProblemsError) as refused:
        study.dictionaries.import_dictionary(new)
    problems = refused.value.problems
    assert (
        "respondent R01: gender: 'female' is not one of: male, other, not_stated (or their labels)"
        in problems
    )
    assert any(
        p.startswith("respondents R01, R02: remittances: 'irregular' is not a whole number")
        for p in problems
    )
    assert any(
        p.startswith("respondents R01, R02: marital_status: unknown respondent attribute")
        for p in problems
    )
    assert any(
        p.startswith("respondents R01, R02: household_size: 4 is above the maximum 3")
        for p in problems
    )
    assert any(
        p.startswith("interview I01: place: 'martuni' is not one of: moscow") for p in problems
    )
    assert len(problems) == 5
    assert stored(study) == before


def test_a_newly_required_attribute_is_allowed_and_leaves_records_incomplete(study: Study) -> None:
    add_interview_with_text(study, respondent_id="R01", interview_id="I01")
    new = edited(default_dictionary(), destination={"required": True})
    change = study.dictionaries.import_dictionary(new)
    assert change.changed == ["destination"]
    assert (change.incomplete_respondents, change.incomplete_interviews) == (1, 0)
    assert study.dictionary().attribute("destination").required


def test_the_settings_must_still_find_their_attributes(study: Study) -> None:
    new = edited(
        default_dictionary(),
        departure_year={
            "type": "text",
            "minimum": None,
            "maximum": None,
            "not_before": None,
            "within_choice_years": None,
        },
    )
    with pytest.raises(ProblemsError) as refused:
        study.dictionaries.import_dictionary(new)
    assert refused.value.problems == [
        "settings: report.era.attribute: 'departure_year' is a text attribute; years are "
        "integer attributes; change the settings first (research settings import)",
        "settings: report.departures: 'departure_year' is a text attribute; years are "
        "integer attributes; change the settings first (research settings import)",
    ]
    assert study.dictionary() == default_dictionary()


def test_interview_date_and_consent_cannot_go(study: Study) -> None:
    study.analysis_settings.replace_settings(StudySettings())
    new = edited(
        default_dictionary(), consent=None, interview_date={"type": "text", "maximum": None}
    )
    assert core_problems(new) == [
        "interview_date: must be a date interview attribute, not a text interview one",
        "consent: missing; every study records it (yes_no interview attribute)",
    ]
    with pytest.raises(ProblemsError, match="attribute consent: missing"):
        study.dictionaries.import_dictionary(new)


def test_analysis_flags_can_change_freely(study: Study) -> None:
    add_interview_with_text(study)
    new = edited(default_dictionary(), marital_status={"analysis": True}, place={"analysis": False})
    change = study.dictionaries.import_dictionary(new)
    assert change.changed == ["marital_status", "place"]
    assert [a.name for a in study.dictionary().attributes if a.analysis] == [
        "gender",
        "role",
        "marital_status",
    ]


def test_a_value_kept_as_text_still_parses(study: Study) -> None:
    study.respondents.add_respondent("R01", {**RESPONDENT, "departure_year": "1996"})
    study.analysis_settings.replace_settings(StudySettings())
    new = edited(
        default_dictionary(),
        departure_year={
            "type": "text",
            "minimum": None,
            "maximum": None,
            "not_before": None,
            "within_choice_years": None,
        },
    )
    study.dictionaries.import_dictionary(new)
    [respondent] = study.respondents.list_respondents()
    assert respondent.attributes["departure_year"] == "1996"


def test_interview_values_in_columns_are_checked_too(study: Study) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    study.interviews.add_interview(
        respondent_id="R01", values={**INTERVIEW, "language": "ru"}, interview_id="I01"
    )
    language = default_dictionary().attribute("language").model_dump(mode="json")
    new = edited(
        default_dictionary(),
        language={"choices": [c for c in language["choices"] if c["value"] != "ru"]},
    )
    with pytest.raises(ProblemsError, match="interview I01: language: 'ru' is not one of"):
        study.dictionaries.import_dictionary(new)
