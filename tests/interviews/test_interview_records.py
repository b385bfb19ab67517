"""Respondent and interview records, and splitting validated values into them."""

import re
from datetime import date
from typing import Any

import pytest

from interviews.defaults import default_dictionary
from interviews.models import (
    CORE_INTERVIEW_FIELDS,
    PSEUDONYM_PATTERN,
    Interview,
    Respondent,
    pseudonym_from,
    split_interview_values,
    unique_pseudonym,
)

CORE: dict[str, Any] = {"interview_date": date(2024, 4, 12), "consent": True}
OTHER: dict[str, Any] = {"place": "martuni", "interviewer": "Anahit", "language": ["hy", "ru"]}


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
        attributes={**OTHER, "consent_scope": ["interview"]},
        **CORE,
    )
    assert interview.interview_date == date(2024, 4, 12) and interview.consent is True
    assert interview.attributes["language"] == ["hy", "ru"]


def test_only_date_and_consent_are_core_fields() -> None:
    assert CORE_INTERVIEW_FIELDS == ("interview_date", "consent")


def test_interview_without_consent_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be recorded without consent"):
        Interview(interview_id="I07", respondent_id="R07", **{**CORE, "consent": False})


def test_an_incomplete_interview_has_no_date_or_consent_yet() -> None:
    interview = Interview(interview_id="I07", respondent_id="R07")
    assert interview.interview_date is None and interview.consent is None


def test_core_fields_cannot_hide_in_attributes() -> None:
    with pytest.raises(ValueError, match="consent belong"):
        Interview(interview_id="I07", respondent_id="R07", attributes={"consent": True})


def test_place_is_no_longer_a_field_of_its_own() -> None:
    with pytest.raises(ValueError, match="place"):
        Interview(interview_id="I07", respondent_id="R07", place="martuni")  # type: ignore[call-arg]


def test_split_interview_values_separates_core_from_other() -> None:
    core, other = split_interview_values({**CORE, **OTHER, "consent_scope": ["quotation"]})
    assert (core, other) == (CORE, {**OTHER, "consent_scope": ["quotation"]})


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
    assert interview.attributes["place"] == "martuni"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("D03", "D03"),
        ("Интервью Анна 1996", "Intervyu_Anna_1996"),
        ("Մարտունի_01", "Martuni_01"),
        ("Éva Müller (2)", "Eva_Muller_2"),
        ("  --x", "x"),
        ("Щука", "Shchuka"),
    ],
)
def test_pseudonyms_from_file_names_are_usable_ids(name: str, expected: str) -> None:
    assert pseudonym_from(name) == expected
    assert Respondent(respondent_id=pseudonym_from(name)).respondent_id == expected


@pytest.mark.parametrize("name", ["", "日本語", "—", "...", "ъ"])
def test_a_name_with_nothing_usable_gives_the_fallback(name: str) -> None:
    assert pseudonym_from(name) == "interview"
    assert pseudonym_from(name, fallback="respondent") == "respondent"


def test_a_long_name_is_cut_to_64_characters() -> None:
    made = pseudonym_from("Ա" * 100)
    assert len(made) == 64 and re.fullmatch(PSEUDONYM_PATTERN, made)


def test_unique_pseudonym_numbers_names_already_taken() -> None:
    assert unique_pseudonym("D03", set()) == "D03"
    assert unique_pseudonym("D03", {"D03", "D03-2"}) == "D03-3"
    long = "a" * 64
    made = unique_pseudonym(long, {long})
    assert made == "a" * 62 + "-2" and re.fullmatch(PSEUDONYM_PATTERN, made)
