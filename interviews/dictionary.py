"""A study's data dictionary: typed respondent and interview attributes, parsed and validated.

Values are cleaned to: ``str`` (text, single choice: the choice's value), ``int``,
``float`` (decimal), ``datetime.date``, ``list[str]`` (multiple choice, in the
dictionary's order of choices) and ``bool`` (yes/no).

Bounds (``minimum``, ``maximum`` and their ``soft_`` counterparts) are numbers for
integer and decimal attributes, optionally relative to the year of validation
(``current_year``, ``current_year - 16``); for date attributes they are ISO dates or
``today``. Validation takes the reference date as ``today``: pass the interview date to
judge a respondent's age at the interview.
"""

from __future__ import annotations

import calendar
import difflib
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from interviews.errors import DictionaryError, InvalidValueError
from interviews.text import describe_character, first_forbidden_character

Scope = Literal["respondent", "interview"]
Severity = Literal["error", "warning"]
Bound = int | float | str | None
Value = str | int | float | date | bool | list[str]

SCOPES: tuple[Scope, ...] = ("respondent", "interview")
MULTIPLE_CHOICE_SEPARATOR = ";"

_YES = frozenset({"yes", "y", "true", "t", "1", "да", "այո"})
_NO = frozenset({"no", "n", "false", "f", "0", "нет", "ոչ"})
_MAX_INTEGER_DIGITS = 30
_RELATIVE_YEAR = re.compile(r"current_year\s*(?:([+-])\s*(\d+))?")
_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


