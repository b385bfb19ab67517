"""Entry forms of respondents and interviews: fields from the data dictionary, typed values kept.

A form is described by `FieldView`s built from the study's data dictionary; what a person
typed is kept as text (or a list of ticked options) so that a refused form is shown again
exactly as it was, with each issue beside its field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from interviews.dictionary import Attribute, AttributeType, DataDictionary, Issue, Scope
from interviews.models import CORE_INTERVIEW_FIELDS

FormValue = str | list[str]

# Query parameters of the list pages that are not attribute filters.
RESERVED_PARAMETERS = frozenset(
    {"q", "where", "respondent", "created", "updated", "saved", "incomplete"}
)

_INPUT_KINDS = {
    AttributeType.TEXT: "text",
    AttributeType.INTEGER: "number",
    AttributeType.DECIMAL: "number",
    AttributeType.DATE: "date",
    AttributeType.SINGLE_CHOICE: "select",
    AttributeType.MULTIPLE_CHOICE: "checkboxes",
    AttributeType.YES_NO: "yes_no",
}
_RELATIVE_YEAR = re.compile(r"current_year\s*(?:([+-])\s*(\d+))?")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class FieldView:
    """One input of an entry form: what it asks, what was typed, and what is wrong with it."""

    name: str
    label: str
    kind: str
    required: bool
    help: str
    choices: list[tuple[str, str]]
    value: str = ""
    values: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    step: str = "1"
    limits: str = ""

    @property
    def input_type(self) -> str:
        """The HTML input type; text when a typed value would not show in a number or date."""
        if self.kind == "number" and self.value and not _NUMBER.fullmatch(self.value.strip()):
            return "text"
        if self.kind == "date" and self.value and not _ISO_DATE.fullmatch(self.value.strip()):
            return "text"
        return self.kind if self.kind in ("number", "date") else "text"


@dataclass
class FormState:
    """An entry form's fields plus the issues that belong to no field of it."""

    fields: list[FieldView]
    general_errors: list[str] = field(default_factory=list)
    has_warnings: bool = False

    def by_name(self) -> dict[str, FieldView]:
        """The fields by attribute name."""
        return {view.name: view for view in self.fields}


def form_fields(
    dictionary: DataDictionary, scope: Scope, typed: Mapping[str, FormValue] | None = None
) -> list[FieldView]:
    """The inputs of one scope's attributes, in dictionary order, holding `typed` values."""
    typed = typed or {}
    views = []
    for attribute in dictionary.for_scope(scope):
        kind = _INPUT_KINDS[attribute.type]
        view = FieldView(
            name=attribute.name,
            label=attribute.label,
            kind=kind,
            required=attribute.required,
            help=attribute.help,
            choices=[(choice.value, choice.label) for choice in attribute.choices],
            step="any" if attribute.type == AttributeType.DECIMAL else "1",
            limits=_limits(attribute),
        )
        raw = typed.get(attribute.name, [] if kind == "checkboxes" else "")
        if isinstance(raw, list):
            view.values = [str(item) for item in raw]
        else:
            view.value = str(raw)
        views.append(view)
    return views


def with_issues(
    views: list[FieldView],
    issues: Iterable[Issue],
    *,
    extra_fields: Mapping[str, list[str]] | None = None,
) -> FormState:
    """A form state whose issues sit beside their fields; others are listed above the form.

    `extra_fields` are lists of messages for inputs that are not attributes (ids, the
    transcript), keyed by input name, filled in place.
    """
    state = FormState(fields=views)
    named = state.by_name()
    for issue in issues:
        view = named.get(issue.field)
        message = _without_field_prefix(issue)
        if extra_fields is not None and issue.field in extra_fields:
            extra_fields[issue.field].append(message)
        elif view is None:
            state.general_errors.append(issue.message)
        elif issue.severity == "warning":
            view.warnings.append(message)
            state.has_warnings = True
        else:
            view.errors.append(message)
    return state


def _without_field_prefix(issue: Issue) -> str:
    """The message without its leading `field: `, since it is shown beside the field."""
    prefix = f"{issue.field}: "
    return issue.message[len(prefix) :] if issue.message.startswith(prefix) else issue.message


def typed_values(form: FormData, dictionary: DataDictionary, scope: Scope) -> dict[str, FormValue]:
    """What was typed into a scope's inputs: text as typed, ticked options as a list."""
    typed: dict[str, FormValue] = {}
    for attribute in dictionary.for_scope(scope):
        if attribute.type == AttributeType.MULTIPLE_CHOICE:
            typed[attribute.name] = [str(item) for item in form.getlist(attribute.name)]
        else:
            value = form.get(attribute.name, "")
            typed[attribute.name] = value if isinstance(value, str) else ""
    return typed


