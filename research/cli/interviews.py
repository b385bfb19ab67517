"""`research interviews`: add interviews, import transcripts, list and show them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from interviews.importers import read_transcript
from research.cli.common import (
    FormatOption,
    OutputFormat,
    StudyOption,
    WhereOption,
    emit,
    emit_record,
    load_study,
    parse_assignments,
)
from research.cli.forms import ask_record
from research.cli.records_file import add_each
from research.cli.respondents import ConfirmOption, InteractiveOption, SetOption
from research.services import interviews

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
            help="JSON or CSV of interviews with respondent_id, optional "
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
            with opened.transaction() as session:
                count = add_each(
                    from_file,
                    lambda record: _add_from_record(
                        session, record, from_file.parent, encoding, confirm_warnings
                    ),
                )
            typer.echo(f"Added {count} interviews from {from_file.name}.")
            return
        values: dict[str, Any] = dict(parse_assignments(assignments))
        if interactive or (interactive is None and not values and sys.stdin.isatty()):
            respondent_id = respondent_id or typer.prompt("Respondent id")
            values = ask_record(opened.dictionary(), "interview", given=values)
            confirm_warnings = True
        if not respondent_id:
            raise typer.BadParameter("name the respondent", param_hint="--respondent")
        text = read_transcript(transcript, encoding=encoding) if transcript else None
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


def _add_from_record(
    session: Any, record: dict[str, Any], folder: Path, encoding: str | None, confirm_warnings: bool
) -> None:
    transcript_path = record.pop("transcript", None)
    text = (
        read_transcript(folder / str(transcript_path), encoding=encoding)
        if transcript_path
        else None
    )
    interviews.add_interview(
        session,
        respondent_id=str(record.pop("respondent_id", "")),
        interview_id=record.pop("interview_id", None) or None,
        values=record,
        transcript=text,
        confirm_warnings=confirm_warnings,
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
    confirm_warnings: ConfirmOption = False,
    study: StudyOption = None,
) -> None:
    """Import transcripts, all or nothing. Without --metadata, each file's name is an interview id.

    Example: research interviews import transcripts/*.docx --metadata interviews.xlsx
    """
    with load_study(study) as opened:
        report = opened.interviews.import_transcripts(
            files, encoding=encoding, metadata=metadata, confirm_warnings=confirm_warnings
        )
    created = len(report.interviews_created)
    attached = len(report.transcripts_attached)
    typer.echo(
        f"Imported {attached} transcripts ({created} new interviews, "
        f"{len(report.respondents_created)} new respondents)."
    )


@app.command("list")
def list_(
    where: WhereOption = None,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List interviews by date, filtered by respondent or interview attributes.

    Example: research interviews list --where place=moscow --where gender=male
    """
    with load_study(study) as opened:
        found = opened.interviews.list_interviews(where=where or [])
    rows = [
        {
            "interview_id": r.interview_id,
            "respondent_id": r.respondent_id,
            "date": r.interview_date,
            "place": r.place,
            "interviewer": r.interviewer,
            "language": r.language,
            "characters": r.characters,
            "codings": r.codings,
        }
        for r in found
    ]
    emit(
        rows,
        [
            "interview_id",
            "respondent_id",
            "date",
            "place",
            "interviewer",
            "language",
            "characters",
            "codings",
        ],
        fmt,
        title=f"{len(rows)} interviews",
    )


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
        "place": record.place,
        "interviewer": record.interviewer,
        "language": record.language,
        "consent": record.consent,
        **record.attributes,
        "respondent": record.respondent_attributes,
        "source": record.source_name,
        "characters": record.characters,
        "codings": record.codings,
    }
    if transcript:
        fields["transcript"] = record.transcript
    emit_record(fields, fmt)
