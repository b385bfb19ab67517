"""Domain records of the interviews package: respondents and the interviews held with them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

PSEUDONYM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
PSEUDONYM_LENGTH = 64

# The fields every interview has, whatever the study: when it was held and whether the
# respondent consented. Everything else (place, interviewer, language...) is an attribute
# of the study's data dictionary. Both may be unknown while a record is incomplete.
CORE_INTERVIEW_FIELDS: tuple[str, ...] = ("interview_date", "consent")

Pseudonym = Annotated[str, StringConstraints(pattern=PSEUDONYM_PATTERN)]


class Respondent(BaseModel):
    """A respondent known only by a pseudonymous id, with dictionary-validated attributes."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    respondent_id: Pseudonym
    attributes: dict[str, Any] = Field(default_factory=dict)


class Interview(BaseModel):
    """One interview with a respondent: the core fields plus other interview attributes.

    An incomplete record (imported before it was described) has no date or consent yet;
    consent refused is never recorded.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    interview_id: Pseudonym
    respondent_id: Pseudonym
    interview_date: date | None = None
    consent: bool | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, consent: bool | None) -> bool | None:
        if consent is False:
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


# Armenian and Cyrillic letters written in Latin ones, so that file names in the scripts
# migration studies meet most give readable ids; other scripts fall back to a plain name.
# fmt: off
_ARMENIAN = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y",
    "թ": "t", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h",
    "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o",
    "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r",
    "ց": "ts", "ւ": "v", "փ": "p", "ք": "k", "օ": "o", "ֆ": "f", "և": "ev",
}
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "_", "ы": "y", "ь": "_", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}
# fmt: on
_LATIN = {**_ARMENIAN, **_CYRILLIC}
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_.-]+")


def pseudonym_from(name: str, *, fallback: str = "interview") -> str:
    """A usable pseudonymous id made from a file name: ASCII letters, digits, `_.-`, at most 64.

    Armenian and Cyrillic letters are transliterated, accents dropped, anything else
    becomes `_`; a name with nothing usable left gives `fallback`.
    """
    # "ու" is one Armenian vowel, u; uppercase forms keep their first letter's case.
    text = re.sub("ու", "u", unicodedata.normalize("NFC", name))
    text = re.sub("Ու|ՈՒ", "U", text)
    spelled = "".join(_spelled(character) for character in text)
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    cleaned = _NOT_ALLOWED.sub("_", ascii_text)
    cleaned = re.sub(r"_{2,}", "_", cleaned).strip("_.-")[:PSEUDONYM_LENGTH].rstrip("_.-")
    if not cleaned or not re.fullmatch(PSEUDONYM_PATTERN, cleaned):
        return fallback
    return cleaned


def _spelled(character: str) -> str:
    lower = character.lower()
    latin = _LATIN.get(lower)
    if latin is None:
        return character
    if latin == "_":
        return ""  # hard and soft signs have no sound of their own
    return latin.capitalize() if lower != character else latin


def unique_pseudonym(candidate: str, taken: Collection[str]) -> str:
    """`candidate`, or `candidate-2`, `candidate-3`... whichever is not in `taken` (64 at most)."""
    if candidate not in taken:
        return candidate
    number = 2
    while True:
        suffix = f"-{number}"
        name = candidate[: PSEUDONYM_LENGTH - len(suffix)].rstrip("_.-") + suffix
        if name not in taken:
            return name
        number += 1
