"""Respondent and interview records, and splitting validated values into them."""

from datetime import date
from typing import Any

import pytest

from interviews.defaults import default_dictionary
from interviews.models import (
    CORE_INTERVIEW_FIELDS,
    Interview,
    Respondent,
    split_interview_values,
)

CORE: dict[str, Any] = {
    "interview_date": date(2024, 4, 12),
    "place": "martuni",
    "interviewer": "Anahit",
    "language": ["hy", "ru"],
    "consent": True,
}


@pytest.mark.parametrize("respondent_id", ["R07", "mart-1992.f", "K_12", "9" * 64])
def test_pseudonymous_ids_are_accepted(respondent_id: str) -> None:
    assert Respondent(respondent_id=respondent_id).respondent_id == respondent_id


@pytest.mark.parametrize("respondent_id", ["", "-R07", "R 07", "R07\n", "Ռ07", "9" * 65, "a/b"])
def test_other_ids_are_refused(respondent_id: str) -> None:
    with pytest.raises(ValueError, match="respondent_id"):
        Respondent(respondent_id=respondent_id)


def test_respondent_refuses_unknown_fields() -> None:
    with pytest.raises(ValueError, match="name"):
        Respondent(respondent_id="R07", name="Anna")  # type: ignore[call-arg]


def test_interview_holds_core_fields_and_other_attributes() -> None:
    interview = Interview(
        interview_id="I07",
        respondent_id="R07",
        attributes={"consent_scope": ["interview"]},
        **CORE,
    )
    assert interview.language == ["hy", "ru"] and interview.attributes["consent_scope"]


def test_interview_without_consent_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be recorded without consent"):
        Interview(interview_id="I07", respondent_id="R07", **{**CORE, "consent": False})


def test_interview_needs_a_language() -> None:
    with pytest.raises(ValueError, match="language"):
        Interview(interview_id="I07", respondent_id="R07", **{**CORE, "language": []})


def test_interview_refuses_blank_interviewer() -> None:
    with pytest.raises(ValueError, match="interviewer"):
        Interview(interview_id="I07", respondent_id="R07", **{**CORE, "interviewer": "  "})


def test_core_fields_cannot_hide_in_attributes() -> None:
    with pytest.raises(ValueError, match="place belong"):
        Interview(interview_id="I07", respondent_id="R07", attributes={"place": "x"}, **CORE)


def test_split_interview_values_separates_core_from_other() -> None:
    core, other = split_interview_values({**CORE, "consent_scope": ["quotation"]})
    assert (core, other) == (CORE, {"consent_scope": ["quotation"]})


def test_core_fields_are_interview_attributes_of_the_default_dictionary() -> None:
    names = default_dictionary().names("interview")
    assert set(CORE_INTERVIEW_FIELDS) <= set(names)


def test_validated_values_build_an_interview() -> None:
    raw = {
        "interview_date": "12.04.2024",
        "place": "Martuni",
        "interviewer": "Anahit",
        "language": "Armenian;Russian",
        "consent": "yes",
        "consent_scope": "interview;audio_recording",
    }
    result = default_dictionary().validate("interview", raw, today=date(2024, 5, 1))
    core, other = split_interview_values(result.values)
    interview = Interview(interview_id="I07", respondent_id="R07", attributes=other, **core)
    assert interview.interview_date == date(2024, 4, 12)
