"""`research interviews`: add, import, describe, change, remove, list and show interviews."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from interviews.models import CORE_INTERVIEW_FIELDS
from research.cli.common import (
    AllOption,
    FormatOption,
    LimitOption,
    OffsetOption,
    OutputFormat,
    StudyOption,
    WhereOption,
    count_title,
    counted,
    emit,
    emit_record,
    load_study,
    page_size,
    parse_assignments,
    say_more,
)
from research.cli.forms import ask_record
from research.cli.respondents import ConfirmOption, InteractiveOption, SetOption

app = typer.Typer(help="Interviews and their transcripts.", no_args_is_help=True)

EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Encoding of legacy text files, e.g. cp1251 (default: "
        "UTF-8, or UTF-16/UTF-8 when the file starts with a byte-order mark).",
    ),
]


@app.command("add")
def add(
    respondent_id: Annotated[
        str | None, typer.Option("--respondent", "-r", help="The respondent interviewed.")
    ] = None,
    interview_id: Annotated[
        str | None, typer.Option("--id", help="Interview id (default: RESPONDENT-N).")
    ] = None,
    assignments: SetOption = None,
    transcript: Annotated[
        Path | None,
        typer.Option("--transcript", "-t", help="Transcript file (.txt .md .docx .odt)."),
    ] = None,
    encoding: EncodingOption = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="JSON, CSV or XLSX of interviews with respondent_id, optional "
            "interview_id and transcript (a path relative to the file); all or none.",
        ),
    ] = None,
    confirm_warnings: ConfirmOption = False,
    interactive: InteractiveOption = None,
    study: StudyOption = None,
) -> None:
    """Add an interview for a respondent, from flags, a JSON or CSV file, or a form.

    Example: research interviews add -r R07 --set interview_date=2004-06-12 --set place=martuni
    --set interviewer="Interviewer A" --set language=hy;en --set consent=yes
    --set consent_scope=interview;quotation --transcript r07.docx
    """
    with load_study(study) as opened:
        if from_file is not None:
            added = opened.interviews.add_interviews_from(
                from_file, encoding=encoding, confirm_warnings=confirm_warnings
            )
            typer.echo(f"Added {len(added)} interviews from {from_file.name}.")
            return
        values: dict[str, Any] = dict(parse_assignments(assignments))
        # A form confirms the values it asked for, not how the transcript is decoded.
        confirm_encoding = confirm_warnings
        if interactive or (interactive is None and not values and sys.stdin.isatty()):
            respondent_id = respondent_id or typer.prompt("Respondent id")
            values = ask_record(opened.dictionary(), "interview", given=values)
            confirm_warnings = True
        if not respondent_id:
            raise typer.BadParameter("name the respondent", param_hint="--respondent")
        text = (
            opened.interviews.read_transcript_file(
                transcript, encoding=encoding, confirm_warnings=confirm_encoding
            )
            if transcript
            else None
        )
        record = opened.interviews.add_interview(
            respondent_id=respondent_id,
            values=values,
            interview_id=interview_id,
            transcript=text,
            confirm_warnings=confirm_warnings,
        )
    typer.echo(
        f"Added interview {record.interview_id} for respondent {record.respondent_id}"
        + (f" with a transcript of {record.characters} characters." if text else ".")
    )


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Transcript files (.txt .md .docx .odt).")],
    encoding: EncodingOption = None,
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata",
            "-m",
            help="CSV or XLSX sheet: a row per file with columns "
            "file, respondent_id, optional interview_id, and attributes.",
        ),
    ] = None,
    respondent_id: Annotated[
        str | None,
        typer.Option(
            "--respondent",
            "-r",
            help="Without --metadata: attach every new interview to this existing "
            "respondent (default: a new respondent per file).",
        ),
    ] = None,
    confirm_warnings: ConfirmOption = False,
    study: StudyOption = None,
) -> None:
    """Import transcripts, all or nothing; without --metadata, describe them later.

    Without a sheet, each file becomes a new interview named after the file, incomplete
    until `research interviews set` or `research interviews describe` fills it in; a file
    named after a stored interview gives that interview its transcript.

    Example: research interviews import transcripts/*.docx --metadata interviews.xlsx
    """
    with load_study(study) as opened:
        report = opened.interviews.import_transcripts(
            files,
            encoding=encoding,
            metadata=metadata,
            respondent_id=respondent_id,
            confirm_warnings=confirm_warnings,
        )
    created = len(report.interviews_created)
    attached = len(report.transcripts_attached)
    respondents = len(report.respondents_created)
    typer.echo(
        f"Imported {counted(attached, 'transcripts')} ({counted(created, 'new interviews')}, "
        f"{counted(respondents, 'new respondents')})."
    )
    for file_name, interview_id in report.attached_to_existing.items():
        typer.echo(f"  {file_name}: transcript attached to the existing interview {interview_id}")
    for file_name, interview_id in report.files.items():
        if file_name != f"{interview_id}{Path(file_name).suffix}":
            typer.echo(f"  {file_name}: new interview {interview_id}")
    if report.incomplete:
        one = len(report.incomplete) == 1
        typer.echo(
            f"{counted(len(report.incomplete), 'new interviews')} "
            f"{'is incomplete: it' if one else 'are incomplete: they'} can be read and coded, "
            "but stay out of analysis and quotation until described with "
            "`research interviews set ID --set NAME=VALUE` or `research interviews describe "
            "SHEET`; `research interviews list --incomplete` shows what each one misses."
        )


@app.command("describe")
def describe(
    sheet: Annotated[
        Path, typer.Argument(help="CSV or XLSX sheet: a row per interview, then attributes.")
    ],
    confirm_warnings: ConfirmOption = False,
    study: StudyOption = None,
) -> None:
    """Fill in imported interviews and their respondents from a metadata sheet, all or nothing.

    Each row names an interview by an interview_id column or by a file column (the name of
    the file its transcript was imported from); the other columns are attributes of the
    interview or its respondent, and blank cells change nothing. A respondent_id column
    moves an interview to that respondent (made if new).

    Example: research interviews describe interviews.csv --confirm-warnings
    """
    with load_study(study) as opened:
        report = opened.interviews.describe_interviews(sheet, confirm_warnings=confirm_warnings)
    typer.echo(
        f"Described {len(report.interviews_updated)} interviews "
        f"({len(report.completed)} now complete, {len(report.still_incomplete)} still "
        f"incomplete); {len(report.respondents_updated)} respondents updated, "
        f"{len(report.respondents_created)} new."
    )
    for interview_id, respondent in report.interviews_moved.items():
        typer.echo(f"  interview {interview_id} now belongs to respondent {respondent}")
    if report.respondents_removed:
        typer.echo(
            "  removed respondents left without interviews or attributes: "
            + ", ".join(report.respondents_removed)
        )
    if report.still_incomplete:
        typer.echo(
            "Still incomplete: "
            + ", ".join(report.still_incomplete)
            + " (`research interviews list --incomplete` shows what they miss)."
        )


@app.command("set")
def set_(
    interview_id: Annotated[str, typer.Argument(help="Interview id.")],
    assignments: SetOption = None,
    confirm_warnings: ConfirmOption = False,
    study: StudyOption = None,
) -> None:
    """Change an interview's attributes (date and consent included), checked like `add`.

    An empty value (`--set place=`) clears an attribute, except a required one that has
    a value. Filling the last missing value completes an incomplete record.

    Example: research interviews set D03 --set place=moscow --set consent=yes
    """
    values = parse_assignments(assignments)
    if not values:
        raise typer.BadParameter("give at least one NAME=VALUE", param_hint="--set")
    with load_study(study) as opened:
        record = opened.interviews.update_interview(
            interview_id, values, confirm_warnings=confirm_warnings
        )
    typer.echo(f"Updated interview {record.interview_id}; {_state(record.missing)}")


def _state(missing: list[str]) -> str:
    if not missing:
        return "the record is complete."
    return f"still incomplete, missing: {', '.join(missing)}."


@app.command("remove")
def remove(
    interview_id: Annotated[str, typer.Argument(help="Interview id.")],
    cascade: Annotated[
        bool, typer.Option("--cascade", help="Remove the interview's codings too.")
    ] = False,
    study: StudyOption = None,
) -> None:
    """Remove an interview; refused while codings depend on it, unless --cascade.

    Example: research interviews remove D03 --cascade
    """
    with load_study(study) as opened:
        removed = opened.interviews.remove_interview(interview_id, cascade=cascade)
    typer.echo(f"Removed interview {interview_id}" + _and_codings(removed.codings_by_coder))


def _and_codings(by_coder: dict[str, int]) -> str:
    total = sum(by_coder.values())
    if not total:
        return "."
    return f" and its {total} codings ({', '.join(f'{c}: {n}' for c, n in by_coder.items())})."


@app.command("list")
def list_(
    where: WhereOption = None,
    incomplete: Annotated[
        bool,
        typer.Option("--incomplete", help="Only incomplete records (held back from analysis)."),
    ] = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    everything: AllOption = False,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List interviews by date, filtered by respondent or interview attributes.

    A table shows 50 interviews and says how many more; csv and json print every one
    unless --limit is given.

    Example: research interviews list --where place=moscow --where gender=male
    """
    size = page_size(limit, everything, fmt)
    with load_study(study) as opened:
        found = opened.interviews.list_interviews(where=where or [], only_incomplete=incomplete)
        dictionary = opened.dictionary()
    names = [
        attribute.name
        for attribute in dictionary.for_scope("interview")
        if attribute.name not in CORE_INTERVIEW_FIELDS
    ]
    state = ["record"] if fmt is OutputFormat.TABLE else ["complete", "missing"]
    rows = [
        {
            "interview_id": r.interview_id,
            "respondent_id": r.respondent_id,
            "date": r.interview_date,
            **{name: r.attributes.get(name) for name in names},
            "characters": r.characters,
            "codings": r.codings,
            "record": "complete" if r.complete else "missing " + ", ".join(r.missing),
            "complete": r.complete,
            "missing": r.missing,
        }
        for r in found[offset : None if size is None else offset + size]
    ]
    columns = ["interview_id", "respondent_id", "date", *names, "characters", "codings", *state]
    if fmt is OutputFormat.TABLE:
        # What a record misses matters more than its attributes when the terminal is narrow.
        columns = ["interview_id", "respondent_id", "date", "characters", "codings", *state, *names]
    emit(
        rows,
        columns,
        fmt,
        title=count_title(
            len(rows), len(found), f"{'incomplete ' if incomplete else ''}interviews"
        ),
    )
    say_more(offset + len(rows), len(found), fmt, "interviews")


@app.command("show")
def show(
    interview_id: Annotated[str, typer.Argument(help="Interview id.")],
    transcript: Annotated[
        bool, typer.Option("--transcript/--no-transcript", help="Print the transcript text too.")
    ] = False,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show one interview: its fields, its respondent's attributes, and optionally its text.

    Example: research interviews show D03 --transcript
    """
    with load_study(study) as opened:
        record = opened.interviews.get_interview(interview_id, with_transcript=transcript)
    fields: dict[str, Any] = {
        "interview_id": record.interview_id,
        "respondent_id": record.respondent_id,
        "interview_date": record.interview_date,
        "consent": record.consent,
        **record.attributes,
        "respondent": record.respondent_attributes,
        "source": record.source_name,
        "characters": record.characters,
        "codings": record.codings,
        "complete": record.complete,
        "missing": record.missing,
    }
    if transcript:
        fields["transcript"] = record.transcript
    emit_record(fields, fmt)
