"""Checking a scope's values against the dictionary: errors block saving, warnings ask.

Ranges (hard ``minimum``/``maximum``, soft ``soft_`` bounds) are judged against a reference
date, and relations between attributes (``not_before``, ``within_choice_years``) against the
other values of the same record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from interviews.dictionary.kinds import (
    ORDERED_TYPES,
    AttributeType,
    Bound,
    Scope,
    Severity,
    article,
    resolve_bound,
    show,
    suggestion,
)
from interviews.errors import InvalidValueError

if TYPE_CHECKING:
    from interviews.dictionary.schema import Attribute, DataDictionary


class Issue(BaseModel):
    """A problem with one field: an error blocks saving, a warning asks a person to confirm."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    field: str
    message: str
    severity: Severity


class ValidationResult(BaseModel):
    """Cleaned values and the issues found; fields with errors are left out of ``values``."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    values: dict[str, Any]
    errors: list[Issue] = Field(default_factory=list)
    warnings: list[Issue] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether there are no errors (warnings may remain)."""
        return not self.errors


def validate_values(
    dictionary: DataDictionary, scope: Scope, values: Mapping[str, object], *, today: date
) -> ValidationResult:
    """Parse and check one scope's values; ``today`` is the reference date for bounds."""
    attributes = {attribute.name: attribute for attribute in dictionary.for_scope(scope)}
    errors = [_unknown_key(dictionary, key, scope) for key in values if key not in attributes]
    warnings: list[Issue] = []
    cleaned: dict[str, Any] = {}
    for name, attribute in attributes.items():
        try:
            value = dictionary.parse_value(name, values.get(name))
        except InvalidValueError as error:
            errors.append(Issue(field=name, message=str(error), severity="error"))
            continue
        if value is None:
            if attribute.required:
                errors.append(_error(name, f"{name}: {attribute.label} is required"))
            continue
        found = _check_value(attribute, value, today)
        errors.extend(issue for issue in found if issue.severity == "error")
        warnings.extend(issue for issue in found if issue.severity == "warning")
        if not any(issue.severity == "error" for issue in found):
            cleaned[name] = value
    for issue in _check_relations(dictionary, attributes.values(), cleaned):
        (errors if issue.severity == "error" else warnings).append(issue)
        if issue.severity == "error":
            cleaned.pop(issue.field, None)
    return ValidationResult(values=cleaned, errors=errors, warnings=warnings)


def _unknown_key(dictionary: DataDictionary, key: object, scope: Scope) -> Issue:
    if not isinstance(key, str):
        return _error(repr(key), f"{key!r}: attribute names must be text")
    for attribute in dictionary.attributes:
        if attribute.name == key:
            return _error(
                key, f"{key}: {article(attribute.scope)} attribute, not {article(scope)} one"
            )
    return _error(
        key, f"{key}: unknown {scope} attribute{suggestion(key, dictionary.names(scope))}"
    )

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
    if attribute.type in ORDERED_TYPES:
        issues.extend(_check_range(attribute, value, today))
    return issues


def _check_range(attribute: Attribute, value: Any, today: date) -> list[Issue]:
    name = attribute.name
    shown = show(value)
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
        limit = resolve_bound(attribute, key, bound, today)
        outside = value < limit if key.endswith("minimum") else value > limit
        if not outside:
            continue
        written = f" ({bound})" if isinstance(bound, str) and attribute.type != "date" else ""
        if bound == "today":
            written = " (today)"
        message = f"{name}: {shown} {text} {show(limit)}{written}"
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
                    f"{name}: {show(value)} is before {earlier} {show(cleaned[earlier])}",
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


def _error(field: str, message: str) -> Issue:
    return Issue(field=field, message=message, severity="error")
