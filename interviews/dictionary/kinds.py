"""The vocabulary the dictionary's modules share: attribute types, scopes, bounds and names.

Kept apart so that the schema, the value parsers and the validation checks can all use it
without importing one another in a circle.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from interviews.dictionary.schema import Attribute

Scope = Literal["respondent", "interview"]
Severity = Literal["error", "warning"]
Bound = int | float | str | None
Value = str | int | float | date | bool | list[str]

SCOPES: tuple[Scope, ...] = ("respondent", "interview")
MULTIPLE_CHOICE_SEPARATOR = ";"

_RELATIVE_YEAR = re.compile(r"current_year\s*(?:([+-])\s*(\d+))?")


class AttributeType(StrEnum):
    """The kinds of value an attribute holds."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


CHOICE_TYPES = (AttributeType.SINGLE_CHOICE, AttributeType.MULTIPLE_CHOICE)
NUMBER_TYPES = (AttributeType.INTEGER, AttributeType.DECIMAL)
ORDERED_TYPES = (AttributeType.INTEGER, AttributeType.DECIMAL, AttributeType.DATE)


class OptionProblem(ValueError):
    """An attribute option that does not fit; ``key`` names it so its line can be found."""

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key


def resolve_bound(attribute: Attribute, key: str, bound: Bound, today: date) -> int | float | date:
    """Turn a bound as written into a comparable value, for a given reference date."""
    if attribute.type == AttributeType.DATE:
        if bound == "today":
            return today
        if isinstance(bound, str):
            try:
                return date.fromisoformat(bound)
            except ValueError:
                pass
        raise OptionProblem(
            f"{key} of a date attribute must be an ISO date or 'today', not {bound!r}", key=key
        )
    if isinstance(bound, str):
        match = _RELATIVE_YEAR.fullmatch(bound.strip())
        if match is None:
            raise OptionProblem(
                f"{key} must be a number or current_year (e.g. 'current_year - 16'), not {bound!r}",
                key=key,
            )
        sign, amount = match.groups()
        delta = int(amount or 0)
        return today.year - delta if sign == "-" else today.year + delta
    assert bound is not None
    return bound


def article(noun: str) -> str:
    """The noun with 'a' or 'an' before it."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def suggestion(name: str, candidates: Sequence[str]) -> str:
    """'; did you mean ...?' naming close candidates, or nothing."""
    close = difflib.get_close_matches(str(name), candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def fold(text: str) -> str:
    """A name or label as compared: NFC, stripped, case-folded."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def show(value: object) -> str:
    """A value as a message prints it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, "g")
    return str(value)
