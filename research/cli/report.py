"""`research report` and `research agreement`: the study's tables, figures and reliability."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from research.cli.common import (
    FormatOption,
    OutputFormat,
    SourceOption,
    StudyOption,
    WhereOption,
    emit,
    load_study,
)
from research.errors import ResearchError
from research.services import coding_sources, filters, study_info
from research.study import Study

if TYPE_CHECKING:
    from research.services.analysis_data import StudyFrames


def register(app: typer.Typer) -> None:
    """Add the report commands to the main app."""
    app.command("report")(report)
    app.command("agreement")(agreement_command)


def report(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for the report (default: STUDY/report)."),
    ] = None,
    where: WhereOption = None,
    coder: Annotated[
        str | None,
        typer.Option(
            "--coder",
            help="Only this coder's codings: their own layer, unless --source says otherwise.",
        ),
    ] = None,
    source: SourceOption = None,
    groups: Annotated[
        list[str] | None,
        typer.Option(
            "--group", help="Only these top-level code groups (repeatable).", show_default=False
        ),
    ] = None,
    formats: Annotated[
        str, typer.Option("--format", help="Figure formats, comma-separated: png,svg,pdf.")
    ] = "png,svg",
    study: StudyOption = None,
) -> None:
    """Write the study's report: tables (CSV, Markdown, XLSX), figures and report.html.

    Counts come from one coding source, stated in the report (default: the consensus layer
    where it holds codings, else the agreement of two coders, else the one coder's layer).

    Example: research report --source coder:Ani --where place=martuni --format png,svg,pdf
    """
    from research.report import ReportOptions, planned_steps, write_report

    chosen = tuple(part.strip() for part in formats.split(",") if part.strip())
    with (
        load_study(study) as opened,
        Progress(
            TextColumn("{task.description:<48}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            transient=True,
            # Piped or redirected, a bar only leaves a blank line behind.
            disable=not sys.stdout.isatty(),
        ) as bar,
    ):
        # One step for reading the study, then each step the report layer reports.
        task = bar.add_task("Reading the study", total=planned_steps() + 1)
        frames, conditions = _frames(opened, where or [], source=source, coder=coder)
        bar.update(task, advance=1, description="Computing the tables")
        target = out or opened.folder / "report"
        options = ReportOptions(
            out=target, where=conditions, coder=coder, groups=tuple(groups or ()), formats=chosen
        )

        def advance(step: str) -> None:
            bar.update(task, advance=1, description=f"Done: {step}")

        written = write_report(frames, options, progress=advance)
    typer.echo(f"Wrote {written.title!r} to {written.html}")
    if written.message is not None:
        typer.echo(written.message)
    for result in written.left_out:
        typer.echo(f"Left out {result.title}: {result.left_out}")


def _frames(
    opened: Study, where: list[str], *, source: str | None = None, coder: str | None = None
) -> tuple[StudyFrames, dict[str, Any]]:
    # pandas loads only for the commands that analyse, not at every CLI start.
    from research.services.analysis_data import study_frames

    with opened.transaction() as session:
        dictionary = study_info.load_dictionary(session)
        conditions = {c.attribute: c.value for c in filters.parse_conditions(dictionary, where)}
        chosen = coding_sources.source_for_coder(session, source, coder)
        # The report quotes no coding: reading a million quotes would only cost memory.
        frames = study_frames(
            session, database=str(opened.folder), quotes=False, source=chosen
        )
    return frames, conditions


_STATISTICS = ("krippendorff_alpha", "percent_agreement", "cohen_kappa", "fleiss_kappa")
_HEADERS = ("Krippendorff α", "agree %", "Cohen κ", "Fleiss κ")


def _three_places(value: float) -> str:
    """A statistic for a table cell: three decimals, blank when undefined."""
    return "" if value != value else f"{value:.3f}"


class Unit(StrEnum):
    """Units of agreement."""

    INTERVIEW = "interview"
    SEGMENT = "segment"
    CHARACTER = "character"


def agreement_command(
    unit: Annotated[
        Unit, typer.Option("--unit", help="What a unit of agreement is.")
    ] = Unit.INTERVIEW,
    code: Annotated[str | None, typer.Option("--code", help="Only this code (path or id).")] = None,
    overlap: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Segment unit: overlap needed to agree.")
    ] = 0.5,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Print intercoder agreement per code and pooled: Krippendorff's alpha, percent, kappas.

    Example: research agreement --unit segment --code motives/economy/unemployment
    """
    from research.report import Selection, nothing_to_show
    from research.services.agreement_data import study_agreement

    with load_study(study) as opened:
        frames, _ = _frames(opened, [])
    empty = nothing_to_show(frames, Selection())
    if empty is not None:
        raise ResearchError(empty)
    code_id = None if code is None else frames.codebook.resolve(code).code_id
    # Agreement compares every coder's own layer (`coder_codings`), whatever the source.
    result = study_agreement(
        frames, frames.passes, unit=unit.value, overlap=overlap, code_id=code_id
    )
    table = result.table
    rows = table.to_dict("records")
    columns = list(table.columns)
    if fmt is OutputFormat.TABLE:
        columns = ["path", "coders", "units", *_HEADERS]
        rows = [
            {
                "path": row["path"] if isinstance(row["path"], str) else row["code_id"],
                "coders": row["coders"],
                "units": row["units"],
                **{
                    header: _three_places(row[name])
                    for header, name in zip(_HEADERS, _STATISTICS, strict=True)
                },
            }
            for row in rows
        ]
    emit(rows, columns, fmt, title=f"Agreement, unit: {unit.value}")
    if fmt is OutputFormat.TABLE and rows:
        typer.echo(str(table["method"].iloc[-1]))
        typer.echo(result.completed_line)
