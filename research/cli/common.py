"""Options written once, study opening, and output in table, CSV or JSON form."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from research.services.formulas import inert_text

if TYPE_CHECKING:
    from research.study import Study

StudyOption = Annotated[
    Path | None,
    typer.Option(
        "--study",
        envvar="RESEARCH_STUDY",
        help="Study folder (default: the current folder, or $RESEARCH_STUDY).",
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    """How list and show commands print."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people, csv or json for scripts."),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where", "-w", help="Keep records whose ATTRIBUTE=VALUE (repeatable).", show_default=False
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Coding source: coder:NAME, agreement[:THRESHOLD], consensus or union "
        "(default: consensus if it holds codings, else agreement of two coders, else the "
        "one coder).",
        show_default=False,
    ),
]
CoderOption = Annotated[
    str | None,
    typer.Option(
        "--coder",
        envvar="RESEARCH_CODER",
        help="Coder's name (default: $RESEARCH_CODER, else your login name).",
        show_default=False,
    ),
]


def load_study(path: Path | None, *, check: bool = False) -> Study:
    """Open the study named by --study, $RESEARCH_STUDY, or the current folder.

    `check` also reads every page of a SQLite study for damage (see `open_study`).
    """
    # Imported here: `research status` reads a SQLite study without the database layer.
    from research.study import open_study

    return open_study(study_folder(path), check=check)


def study_folder(path: Path | None) -> Path:
    """The folder named by --study, $RESEARCH_STUDY, or the current folder."""
    return path if path is not None else Path.cwd()


def coder_name(coder: str | None) -> str:
    """The coder's name: the option, else the login name."""
    if coder:
        return coder
    return os.environ.get("RESEARCH_CODER") or getpass.getuser()


def plain(value: Any) -> Any:
    """A value as JSON can hold it."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def cell_text(value: Any) -> str:
    """A value as one table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ";".join(cell_text(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}={cell_text(item)}" for key, item in value.items())
    return str(plain(value))


def emit(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: OutputFormat,
    *,
    title: str | None = None,
) -> None:
    """Print rows: a table fitted to the terminal, CSV with a header, or a JSON list of objects.

    CSV and JSON are written as the rows come, a batch at a time, so a whole export
    streams from the database instead of being built in memory first.
    """
    if fmt is OutputFormat.JSON:
        _stream(_json_lines(rows))
        return
    if fmt is OutputFormat.CSV:
        _stream(_csv_lines(rows, columns))
        return
    # Imported here, as in emit_record: a command that prints one line needs no tables.
    from research.cli.tables import print_table

    print_table(
        columns,
        [[cell_text(row.get(column)) for column in columns] for row in rows],
        title=title,
    )


def _stream(chunks: Iterable[str], batch: int = 1000) -> None:
    """Echo text a batch of pieces at a time: one write per row would cost more than the row."""
    pending: list[str] = []
    for chunk in chunks:
        pending.append(chunk)
        if len(pending) >= batch:
            typer.echo("".join(pending), nl=False)
            pending.clear()
    typer.echo("".join(pending), nl=False)


def csv_cell(value: Any) -> str:
    """A value as one CSV cell: text a spreadsheet would evaluate made inert, numbers as
    they are (a negative number is a number, not a formula)."""
    if type(value) is str:  # most cells: skip cell_text's checks of every other kind
        return inert_text(value)
    text = cell_text(value)
    if isinstance(value, (bool, int, float, Decimal)):
        return text
    return inert_text(text)


def _csv_lines(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = [csv_cell(column) for column in columns]
    for values in chain([header], ([csv_cell(row.get(c)) for c in columns] for row in rows)):
        writer.writerow(values)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _json_lines(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The text of json.dumps(list(rows), indent=2), one object at a time."""
    separator = "[\n"
    for row in rows:
        text = json.dumps(plain(dict(row)), ensure_ascii=False, indent=2)
        yield separator + "  " + text.replace("\n", "\n  ")
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


PAGE_SIZE = 50
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        min=1,
        help=f"Show at most N rows (default: {PAGE_SIZE} in a table; every row in csv or json).",
        show_default=False,
    ),
]
OffsetOption = Annotated[
    int, typer.Option("--offset", min=0, help="Skip the first N rows (the next page: --offset 50).")
]
AllOption = Annotated[bool, typer.Option("--all", help="Show every row, in a table too.")]


def page_size(limit: int | None, everything: bool, fmt: OutputFormat) -> int | None:
    """How many rows a list shows: --limit; else every row with --all or in csv or json (a
    script piping output wants it whole); else one page of a table. None means every row."""
    if everything and limit is not None:
        raise typer.BadParameter("give --limit or --all, not both", param_hint="--all")
    if limit is not None:
        return limit
    return None if everything or fmt is not OutputFormat.TABLE else PAGE_SIZE


def noun_for(count: int, plural: str) -> str:
    """A plural noun, or its singular for one: ("transcripts", 1) -> "transcript"."""
    return plural.removesuffix("s") if count == 1 else plural


def counted(count: int, plural: str) -> str:
    """`count` and the noun: "1 transcript", "3 transcripts"."""
    return f"{count} {noun_for(count, plural)}"


def count_title(shown: int, total: int, noun: str) -> str:
    """A table's title: how many rows it shows, and of how many when that is a page (`noun`
    is the plural; one row takes the singular)."""
    noun = noun_for(total, noun)
    return f"{shown} {noun}" if shown == total else f"{shown} of {total} {noun}"


def say_more(shown_to: int, total: int, fmt: OutputFormat, noun: str) -> None:
    """Say how many rows come after the ones shown and how to see them (on stderr for csv and
    json, so that their output stays clean)."""
    remaining = total - shown_to
    if remaining > 0:
        typer.echo(
            f"{remaining} more {noun_for(remaining, noun)}: --offset {shown_to} shows the next "
            "page, --all every row.",
            err=fmt is not OutputFormat.TABLE,
        )


def emit_record(record: Mapping[str, Any], fmt: OutputFormat) -> None:
    """Print one record: field/value lines, a one-row CSV, or a JSON object."""
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(plain(dict(record)), ensure_ascii=False, indent=2))
        return
    if fmt is OutputFormat.CSV:
        emit([record], list(record), fmt)
        return
    from rich.table import Table

    from research.cli.tables import console

    table = Table(show_header=False, box=None)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in record.items():
        table.add_row(key, _escaped(cell_text(value)))
    console().print(table)


def _escaped(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def parse_assignments(assignments: Sequence[str] | None) -> dict[str, str]:
    """`name=value` pairs from repeated --set options."""
    values: dict[str, str] = {}
    for assignment in assignments or []:
        name, separator, value = assignment.partition("=")
        if not separator or not name.strip():
            raise typer.BadParameter(f"{assignment!r} is not NAME=VALUE", param_hint="--set")
        values[name.strip()] = value
    return values