class AttributeType(StrEnum):
    """The kinds of value an attribute holds."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


_CHOICE_TYPES = (AttributeType.SINGLE_CHOICE, AttributeType.MULTIPLE_CHOICE)
_NUMBER_TYPES = (AttributeType.INTEGER, AttributeType.DECIMAL)
_ORDERED_TYPES = (AttributeType.INTEGER, AttributeType.DECIMAL, AttributeType.DATE)


class _OptionProblem(ValueError):
    """An attribute option that does not fit; ``key`` names it so its line can be found."""

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key


class Choice(BaseModel):
    """One option of a choice attribute: a stored value and the label people see.

    ``first_year`` and ``last_year`` give the years an option covers (a migration era),
    so that a year attribute can be checked against it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str
    label: str
    first_year: int | None = None
    last_year: int | None = None

    @field_validator("value", "label", mode="before")
    @classmethod
    def _number_as_text(cls, raw: object) -> object:
        return str(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else raw

    @field_validator("value")
    @classmethod
    def _value_is_usable(cls, value: str) -> str:
        if not value.strip() or value != value.strip():
            raise ValueError("a choice value must be non-empty, without surrounding spaces")
        if MULTIPLE_CHOICE_SEPARATOR in value:
            raise ValueError(f"a choice value cannot contain {MULTIPLE_CHOICE_SEPARATOR!r}")
        if not value.isprintable():
            raise ValueError("a choice value cannot contain line breaks or control characters")
        return value

    @field_validator("label")
    @classmethod
    def _label_is_not_blank(cls, label: str) -> str:
        if not label.strip():
            raise ValueError("a choice label must not be blank")
        return _without_control_characters(label)

    @model_validator(mode="after")
    def _years_in_order(self) -> Choice:
        if (
            self.first_year is not None
            and self.last_year is not None
            and self.first_year > self.last_year
        ):
            raise ValueError(
                f"choice {self.value!r}: first_year {self.first_year} is after "
                f"last_year {self.last_year}"
            )
        return self

    def covers(self, year: int) -> bool:
        """Tell whether ``year`` lies within this option's years (open ends are unbounded)."""
        after_start = self.first_year is None or year >= self.first_year
        before_end = self.last_year is None or year <= self.last_year
        return after_start and before_end

    def years(self) -> str:
        """Describe the option's years, e.g. ``1988-1994`` or ``up to 1987``."""
        if self.first_year is None:
            return f"up to {self.last_year}"
        if self.last_year is None:
            return f"from {self.first_year}"
        return f"{self.first_year}-{self.last_year}"


class Attribute(BaseModel):
    """One typed attribute of a respondent or an interview, with its checks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str
    type: AttributeType
    scope: Scope
    required: bool = False
    # Crossed with codes in the report (crosstabs, groups); see research.study_settings.
    analysis: bool = False
    help: str = ""
    choices: list[Choice] = Field(default_factory=list)
    minimum: Bound = None
    maximum: Bound = None
    soft_minimum: Bound = None
    soft_maximum: Bound = None
    max_length: int | None = Field(default=None, ge=1)
    # Name of another attribute of the same scope whose value must not exceed this one's.
    not_before: str | None = None
    # Name of a single-choice attribute whose chosen option's years should hold this year.
    within_choice_years: str | None = None
    # A "no" is a hard error (consent), explained by the message.
    must_be_yes: bool = False
    must_be_yes_message: str = ""

    @field_validator("name")
    @classmethod
    def _name_is_identifier(cls, name: str) -> str:
        if not (name.isascii() and name.isidentifier()):
            raise ValueError(
                f"attribute name {name!r} must be identifier-like (letters, digits, underscores)"
            )
        return name

    @field_validator("label")
    @classmethod
    def _label_is_not_blank(cls, label: str) -> str:
        if not label.strip():
            raise ValueError("label must not be blank")
        return _without_control_characters(label)

    @field_validator("help", "must_be_yes_message")
    @classmethod
    def _help_is_plain_text(cls, text: str) -> str:
        return _without_control_characters(text)

    @field_validator("minimum", "maximum", "soft_minimum", "soft_maximum", mode="before")
    @classmethod
    def _bound_is_scalar(cls, raw: object) -> object:
        if isinstance(raw, date):
            return raw.isoformat()
        if raw is None or isinstance(raw, str):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
            return raw
        raise ValueError("a bound must be a number, an ISO date, current_year or today")

    @model_validator(mode="after")
    def _options_fit_type(self) -> Attribute:
        _check_choices(self)
        _check_bounds(self)
        _check_type_specific_options(self)
        return self

    def choice(self, raw: str) -> Choice:
        """Return the choice matching a value or label (case-insensitively), or raise."""
        for choice in self.choices:
            if choice.value == raw:
                return choice
        key = _fold(raw)
        for choice in self.choices:
            if key in (_fold(choice.value), _fold(choice.label)):
                return choice
        listed = ", ".join(choice.value for choice in self.choices)
        raise InvalidValueError(
            f"{raw!r} is not one of: {listed} (or their labels)", field=self.name
        )

    def label_of(self, value: str) -> str:
        """Return the label people see for a stored choice value."""
        return self.choice(value).label


def _without_control_characters(text: str) -> str:
    """Refuse control characters (CR included) in names people read; YAML mangles some."""
    offset = first_forbidden_character(text.replace("\r", "\x00"))
    if offset is not None:
        raise ValueError(f"{describe_character(text[offset])} is not allowed here")
    return text


def _check_choices(attribute: Attribute) -> None:
    if attribute.type in _CHOICE_TYPES and not attribute.choices:
        raise _OptionProblem(f"{_a(attribute.type)} attribute needs choices", key="type")
    if attribute.type not in _CHOICE_TYPES and attribute.choices:
        raise _OptionProblem(f"{_a(attribute.type)} attribute cannot have choices", key="choices")
    owner: dict[str, str] = {}
    for choice in attribute.choices:
        for key in {_fold(choice.value), _fold(choice.label)}:
            if owner.setdefault(key, choice.value) != choice.value:
                raise _OptionProblem(
                    f"choices {owner[key]!r} and {choice.value!r} both answer to {key!r}",
                    key="choices",
                )


def _check_bounds(attribute: Attribute) -> None:
    bounds = {
        "minimum": attribute.minimum,
        "maximum": attribute.maximum,
        "soft_minimum": attribute.soft_minimum,
        "soft_maximum": attribute.soft_maximum,
    }
    present = {key: bound for key, bound in bounds.items() if bound is not None}
    if present and attribute.type not in _ORDERED_TYPES:
        raise _OptionProblem(
            f"{_a(attribute.type)} attribute cannot have {', '.join(present)}",
            key=next(iter(present)),
        )
    reference = date.today()
    resolved: dict[str, Any] = {
        key: _resolve(attribute, key, bound, reference) for key, bound in present.items()
    }
    for low, high in (("minimum", "maximum"), ("soft_minimum", "soft_maximum")):
        if low in resolved and high in resolved and resolved[low] > resolved[high]:
            raise _OptionProblem(
                f"{low} {_show(resolved[low])} is above {high} {_show(resolved[high])}", key=low
            )


def _check_type_specific_options(attribute: Attribute) -> None:
    if attribute.max_length is not None and attribute.type != AttributeType.TEXT:
        raise _OptionProblem("max_length applies to text attributes only", key="max_length")
    if attribute.not_before is not None:
        if attribute.type not in _ORDERED_TYPES:
            raise _OptionProblem(
                "not_before applies to integer, decimal and date attributes only", key="not_before"
            )
        if attribute.not_before == attribute.name:
            raise _OptionProblem("not_before cannot name the attribute itself", key="not_before")
    if attribute.within_choice_years is not None and attribute.type != AttributeType.INTEGER:
        raise _OptionProblem(
            "within_choice_years applies to integer (year) attributes only",
            key="within_choice_years",
        )
    if attribute.must_be_yes and attribute.type != AttributeType.YES_NO:
        raise _OptionProblem("must_be_yes applies to yes_no attributes only", key="must_be_yes")


def _resolve(attribute: Attribute, key: str, bound: Bound, today: date) -> int | float | date:
    """Turn a bound as written into a comparable value, for a given reference date."""
    if attribute.type == AttributeType.DATE:
        if bound == "today":
            return today
        if isinstance(bound, str):
            try:
                return date.fromisoformat(bound)
            except ValueError:
                pass
        raise _OptionProblem(
            f"{key} of a date attribute must be an ISO date or 'today', not {bound!r}", key=key
        )
    if isinstance(bound, str):
        match = _RELATIVE_YEAR.fullmatch(bound.strip())
        if match is None:
            raise _OptionProblem(
                f"{key} must be a number or current_year (e.g. 'current_year - 16'), not {bound!r}",
                key=key,
            )
        sign, amount = match.groups()
        delta = int(amount or 0)
        return today.year - delta if sign == "-" else today.year + delta
    assert bound is not None
    return bound


class Issue(BaseModel):
    """A problem with one field: an error blocks saving, a warning asks a person to confirm."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    message: str
    severity: Severity


class ValidationResult(BaseModel):
    """Cleaned values and the issues found; fields with errors are left out of ``values``."""

    model_config = ConfigDict(extra="forbid")

    values: dict[str, Any]
    errors: list[Issue] = Field(default_factory=list)
    warnings: list[Issue] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether there are no errors (warnings may remain)."""
        return not self.errors


class _AttributeProblem(DictionaryError):
    """A problem spanning attributes, pointing at the definition at ``index``."""

    def __init__(
        self,
        message: str,
        *,
        field: str,
        index: int,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message, file=file, line=line, field=field)
        self.index = index
        self._context["index"] = index


class DataDictionary(BaseModel):
    """The typed attributes a study records for respondents and interviews."""

    model_config = ConfigDict(extra="forbid")

    title: str = ""
    attributes: list[Attribute]

    @field_validator("title")
    @classmethod
    def _title_is_plain_text(cls, title: str) -> str:
        return _without_control_characters(title)

    @model_validator(mode="after")
    def _references_resolve(self) -> DataDictionary:
        _check_references(self.attributes)
        return self

    def attribute(self, name: str) -> Attribute:
        """Return the attribute called ``name``; DictionaryError (with suggestions) if unknown."""
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        raise DictionaryError(
            f"unknown attribute{_suggestion(name, self.names())}", field=str(name)
        )

    def names(self, scope: Scope | None = None) -> list[str]:
        """Return attribute names in dictionary order, optionally for one scope."""
        return [a.name for a in self.attributes if scope is None or a.scope == scope]

    def for_scope(self, scope: Scope) -> list[Attribute]:
        """Return the attributes of one scope ("respondent" or "interview"), in order."""
        if scope not in SCOPES:
            raise DictionaryError(f"unknown scope {scope!r}; use respondent or interview")
        return [attribute for attribute in self.attributes if attribute.scope == scope]

    def parse_value(self, name: str, raw: object) -> Any:
        """Parse a raw value (a CLI or CSV string, or a Python value) into the attribute's type.

        Returns None for a missing value (None, a blank string, an empty list).
        """
        attribute = self.attribute(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        return _PARSERS[attribute.type](attribute, raw)

    def validate(  # type: ignore[override]  # pydantic's deprecated classmethod of that name
        self, scope: Scope, values: Mapping[str, object], *, today: date | None = None
    ) -> ValidationResult:
        """Parse and check one scope's values; ``today`` is the reference date (default: today)."""
        reference = today or date.today()
        attributes = {attribute.name: attribute for attribute in self.for_scope(scope)}
        errors = [self._unknown_key(key, scope) for key in values if key not in attributes]
        warnings: list[Issue] = []
        cleaned: dict[str, Any] = {}
        for name, attribute in attributes.items():
            try:
                value = self.parse_value(name, values.get(name))
            except InvalidValueError as error:
                errors.append(Issue(field=name, message=str(error), severity="error"))
                continue
            if value is None:
                if attribute.required:
                    errors.append(_error(name, f"{name}: {attribute.label} is required"))
                continue
            found = _check_value(attribute, value, reference)
            errors.extend(issue for issue in found if issue.severity == "error")
            warnings.extend(issue for issue in found if issue.severity == "warning")
            if not any(issue.severity == "error" for issue in found):
                cleaned[name] = value
        for issue in _check_relations(self, attributes.values(), cleaned):
            (errors if issue.severity == "error" else warnings).append(issue)
            if issue.severity == "error":
                cleaned.pop(issue.field, None)
        return ValidationResult(values=cleaned, errors=errors, warnings=warnings)

    def _unknown_key(self, key: object, scope: Scope) -> Issue:
        if not isinstance(key, str):
            return _error(repr(key), f"{key!r}: attribute names must be text")
        for attribute in self.attributes:
            if attribute.name == key:
                return _error(key, f"{key}: {_a(attribute.scope)} attribute, not {_a(scope)} one")
        return _error(key, f"{key}: unknown {scope} attribute{_suggestion(key, self.names(scope))}")


def _check_references(attributes: Sequence[Attribute]) -> None:
    first_index: dict[str, int] = {}
    for index, attribute in enumerate(attributes):
        if attribute.name in first_index:
            raise _AttributeProblem(
                f"attribute {attribute.name!r} is defined twice",
                field=attribute.name,
                index=index,
            )
        first_index[attribute.name] = index
    by_name = {attribute.name: attribute for attribute in attributes}
    for index, attribute in enumerate(attributes):
        for option in ("not_before", "within_choice_years"):
            target_name = getattr(attribute, option)
            if target_name is None:
                continue
            problem = _reference_problem(attribute, option, by_name.get(target_name))
            if problem:
                raise _AttributeProblem(
                    f"{option} {target_name!r}: {problem}", field=attribute.name, index=index
                )


def _reference_problem(attribute: Attribute, option: str, target: Attribute | None) -> str:
    if target is None:
        return "no such attribute"
    if target.scope != attribute.scope:
        return f"{_a(target.scope)} attribute; it must be {_a(attribute.scope)} one"
    if option == "not_before":
        comparable = {attribute.type, target.type} <= set(_NUMBER_TYPES) or (
            attribute.type == target.type
        )
        return "" if comparable else f"{_a(target.type)} attribute cannot be compared"
    if target.type != AttributeType.SINGLE_CHOICE:
        return "must be a single_choice attribute"
    if not any(c.first_year is not None or c.last_year is not None for c in target.choices):
        return "none of its choices has first_year or last_year"
    return ""


def _check_value(attribute: Attribute, value: Any, today: date) -> list[Issue]:
    name = attribute.name
    issues: list[Issue] = []
    if attribute.max_length is not None and len(value) > attribute.max_length:
        issues.append(
            _error(name, f"{name}: {len(value)} characters; at most {attribute.max_length}")
        )
    if attribute.must_be_yes and value is False:
        issues.append(_error(name, f"{name}: {attribute.must_be_yes_message or 'must be yes'}"))
    if attribute.type in _ORDERED_TYPES:
        issues.extend(_check_range(attribute, value, today))
    return issues


def _check_range(attribute: Attribute, value: Any, today: date) -> list[Issue]:
    name = attribute.name
    shown = _show(value)
    checks: tuple[tuple[str, Bound, Severity, str], ...] = (
        ("minimum", attribute.minimum, "error", "is below the minimum"),
        ("maximum", attribute.maximum, "error", "is above the maximum"),
        ("soft_minimum", attribute.soft_minimum, "warning", "is lower than expected, below"),
        ("soft_maximum", attribute.soft_maximum, "warning", "is higher than expected, above"),
    )
    if attribute.type == AttributeType.DATE:
        checks = tuple(
            (key, bound, severity, text.replace("below", "before").replace("above", "after"))
            for key, bound, severity, text in checks
        )
    issues: list[Issue] = []
    for key, bound, severity, text in checks:
        if bound is None or (severity == "warning" and issues):
            # A value already outside the hard range needs no soft warning as well.
            continue
        limit = _resolve(attribute, key, bound, today)
        outside = value < limit if key.endswith("minimum") else value > limit
        if not outside:
            continue
        written = f" ({bound})" if isinstance(bound, str) and attribute.type != "date" else ""
        if bound == "today":
            written = " (today)"
        message = f"{name}: {shown} {text} {_show(limit)}{written}"
        if severity == "warning":
            message += "; please confirm it is right"
        issues.append(Issue(field=name, message=message, severity=severity))
    return issues


def _check_relations(
    dictionary: DataDictionary, attributes: Iterable[Attribute], cleaned: Mapping[str, Any]
) -> list[Issue]:
    issues: list[Issue] = []
    for attribute in attributes:
        name = attribute.name
        if name not in cleaned:
            continue
        value = cleaned[name]
        earlier = attribute.not_before
        if earlier is not None and earlier in cleaned and cleaned[earlier] > value:
            issues.append(
                _error(
                    name,
                    f"{name}: {_show(value)} is before {earlier} {_show(cleaned[earlier])}",
                )
            )
        era_name = attribute.within_choice_years
        if era_name is not None and era_name in cleaned:
            era = dictionary.attribute(era_name).choice(cleaned[era_name])
            if not era.covers(value):
                issues.append(
                    Issue(
                        field=name,
                        message=(
                            f"{name}: {value} does not fall in {era_name} {era.value!r} "
                            f"({era.years()}); please confirm it is right"
                        ),
                        severity="warning",
                    )
                )
    return issues


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _error(field: str, message: str) -> Issue:
    return Issue(field=field, message=message, severity="error")


def _suggestion(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(name), candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _show(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


# Parsers, one per type: raw value in, typed value out (None when nothing was given).


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
        key = _fold(str(raw))
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


# Reading and writing dictionaries as YAML.


def load_dictionary(path: str | Path) -> DataDictionary:
    """Read a data dictionary from a YAML file; problems raise DictionaryError with line numbers."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DictionaryError("file not found", file=str(path)) from None
    except UnicodeDecodeError as error:
        raise DictionaryError(
            f"byte 0x{error.object[error.start]:02x} at offset {error.start} is not UTF-8",
            file=path.name,
        ) from None
    except OSError as error:
        raise DictionaryError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    return loads_dictionary(text, source=path.name)


def loads_dictionary(text: str, *, source: str = "<string>") -> DataDictionary:
    """Parse a data dictionary from YAML text; ``source`` names it in error messages."""
    tree = _parse_yaml(text, source)
    if tree is None:
        raise DictionaryError("the dictionary is empty", file=source)
    if not isinstance(tree, CommentedMap):
        raise DictionaryError(
            "the top level must be a mapping with an 'attributes' list", file=source, line=1
        )
    try:
        return DataDictionary.model_validate(_plain(tree))
    except ValidationError as error:
        raise _located_error(error, tree, source) from None


def dumps_dictionary(dictionary: DataDictionary) -> str:
    """Write a data dictionary as YAML that ``loads_dictionary`` reads back unchanged."""
    # Block style throughout: ruamel's flow style emits some labels (e.g. "?0") unquoted.
    data = dictionary.model_dump(mode="json", exclude_defaults=True)
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.allow_unicode = True
    return yaml


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "unreadable"
        context = error.context_mark
        if error.problem and error.context and context is not None and context is not mark:
            problem += f" ({error.context} on line {context.line + 1})"
        raise DictionaryError(
            f"invalid YAML: {problem}", file=source, line=None if mark is None else mark.line + 1
        ) from None
    except YAMLError as error:
        raise DictionaryError(f"invalid YAML: {error}", file=source) from None


def _plain(node: Any) -> Any:
    """Turn ruamel's round-trip nodes into plain Python values for validation."""
    if isinstance(node, Mapping):
        return {_plain(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime):
        return node
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, int):
        # ruamel's booleans in round-trip mode are int subclasses named ScalarBoolean.
        return bool(node) if type(node).__name__ == "ScalarBoolean" else int(node)
    return node


def _located_error(error: ValidationError, tree: CommentedMap, source: str) -> DictionaryError:
    # An unknown key usually explains the other problems (a misspelt "lable" is also a
    # missing "label"), so it is reported first.
    details = sorted(error.errors(), key=lambda detail: detail["type"] != "extra_forbidden")
    first = details[0]
    cause = first.get("ctx", {}).get("error")
    loc: tuple[Any, ...] = tuple(first["loc"])
    if isinstance(cause, _AttributeProblem):
        loc = ("attributes", cause.index)
    if isinstance(cause, _OptionProblem):
        loc = (*loc, cause.key)
    line = _line_of(tree, loc)
    field = _attribute_name(tree, loc)
    message = _describe(first, cause, loc)
    if len(details) > 1:
        more = len(details) - 1
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return DictionaryError(message, file=source, line=line, field=field)


def _describe(detail: Any, cause: object, loc: tuple[Any, ...]) -> str:
    path = _key_path(loc)
    if isinstance(cause, DictionaryError | _OptionProblem):
        # These messages already name the option they are about.
        return cause.message if isinstance(cause, DictionaryError) else str(cause)
    elif isinstance(cause, Exception):
        text = str(cause)
    elif detail["type"] == "extra_forbidden":
        allowed = list(Attribute.model_fields) if len(loc) == 3 else []
        if len(loc) == 5:
            allowed = list(Choice.model_fields)
        if len(loc) == 1:
            allowed = list(DataDictionary.model_fields)
        return f"unknown key {loc[-1]!r}{_suggestion(str(loc[-1]), allowed)}"
    elif detail["type"] == "missing":
        return f"{path or 'a value'} is missing"
    else:
        text = detail["msg"]
    return f"{path}: {text}" if path else text


def _key_path(loc: tuple[Any, ...]) -> str:
    """Name the key within an attribute, e.g. ``choices[1].label``; empty for the whole."""
    inner = loc[2:] if len(loc) >= 2 and loc[0] == "attributes" else loc
    path = ""
    for part in inner:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _line_of(tree: CommentedMap, loc: tuple[Any, ...]) -> int | None:
    """Return the 1-based line of the deepest node of ``loc`` present in the YAML tree."""
    node: Any = tree
    line: int | None = None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0]
        else:
            break
        node = node[part]
    return None if line is None else line + 1


def _attribute_name(tree: CommentedMap, loc: tuple[Any, ...]) -> str | None:
    if len(loc) < 2 or loc[0] != "attributes" or not isinstance(loc[1], int):
        return None
    attributes = tree.get("attributes")
    if not isinstance(attributes, list) or loc[1] >= len(attributes):
        return None
    entry = attributes[loc[1]]
    name = entry.get("name") if isinstance(entry, Mapping) else None
    return name if isinstance(name, str) else f"#{loc[1] + 1}"
