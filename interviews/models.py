"""Domain records of the interviews package: respondents and the interviews held with them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

PSEUDONYM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

CORE_INTERVIEW_FIELDS: tuple[str, ...] = (
    "interview_date",
    "place",
    "interviewer",
    "language",
    "consent",
)

Pseudonym = Annotated[str, StringConstraints(pattern=PSEUDONYM_PATTERN)]
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Respondent(BaseModel):
    """A respondent known only by a pseudonymous id, with dictionary-validated attributes."""

    model_config = ConfigDict(extra="forbid")

    respondent_id: Pseudonym
    attributes: dict[str, Any] = Field(default_factory=dict)


class Interview(BaseModel):
    """One interview with a respondent: the core fields plus other interview attributes."""

    model_config = ConfigDict(extra="forbid")

    interview_id: Pseudonym
    respondent_id: Pseudonym
    interview_date: date
    place: NonBlank
    interviewer: NonBlank
    language: list[NonBlank] = Field(min_length=1)
    consent: bool
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, consent: bool) -> bool:
        if not consent:
            raise ValueError("an interview cannot be recorded without consent")
        return consent

    @field_validator("attributes")
    @classmethod
    def _no_core_fields(cls, attributes: dict[str, Any]) -> dict[str, Any]:
        doubled = sorted(set(attributes) & set(CORE_INTERVIEW_FIELDS))
        if doubled:
            raise ValueError(f"{', '.join(doubled)} belong in the interview's own fields")
        return attributes


def split_interview_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split validated interview values into (core fields, other attributes)."""
    core = {key: value for key, value in values.items() if key in CORE_INTERVIEW_FIELDS}
    other = {key: value for key, value in values.items() if key not in CORE_INTERVIEW_FIELDS}
    return core, other
