"""`research code`: apply codes to exact text segments, list what is coded, mark completed
passes and fill the consensus layer."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer

from interviews.layers import CONSENSUS_LAYER, LAYERS
from interviews.text import shown
from research.cli.common import (
    AllOption,
    CoderOption,
    FormatOption,
    LimitOption,
    OffsetOption,
    OutputFormat,
    StudyOption,
    WhereOption,
    coder_name,
    count_title,
    emit,
    load_study,
    page_size,
    say_more,
    study_folder,
)
from research.services.records import CodingRecord
from research.settings import DATABASE_FILE, SETTINGS_FILE

app = typer.Typer(help="Codings: codes applied to text segments.", no_args_is_help=True)


@app.command("apply")
def apply(
    interview_id: Annotated[str, typer.Argument(metavar="INTERVIEW", help="Interview id.")],
    code: Annotated[str, typer.Option("--code", "-c", help="Code path or id.")],
    quote: Annotated[
        str | None,
        typer.Option(
            "--quote",
            "-q",
            help="Text to code, found in the transcript (curly or straight apostrophes, "
            "quotation marks and dashes, and any run of spaces or line breaks, match).",
        ),
    ] = None,
    occurrence: Annotated[
        int | None,
        typer.Option(
            "--occurrence",
            "-n",
            min=1,
            help="Which occurrence of --quote, when it appears more than once.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        int | None, typer.Option("--start", help="First character (code point, from 0).")
    ] = None,
    end: Annotated[
        int | None, typer.Option("--end", help="Character after the last one (exclusive).")
    ] = None,
    memo: Annotated[str, typer.Option(help="A note on this coding.")] = "",
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Apply a code to a segment, given by its text (--quote) or its offsets (--start/--end).

    Example: research code apply D03 --code motives/economy/unemployment --quote "no work at all"
    """
    by_quote = quote is not None
    by_span = start is not None or end is not None
    if by_quote == by_span:
        raise typer.BadParameter("give either --quote, or both --start and --end")
    if by_span and (start is None or end is None):
        raise typer.BadParameter("--start and --end go together")
    name = coder_name(coder)
    record = _quickly_applied(
        study_folder(study),
        interview_id=interview_id,
        code=code,
        coder=name,
        start_offset=start,
        end_offset=end,
        quote=quote,
        occurrence=occurrence,
        memo=memo,
    )
    if record is not None:
        _say_applied(record)
        return
    with load_study(study) as opened:
        if quote is not None:
            record = opened.codings.code_quote(
                interview_id=interview_id,
                code=code,
                quote=quote,
                occurrence=occurrence,
                coder=name,
                memo=memo,
            )
        else:
            assert start is not None and end is not None
            record = opened.codings.add_coding(
                interview_id=interview_id,
                code=code,
                start_offset=start,
                end_offset=end,
                coder=name,
                memo=memo,
            )
    _say_applied(record)


def _quickly_applied(folder: Path, **coding: Any) -> CodingRecord | None:
    """The coding stored without the database layer (a SQLite study at the newest
    revision), or None: then the study is opened as every other command opens it."""
    if (folder / SETTINGS_FILE).exists():
        return None
    from research.services.quick_codings import add_coding_to_file

    return add_coding_to_file(folder / DATABASE_FILE, **coding)


def _say_applied(record: CodingRecord) -> None:
    typer.echo(
        f"Coding {record.coding_id}: {record.code_path} on {record.interview_id} "
        f"[{record.start_offset}:{record.end_offset}] by {record.coder}: "
        f"{_short(record.quote)}"
    )


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return "'" + shown(flat if len(flat) <= limit else flat[: limit - 1] + "…") + "'"


TABLE_COLUMNS = [
    "coding_id",
    "interview_id",
    "code_path",
    "start_offset",
    "end_offset",
    "coder",
    "layer",
    "quote",
]
EXPORT_COLUMNS = [
    "coding_id",
    "interview_id",
    "respondent_id",
    "code_id",
    "code_path",
    "start_offset",
    "end_offset",
    "coder",
    "layer",
    "quote",
    "memo",
    "created_at",
]


