"""The data dictionary's schema: typed attributes, their choices and the checks on them.

Bounds (``minimum``, ``maximum`` and their ``soft_`` counterparts) are numbers for
integer and decimal attributes, optionally relative to the year of validation
(``current_year``, ``current_year - 16``); for date attributes they are ISO dates or
``today``. Validation takes the reference date as ``today``: pass the interview date to
judge a respondent's age at the interview.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from interviews.dictionary.kinds import (
    CHOICE_TYPES,
    MULTIPLE_CHOICE_SEPARATOR,
    NUMBER_TYPES,
    ORDERED_TYPES,
    SCOPES,
    AttributeType,
    Bound,
    OptionProblem,
    Scope,
    article,
    fold,
    resolve_bound,
    show,
    suggestion,
)
from interviews.dictionary.validation import ValidationResult, validate_values
from interviews.dictionary.values import parse_value as parse_attribute_value
from interviews.errors import DictionaryError, InvalidValueError
from interviews.text import describe_character, first_forbidden_character


class Choice(BaseModel):
    """One option of a choice attribute: a stored value and the label people see.

    ``first_year`` and ``last_year`` give the years an option covers (a migration era),
    so that a year attribute can be checked against it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
        key = fold(raw)
        for choice in self.choices:
            if key in (fold(choice.value), fold(choice.label)):
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
    if attribute.type in CHOICE_TYPES and not attribute.choices:
        raise OptionProblem(f"{article(attribute.type)} attribute needs choices", key="type")
    if attribute.type not in CHOICE_TYPES and attribute.choices:
        raise OptionProblem(
            f"{article(attribute.type)} attribute cannot have choices", key="choices"
        )
    owner: dict[str, str] = {}
    for choice in attribute.choices:
        for key in {fold(choice.value), fold(choice.label)}:
            if owner.setdefault(key, choice.value) != choice.value:
                raise OptionProblem(
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
    if present and attribute.type not in ORDERED_TYPES:
        raise OptionProblem(
            f"{article(attribute.type)} attribute cannot have {', '.join(present)}",
            key=next(iter(present)),
        )
    reference = date.today()
    resolved: dict[str, Any] = {
        key: resolve_bound(attribute, key, bound, reference) for key, bound in present.items()
    }
    for low, high in (("minimum", "maximum"), ("soft_minimum", "soft_maximum")):
        if low in resolved and high in resolved and resolved[low] > resolved[high]:
            raise OptionProblem(
                f"{low} {show(resolved[low])} is above {high} {show(resolved[high])}", key=low
            )


def _check_type_specific_options(attribute: Attribute) -> None:
    if attribute.max_length is not None and attribute.type != AttributeType.TEXT:
        raise OptionProblem("max_length applies to text attributes only", key="max_length")
    if attribute.not_before is not None:
        if attribute.type not in ORDERED_TYPES:
            raise OptionProblem(
                "not_before applies to integer, decimal and date attributes only", key="not_before"
            )
        if attribute.not_before == attribute.name:
            raise OptionProblem("not_before cannot name the attribute itself", key="not_before")
    if attribute.within_choice_years is not None and attribute.type != AttributeType.INTEGER:
        raise OptionProblem(
            "within_choice_years applies to integer (year) attributes only",
            key="within_choice_years",
        )
    if attribute.must_be_yes and attribute.type != AttributeType.YES_NO:
        raise OptionProblem("must_be_yes applies to yes_no attributes only", key="must_be_yes")


class AttributeProblem(DictionaryError):
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

    model_config = ConfigDict(extra="forbid", defer_build=True)

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
        raise DictionaryError(f"unknown attribute{suggestion(name, self.names())}", field=str(name))

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
        return parse_attribute_value(attribute, raw)

    def validate(  # type: ignore[override]  # pydantic's deprecated classmethod of that name
        self, scope: Scope, values: Mapping[str, object], *, today: date | None = None
    ) -> ValidationResult:
        """Parse and check one scope's values; ``today`` is the reference date (default: today)."""
        return validate_values(self, scope, values, today=today or date.today())


def _check_references(attributes: Sequence[Attribute]) -> None:
    first_index: dict[str, int] = {}
    for index, attribute in enumerate(attributes):
        if attribute.name in first_index:
            raise AttributeProblem(
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
                raise AttributeProblem(
                    f"{option} {target_name!r}: {problem}", field=attribute.name, index=index
                )


def _reference_problem(attribute: Attribute, option: str, target: Attribute | None) -> str:
    if target is None:
        return "no such attribute"
    if target.scope != attribute.scope:
        return f"{article(target.scope)} attribute; it must be {article(attribute.scope)} one"
    if option == "not_before":
        comparable = {attribute.type, target.type} <= set(NUMBER_TYPES) or (
            attribute.type == target.type
        )
        return "" if comparable else f"{article(target.type)} attribute cannot be compared"
    if target.type != AttributeType.SINGLE_CHOICE:
        return "must be a single_choice attribute"
    if not any(c.first_year is not None or c.last_year is not None for c in target.choices):
        return "none of its choices has first_year or last_year"
    return ""
