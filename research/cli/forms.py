"""Interactive entry forms driven by the data dictionary: ask, check each answer, ask again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

import typer

from interviews.dictionary import Attribute, AttributeType, DataDictionary

HINTS = {
    AttributeType.TEXT: "text",
    AttributeType.INTEGER: "whole number",
    AttributeType.DECIMAL: "number",
    AttributeType.DATE: "date, YYYY-MM-DD",
    AttributeType.YES_NO: "yes/no",
    AttributeType.MULTIPLE_CHOICE: "one or more, separated by ;",
}


def prompt_label(attribute: Attribute) -> str:
    """The question for one attribute: its label, the kind of answer and the choices."""
    hint = HINTS.get(attribute.type, "one of")
    if attribute.choices:
        hint += ": " + ", ".join(choice.value for choice in attribute.choices)
    needed = "" if attribute.required else ", Enter to skip"
    return f"{attribute.label} ({hint}{needed})"


def ask_record(
    dictionary: DataDictionary,
    scope: Literal["respondent", "interview"],
    *,
    given: Mapping[str, object] | None = None,
    today: date | None = None,
) -> dict[str, object]:
    """Ask for every attribute of `scope` not already given; hard errors are asked again,
    soft warnings must be confirmed (or the answer is asked again)."""
    values: dict[str, object] = dict(given or {})
    for attribute in dictionary.for_scope(scope):
        if attribute.name in values:
            continue
        while True:
            raw = typer.prompt(prompt_label(attribute), default="", show_default=False)
            if not raw.strip() and not attribute.required:
                break
            values[attribute.name] = raw
            result = dictionary.validate(scope, values, today=today)
            errors = [issue for issue in result.errors if issue.field == attribute.name]
            if errors:
                for issue in errors:
                    typer.secho(f"  ✗ {issue.message}", fg=typer.colors.RED, err=True)
                del values[attribute.name]
                continue
            warnings = [issue for issue in result.warnings if issue.field == attribute.name]
            if warnings:
                message = "; ".join(issue.message for issue in warnings)
                if not typer.confirm(f"  ! {message}. Keep this answer?", default=False):
                    del values[attribute.name]
                    continue
            break
    return values
