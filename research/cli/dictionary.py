"""`research dictionary`: show, export, validate and import the study's data dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from interviews.dictionary import (
    Attribute,
    AttributeType,
    DataDictionary,
    dictionary_file_problems,
    dumps_dictionary,
    load_dictionary,
)
from research.cli.common import FormatOption, OutputFormat, StudyOption, emit, load_study
from research.errors import ProblemsError
from research.files import write_text
from research.services.dictionaries import core_problems

app = typer.Typer(
    help="The study's data dictionary: the typed attributes of respondents and interviews.",
    no_args_is_help=True,
)

FileArgument = Annotated[Path, typer.Argument(help="Data dictionary YAML.")]


def read_dictionary(file: Path) -> DataDictionary:
    """A dictionary file, or ProblemsError naming every problem by file and line."""
    heading = f"{file} is not a usable data dictionary"
    problems = dictionary_file_problems(file)
    if problems:
        raise ProblemsError(heading, [str(problem) for problem in problems])
    dictionary = load_dictionary(file)
    missing = core_problems(dictionary)
    if missing:
        raise ProblemsError(heading, [f"{file}: attribute {problem}" for problem in missing])
    return dictionary


@app.command("show")
def show(study: StudyOption = None, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Show the attributes: name, scope, type, whether required or analysed, choices and bounds.

    Example: research dictionary show --format json
    """
    with load_study(study) as opened:
        dictionary = opened.dictionary()
    rows = [_row(attribute) for attribute in dictionary.attributes]
    columns = ["name", "scope", "type", "required", "analysis", "details"]
    if fmt is not OutputFormat.TABLE:
        columns = ["name", "label", "scope", "type", "required", "analysis", "details", "help"]
    title = f"{dictionary.title or 'Data dictionary'} ({len(rows)} attributes)"
    emit(rows, columns, fmt, title=title)


@app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: print).")
    ] = None,
    study: StudyOption = None,
) -> None:
    """Export the data dictionary as YAML, to edit and import again.

    Example: research dictionary export --out dictionary.yaml
    """
    with load_study(study) as opened:
        dictionary = opened.dictionary()
    text = dumps_dictionary(dictionary)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_text(out, text)
    typer.echo(f"Wrote {len(dictionary.attributes)} attributes to {out}.")


@app.command("validate")
def validate(file: FileArgument) -> None:
    """Check a data dictionary YAML file; each problem on one line naming the file and line.

    Example: research dictionary validate dictionary.yaml
    """
    dictionary = read_dictionary(file)
    respondent = len(dictionary.for_scope("respondent"))
    typer.echo(
        f"{file}: valid, {len(dictionary.attributes)} attributes ({respondent} of respondents, "
        f"{len(dictionary.attributes) - respondent} of interviews)."
    )


@app.command("import")
def import_(file: FileArgument, study: StudyOption = None) -> None:
    """Replace the data dictionary; refused, listing every problem, if stored values no longer fit.

    Example: research dictionary import dictionary.yaml
    """
    dictionary = read_dictionary(file)
    with load_study(study) as opened:
        change = opened.dictionaries.import_dictionary(dictionary)
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (
            ("added", change.added),
            ("removed", change.removed),
            ("changed", change.changed),
        )
        if names
    ]
    detail = f" ({'; '.join(parts)})" if parts else " (no attribute changed)"
    typer.echo(f"Imported {change.attributes} attributes from {file}{detail}.")
    for count, noun in (
        (change.incomplete_respondents, "respondent"),
        (change.incomplete_interviews, "interview"),
    ):
        if count == 1:
            typer.echo(f"1 {noun} lacks a required attribute: incomplete until it is filled.")
        elif count:
            typer.echo(f"{count} {noun}s lack a required attribute: incomplete until filled.")


def _row(attribute: Attribute) -> dict[str, Any]:
    return {
        "name": attribute.name,
        "label": attribute.label,
        "scope": attribute.scope,
        "type": str(attribute.type),
        "required": attribute.required,
        "analysis": attribute.analysis,
        "details": _details(attribute),
        "help": attribute.help,
    }


def _details(attribute: Attribute) -> str:
    """Choices, bounds and rules in a few words."""
    parts: list[str] = []
    if attribute.choices:
        parts.append(", ".join(choice.value for choice in attribute.choices))
    bounds = _range(attribute.minimum, attribute.maximum)
    if bounds:
        parts.append(bounds)
    expected = _range(attribute.soft_minimum, attribute.soft_maximum)
    if expected:
        parts.append(f"expected {expected}")
    if attribute.max_length is not None:
        parts.append(f"at most {attribute.max_length} characters")
    if attribute.not_before is not None:
        parts.append(f"not before {attribute.not_before}")
    if attribute.within_choice_years is not None:
        parts.append(f"within the years of {attribute.within_choice_years}")
    if attribute.must_be_yes:
        parts.append("must be yes")
    if attribute.type == AttributeType.MULTIPLE_CHOICE:
        parts[0:1] = [f"any of: {parts[0]}"]
    return "; ".join(parts)


def _range(low: object, high: object) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"from {low}"
    if high is not None:
        return f"up to {high}"
    return ""