@app.command("list")
def list_(
    code: Annotated[
        str | None, typer.Option("--code", "-c", help="Code path or id (its children included).")
    ] = None,
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder's codings.")] = None,
    layer: Annotated[
        str | None,
        typer.Option(
            "--layer",
            help=f"Only this layer: {' or '.join(LAYERS)} (default: both).",
            show_default=False,
        ),
    ] = None,
    interview_id: Annotated[
        str | None, typer.Option("--interview", "-i", help="Only this interview.")
    ] = None,
    where: WhereOption = None,
    include_incomplete: Annotated[
        bool,
        typer.Option(
            "--include-incomplete",
            help="Show the codings of incomplete interviews too (held back by default: "
            "their consent is not known).",
        ),
    ] = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    everything: AllOption = False,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List codings in text order, filtered by code, coder, interview and respondent or
    interview attributes.

    A table shows 50 codings and says how many more there are; csv and json print every
    coding, streamed as they are read, unless --limit is given. Codings of incomplete
    interviews are held back unless --include-incomplete.

    Example: research code list --code gender --coder lusine --layer coder --format csv
    """
    from research.services import codings

    filters: dict[str, Any] = {
        "code": code,
        "coder": coder,
        "layer": layer,
        "interview_id": interview_id,
        "where": where or [],
        "include_incomplete": include_incomplete,
    }
    size = page_size(limit, everything, fmt)
    columns = TABLE_COLUMNS if fmt is OutputFormat.TABLE else EXPORT_COLUMNS
    held_back = 0
    with load_study(study) as opened, opened.transaction() as session:
        if size is None:
            found: Iterable[CodingRecord] = islice(
                codings.iter_codings(session, **filters), offset, None
            )
            total = None
        else:
            page = codings.page_codings(session, limit=size, offset=offset, **filters)
            found, total = page.codings, page.total
        rows = (_row(record, fmt) for record in found)
        if fmt is OutputFormat.TABLE:
            listed = list(rows)
            title = count_title(len(listed), len(listed) if total is None else total, "codings")
            emit(listed, columns, fmt, title=title)
            shown_to = offset + len(listed)
        else:
            emit(rows, columns, fmt)
            shown_to = offset + size if size is not None else 0
        if total is not None:
            say_more(shown_to, total, fmt, "codings")
        if not include_incomplete:
            del filters["include_incomplete"]
            held_back = codings.codings_held_back(session, **filters)
    if held_back:
        # On stderr, so that CSV and JSON on stdout stay clean for scripts.
        typer.echo(
            f"{held_back} coding{'s' if held_back != 1 else ''} of incomplete interviews "
            "held back (consent or required values unknown); --include-incomplete shows them.",
            err=True,
        )


def _row(record: CodingRecord, fmt: OutputFormat) -> dict[str, Any]:
    row = record.model_dump()
    if fmt is OutputFormat.TABLE:
        row["quote"] = _short(row["quote"], 60)[1:-1]
    return row


@app.command("remove")
def remove(
    coding_id: Annotated[int, typer.Argument(help="Coding id, as `research code list` shows.")],
    study: StudyOption = None,
) -> None:
    """Remove one coding.

    Example: research code remove 412
    """
    with load_study(study) as opened:
        opened.codings.remove_coding(coding_id)
    typer.echo(f"Removed coding {coding_id}.")


@app.command("done")
def done(
    interview_id: Annotated[str, typer.Argument(metavar="INTERVIEW", help="Interview id.")],
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Mark an interview as coded by a coder: read through, every code that applies applied.

    In a completed pass a code not applied counts as absent; an interview a coder has not
    marked done counts as missing for that coder.

    Example: research code done D03 --coder lusine
    """
    name = coder_name(coder)
    with load_study(study) as opened:
        record = opened.passes.mark_done(interview_id, name)
    stamp = record.completed_at.strftime("%Y-%m-%d %H:%M UTC")
    typer.echo(f"{record.coder} completed {record.interview_id} (marked {stamp}).")


@app.command("reopen")
def reopen(
    interview_id: Annotated[str, typer.Argument(metavar="INTERVIEW", help="Interview id.")],
    coder: CoderOption = None,
    study: StudyOption = None,
) -> None:
    """Take back a coder's completed pass over an interview, to code it further.

    Example: research code reopen D03 --coder lusine
    """
    name = coder_name(coder)
    with load_study(study) as opened:
        reopened = opened.passes.reopen(interview_id, name)
    if reopened:
        typer.echo(f"Reopened {interview_id} for {name}.")
    else:
        typer.echo(f"{name} had not marked {interview_id} done; nothing changed.")


@app.command("passes")
def passes(
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder's passes.")] = None,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List completed passes: which interviews each coder has marked done, and when.

    Example: research code passes --coder lusine --format csv
    """
    with load_study(study) as opened:
        found = opened.passes.list_passes(coder=coder)
    rows = [record.model_dump() for record in found]
    title = f"{len(rows)} completed pass{'es' if len(rows) != 1 else ''}"
    emit(rows, ["interview_id", "coder", "completed_at"], fmt, title=title)


@app.command("copy-layer")
def copy_layer(
    from_coder: Annotated[
        str, typer.Option("--from", help="The coder whose codings become the consensus.")
    ],
    interview_id: Annotated[
        str | None,
        typer.Option("--interview", "-i", help="Only this interview (default: every one)."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace consensus codings already in those interviews."),
    ] = False,
    study: StudyOption = None,
) -> None:
    """Fill the consensus layer with one coder's codings, until the team adjudicates.

    A consensus already stored for those interviews is kept unless --replace.

    Example: research code copy-layer --from lusine --interview D03 --replace
    """
    with load_study(study) as opened:
        copied = opened.layers.copy_layer(
            from_coder=from_coder, interview_id=interview_id, replace=replace
        )
    where = f" of {interview_id}" if interview_id else ""
    noun = "coding" if copied == 1 else "codings"
    typer.echo(f"Copied {copied} {noun}{where} by {from_coder} into the {CONSENSUS_LAYER} layer.")