def service_values(typed: Mapping[str, FormValue]) -> dict[str, object]:
    """The values handed to a service: blanks included, so an edit can clear a field."""
    return {
        name: (list(value) if isinstance(value, list) else value) for name, value in typed.items()
    }


def stored_as_typed(
    dictionary: DataDictionary, scope: Scope, values: Mapping[str, Any]
) -> dict[str, FormValue]:
    """Stored typed values as a form shows them (for the edit form)."""
    typed: dict[str, FormValue] = {}
    for attribute in dictionary.for_scope(scope):
        value = values.get(attribute.name)
        if value is None:
            continue
        typed[attribute.name] = _as_text(value)
    return typed


def _as_text(value: Any) -> FormValue:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def shown(attribute: Attribute | None, value: Any) -> str:
    """A stored value as people read it: choice labels, yes or no, ISO dates."""
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(shown(attribute, item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, "g")
    if attribute is not None and attribute.choices:
        try:
            return attribute.label_of(str(value))
        except ValueError:
            return str(value)
    return str(value)


def described(
    dictionary: DataDictionary, scope: Scope, values: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(label, value shown) of every attribute of a scope, blanks included, dictionary order."""
    return [
        (attribute.label, shown(attribute, values.get(attribute.name)))
        for attribute in dictionary.for_scope(scope)
    ]


def cells(attributes: Sequence[Attribute], values: Mapping[str, Any]) -> list[str]:
    """The table cells of one record: each attribute's value as people read it."""
    return [shown(attribute, values.get(attribute.name)) for attribute in attributes]


def interview_columns(dictionary: DataDictionary) -> list[Attribute]:
    """The interview attributes a list shows beside the date: all but the core fields."""
    return [
        attribute
        for attribute in dictionary.for_scope("interview")
        if attribute.name not in CORE_INTERVIEW_FIELDS
    ]


def labels(dictionary: DataDictionary, names: Sequence[str]) -> list[str]:
    """The labels of attributes named by a record's `missing` list (names the dictionary no
    longer knows are shown as they are)."""
    known = {attribute.name: attribute.label for attribute in dictionary.attributes}
    return [known.get(name, name) for name in names]


@dataclass
class FilterView:
    """A select of a list page: one choice or yes/no attribute, and the option now chosen."""

    name: str
    label: str
    choices: list[tuple[str, str]]
    chosen: str


def filter_views(
    dictionary: DataDictionary, scopes: Sequence[Scope], chosen: Mapping[str, str]
) -> list[FilterView]:
    """A select for every choice and yes/no attribute of `scopes`."""
    views = []
    for scope in scopes:
        for attribute in dictionary.for_scope(scope):
            if attribute.name in RESERVED_PARAMETERS:
                continue
            if attribute.type == AttributeType.YES_NO:
                choices = [("yes", "yes"), ("no", "no")]
            elif attribute.choices:
                choices = [(choice.value, choice.label) for choice in attribute.choices]
            else:
                continue
            views.append(
                FilterView(attribute.name, attribute.label, choices, chosen.get(attribute.name, ""))
            )
    return views


def chosen_filters(
    dictionary: DataDictionary, scopes: Sequence[Scope], parameters: Mapping[str, str]
) -> dict[str, str]:
    """The non-blank selects of a list page's query, by attribute name."""
    names = {
        attribute.name
        for scope in scopes
        for attribute in dictionary.for_scope(scope)
        if attribute.type == AttributeType.YES_NO or attribute.choices
    }
    return {
        name: value
        for name, value in parameters.items()
        if name in names and name not in RESERVED_PARAMETERS and value.strip()
    }


def conditions(chosen: Mapping[str, str], where: Sequence[str]) -> list[str]:
    """The `name=value` conditions of a list page: its selects, then the typed ones."""
    return [f"{name}={value}" for name, value in chosen.items()] + [
        expression for expression in where if expression.strip()
    ]


def _limits(attribute: Attribute) -> str:
    """The hard range of a number or date, as a hint under its input."""
    if attribute.type not in (AttributeType.INTEGER, AttributeType.DECIMAL, AttributeType.DATE):
        return ""
    low = _resolved(attribute.minimum)
    high = _resolved(attribute.maximum)
    if low and high:
        return f"from {low} to {high}"
    if low:
        return f"at least {low}"
    if high:
        return f"at most {high}"
    return ""


def _resolved(bound: object) -> str:
    if bound is None:
        return ""
    if bound == "today":
        return "today"
    if isinstance(bound, str):
        match = _RELATIVE_YEAR.fullmatch(bound.strip())
        if match is None:
            return bound
        sign, amount = match.groups()
        delta = int(amount or 0)
        year = date.today().year
        return str(year - delta if sign == "-" else year + delta)
    if isinstance(bound, float) and math.isfinite(bound):
        return format(bound, "g")
    return str(bound)
