"""Attribute values between the data dictionary's types and JSON storage, and record checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from interviews.dictionary import DataDictionary
from research.errors import InvalidRecordError, UnconfirmedWarningsError

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
) -> dict[str, Any]:
    """Validate a record: hard errors refuse it, soft warnings need `confirm_warnings`."""
    result = dictionary.validate(scope, values, today=today)
    if result.errors:
        raise InvalidRecordError(what, result.errors)
    if result.warnings and not confirm_warnings:
        raise UnconfirmedWarningsError(what, result.warnings)
    return dict(result.values)
