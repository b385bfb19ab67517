"""`research respondents`: add, change, remove, list and show respondents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from research.cli.common import (
    AllOption,
    FormatOption,
    LimitOption,
    OffsetOption,
    OutputFormat,
    StudyOption,
    WhereOption,
    count_title,
    emit,
    emit_record,
    load_study,
    page_size,
    parse_assignments,
    say_more,
)
from research.cli.forms import ask_record
from research.services import filters, respondents, study_info

app = typer.Typer(
    help="Respondents: pseudonymous people and their attributes.", no_args_is_help=True
)

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="ATTRIBUTE=VALUE (repeatable).", show_default=False),
]
ConfirmOption = Annotated[
    bool, typer.Option("--confirm-warnings", help="Accept soft warnings (implausible values).")
]
InteractiveOption = Annotated[
    bool | None,
    typer.Option(
        "--interactive/--no-interactive",
        help="Ask for each attribute (default: when no --set or --from is given "
        "and input is a terminal).",
        show_default=False,
    ),
]


@app.command("add")
def add(
    respondent_id: Annotated[str | None, typer.Argument(help="Pseudonymous id, e.g. R07.")] = None,
    assignments: SetOption = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="JSON (object or list), CSV or XLSX of respondents, with a "
            "respondent_id field; all are added or none.",
        ),
    ] = None,
    confirm_warnings: ConfirmOption = False,
    interactive: InteractiveOption = None,
    study: StudyOption = None,
) -> None:
    """Add a respondent, from flags, a JSON or CSV file, or an interactive form.

    Example: research respondents add R07 --set gender=female --set birth_year=1961
    """
    with load_study(study) as opened:
        if from_file is not None:
            added = opened.respondents.add_respondents_from(
                from_file, confirm_warnings=confirm_warnings
            )
            typer.echo(f"Added {len(added)} respondents from {from_file.name}.")
            return
        values: dict[str, Any] = dict(parse_assignments(assignments))
        if interactive or (interactive is None and not values and sys.stdin.isatty()):
            respondent_id = respondent_id or typer.prompt("Respondent id (pseudonymous)")
            values = ask_record(opened.dictionary(), "respondent", given=values)
            confirm_warnings = True  # each warning was confirmed in the form
        if not respondent_id:
            raise typer.BadParameter("give a respondent id", param_hint="RESPONDENT_ID")
        record = opened.respondents.add_respondent(
            respondent_id, values, confirm_warnings=confirm_warnings
        )
    typer.echo(f"Added respondent {record.respondent_id}.")


@app.command("list")
def list_(
    where: WhereOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    everything: AllOption = False,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List respondents, optionally filtered by attribute.

    A table shows 50 respondents and says how many more; csv and json print every one
    unless --limit is given.

    Example: research respondents list --where gender=female --format csv
    """
    size = page_size(limit, everything, fmt)
    with load_study(study) as opened, opened.transaction() as session:
        conditions = filters.parse_conditions(study_info.load_dictionary(session), where or [])
        found = [
            r
            for r in respondents.list_respondents(session)
            if filters.matches_all(conditions, r.attributes)
        ]
        names = [a.name for a in study_info.load_dictionary(session).for_scope("respondent")]
    rows = [
        {
            "respondent_id": r.respondent_id,
            **r.attributes,
            "interviews": r.interview_ids,
            "missing": r.missing,
        }
        for r in found[offset : None if size is None else offset + size]
    ]
    emit(
        rows,
        ["respondent_id", *names, "interviews", "missing"],
        fmt,
        title=count_title(len(rows), len(found), "respondents"),
    )
    say_more(offset + len(rows), len(found), fmt, "respondents")


@app.command("set")
def set_(
    respondent_id: Annotated[str, typer.Argument(help="Respondent id.")],
    assignments: SetOption = None,
    confirm_warnings: ConfirmOption = False,
    study: StudyOption = None,
) -> None:
    """Change a respondent's attributes, checked like `add`.

    An empty value (`--set destination=`) clears an attribute, except a required one that
    has a value.

    Example: research respondents set R07 --set birth_year=1961 --set role=migrant
    """
    values = parse_assignments(assignments)
    if not values:
        raise typer.BadParameter("give at least one NAME=VALUE", param_hint="--set")
    with load_study(study) as opened:
        record = opened.respondents.update_respondent(
            respondent_id, values, confirm_warnings=confirm_warnings
        )
    state = (
        "the record is complete."
        if record.complete
        else f"still incomplete, missing: {', '.join(record.missing)}."
    )
    typer.echo(f"Updated respondent {record.respondent_id}; {state}")


@app.command("remove")
def remove(
    respondent_id: Annotated[str, typer.Argument(help="Respondent id.")],
    cascade: Annotated[
        bool,
        typer.Option("--cascade", help="Remove the respondent's interviews and codings too."),
    ] = False,
    study: StudyOption = None,
) -> None:
    """Remove a respondent; refused while interviews depend on them, unless --cascade.

    Example: research respondents remove R07 --cascade
    """
    with load_study(study) as opened:
        removed = opened.respondents.remove_respondent(respondent_id, cascade=cascade)
    parts = []
    if removed.interviews:
        parts.append(f"{len(removed.interviews)} interviews ({', '.join(removed.interviews)})")
    if removed.codings:
        parts.append(f"{removed.codings} codings")
    typer.echo(
        f"Removed respondent {respondent_id}" + (f" with {' and '.join(parts)}." if parts else ".")
    )


@app.command("show")
def show(
    respondent_id: Annotated[str, typer.Argument(help="Respondent id.")],
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show one respondent's attributes and interviews.

    Example: research respondents show R07
    """
    with load_study(study) as opened:
        record = opened.respondents.get_respondent(respondent_id)
    emit_record(
        {
            "respondent_id": record.respondent_id,
            **record.attributes,
            "interviews": record.interview_ids,
        },
        fmt,
    )
