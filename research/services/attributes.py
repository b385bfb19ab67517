"""Attribute values between the data dictionary's types and JSON storage, and record checks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from interviews.dictionary import DataDictionary
from interviews.errors import InterviewsError
from research.errors import InvalidRecordError, ResearchError, UnconfirmedWarningsError

Scope = Literal["respondent", "interview"]


def to_storage(values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready values: dates as ISO text, decimals as text (exact), the rest as they are."""
    return {name: _to_json(value) for name, value in values.items()}


def _to_json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_to_json(item) for item in value]
    return value


def from_storage(dictionary: DataDictionary, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values again; attributes the dictionary no longer knows are kept as stored."""
    known = {attribute.name for attribute in dictionary.attributes}
    return {
        name: dictionary.parse_value(name, value) if name in known else value
        for name, value in stored.items()
    }


def check_record(
    dictionary: DataDictionary,
    scope: Scope,
    values: Mapping[str, object],
    *,
    what: str,
    confirm_warnings: bool,
    today: date | None = None,
    may_stay_missing: Collection[str] = (),
) -> dict[str, Any]:
    """Validate a record: hard errors refuse it, soft warnings need `confirm_warnings`.

    Required attributes named in `may_stay_missing` may be left without a value (an
    incomplete record); a value given for them is checked as usual.
    """
    result = dictionary.validate(scope, values, today=today)
    errors = [
        issue
        for issue in result.errors
        if not (issue.field in may_stay_missing and _blank(dictionary, issue.field, values))
    ]
    if errors:
        raise InvalidRecordError(what, errors)
    if result.warnings and not confirm_warnings:
        raise UnconfirmedWarningsError(what, result.warnings)
    return dict(result.values)


def _blank(dictionary: DataDictionary, name: str, values: Mapping[str, object]) -> bool:
    """Whether `name` has no value: its only possible error is then "is required"."""
    try:
        return dictionary.parse_value(name, values.get(name)) is None
    except (ResearchError, InterviewsError):
        return False


def missing_required(
    dictionary: DataDictionary, scope: Scope, values: Mapping[str, Any]
) -> list[str]:
    """The required attributes of `scope` that have no value, in dictionary order."""
    return [
        attribute.name
        for attribute in dictionary.for_scope(scope)
        if attribute.required and values.get(attribute.name) in (None, "", [])
    ]

