"""Value parsers, one per attribute type: a raw value in, a typed value out.

Values are cleaned to: ``str`` (text, single choice: the choice's value), ``int``,
``float`` (decimal), ``datetime.date``, ``list[str]`` (multiple choice, in the
dictionary's order of choices) and ``bool`` (yes/no).
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from interviews.dictionary.kinds import MULTIPLE_CHOICE_SEPARATOR, AttributeType, fold
from interviews.errors import InvalidValueError
from interviews.text import describe_character, first_forbidden_character

if TYPE_CHECKING:
    from interviews.dictionary.schema import Attribute

_YES = frozenset({"yes", "y", "true", "t", "1", "да", "այո"})
_NO = frozenset({"no", "n", "false", "f", "0", "нет", "ոչ"})
_MAX_INTEGER_DIGITS = 30
_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def parse_value(attribute: Attribute, raw: object) -> Any:
    """Parse a raw value given for ``attribute`` (not None nor blank) into its type."""
    return _PARSERS[attribute.type](attribute, raw)


def _parse_text(attribute: Attribute, raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidValueError(f"expected text, got {type(raw).__name__}", field=attribute.name)
    text = unicodedata.normalize("NFC", str(raw)).strip()
    offset = first_forbidden_character(text)
    if offset is not None:
        raise InvalidValueError(
            f"{describe_character(text[offset])} is not allowed", field=attribute.name
        )
    return text


def _parse_integer(attribute: Attribute, raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        digits = raw.strip().split(".")[0]
        if len(digits) > _MAX_INTEGER_DIGITS:
            # Python refuses to parse very long numbers; no attribute needs one.
            raise InvalidValueError(
                f"a number of {len(digits)} digits is too long (at most {_MAX_INTEGER_DIGITS})",
                field=attribute.name,
            )
        return int(digits)
    raise InvalidValueError(f"{_shown_raw(raw)} is not a whole number", field=attribute.name)


def _parse_decimal(attribute: Attribute, raw: object) -> float:
    number: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    elif isinstance(raw, str) and _DECIMAL.fullmatch(raw.strip()):
        number = float(raw.strip().replace(",", "."))
    if number is None or not math.isfinite(number):
        raise InvalidValueError(f"{_shown_raw(raw)} is not a number", field=attribute.name)
    return number


def _parse_date(attribute: Attribute, raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        iso = _ISO_DATE.fullmatch(text)
        dotted = _DOTTED_DATE.fullmatch(text)
        if iso is not None:
            return _make_date(attribute, text, *(int(part) for part in iso.groups()))
        if dotted is not None:
            day, month, year = (int(part) for part in dotted.groups())
            return _make_date(attribute, text, year, month, day)
    raise InvalidValueError(
        f"{_shown_raw(raw)} is not a date; write YYYY-MM-DD (or DD.MM.YYYY)",
        field=attribute.name,
    )


def _make_date(attribute: Attribute, text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if not 1 <= month <= 12:
        why = f"there is no month {month}"
    elif year < 1:
        why = f"there is no year {year}"
    else:
        days = calendar.monthrange(year, month)[1]
        why = f"{calendar.month_name[month]} {year} has {days} days"
    raise InvalidValueError(f"{text} is not a valid date ({why})", field=attribute.name)


def _parse_single_choice(attribute: Attribute, raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InvalidValueError(
            f"expected one choice, got {type(raw).__name__}", field=attribute.name
        )
    return attribute.choice(str(raw)).value


def _parse_multiple_choice(attribute: Attribute, raw: object) -> list[str] | None:
    if isinstance(raw, str):
        items: Sequence[object] = raw.split(MULTIPLE_CHOICE_SEPARATOR)
    elif isinstance(raw, list | tuple | set | frozenset):
        items = list(raw)
    else:
        raise InvalidValueError(
            f"expected choices separated by {MULTIPLE_CHOICE_SEPARATOR!r} or a list, "
            f"got {type(raw).__name__}",
            field=attribute.name,
        )
    chosen = {
        _parse_single_choice(attribute, item)
        for item in items
        if not (isinstance(item, str) and not item.strip())
    }
    ordered = [choice.value for choice in attribute.choices if choice.value in chosen]
    return ordered or None


def _parse_yes_no(attribute: Attribute, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | str):
        key = fold(str(raw))
        if key in _YES:
            return True
        if key in _NO:
            return False
    raise InvalidValueError(f"{_shown_raw(raw)} is not yes or no", field=attribute.name)


def _shown_raw(raw: object) -> str:
    return repr(raw) if isinstance(raw, str) else f"{raw!r} ({type(raw).__name__})"


_PARSERS: dict[AttributeType, Any] = {
    AttributeType.TEXT: _parse_text,
    AttributeType.INTEGER: _parse_integer,
    AttributeType.DECIMAL: _parse_decimal,
    AttributeType.DATE: _parse_date,
    AttributeType.SINGLE_CHOICE: _parse_single_choice,
    AttributeType.MULTIPLE_CHOICE: _parse_multiple_choice,
    AttributeType.YES_NO: _parse_yes_no,
}
