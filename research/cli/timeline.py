"""`research timeline`: the historical events that periodise migration, each with its source."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from research.cli.common import (
    AllOption,
    FormatOption,
    LimitOption,
    OffsetOption,
    OutputFormat,
    StudyOption,
    count_title,
    emit,
    load_study,
    page_size,
    say_more,
)

app = typer.Typer(
    help="Historical timeline: dated events, their sources, contested accounts.",
    no_args_is_help=True,
)

EventDate = Annotated[
    str, typer.Option("--date", help="Date placing the event on the axis, YYYY-MM-DD.")
]


@app.command("list")
def list_(
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    everything: AllOption = False,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the timeline's events in date order, with sources and contested flags.

    A table shows 50 events and says how many more; csv and json print every one
    unless --limit is given.

    Example: research timeline list --format csv
    """
    with load_study(study) as opened:
        events = opened.timeline.list_events()
    size = page_size(limit, everything, fmt)
    shown = events[offset : None if size is None else offset + size]
    rows = [event.model_dump() for event in shown]
    emit(
        rows,
        ["event_id", "label", "event", "source", "contested", "note"]
        if fmt is OutputFormat.TABLE
        else list(rows[0])
        if rows
        else ["event_id"],
        fmt,
        title=count_title(len(rows), len(events), "events"),
    )
    say_more(offset + len(rows), len(events), fmt, "events")


@app.command("add")
def add(
    event: Annotated[str, typer.Argument(help="What happened.")],
    event_date: EventDate,
    source: Annotated[str, typer.Option(help="Whose account this is (required).")],
    label: Annotated[
        str | None, typer.Option(help="Date as the source words it, e.g. 'late 1987'.")
    ] = None,
    contested: Annotated[
        bool, typer.Option("--contested", help="Mark the account as contested.")
    ] = False,
    note: Annotated[str, typer.Option(help="A note on the event or its sources.")] = "",
    study: StudyOption = None,
) -> None:
    """Add an event with its source.

    Example: research timeline add "Second war" --date 2020-09-27 --source "news archive"
    """
    with load_study(study) as opened:
        added = opened.timeline.add_event(
            event_date=_date(event_date),
            label=label,
            event=event,
            source=source,
            contested=contested,
            note=note,
        )
    typer.echo(f"Added event {added.event_id}: {added.label} {added.event}")


@app.command("edit")
def edit(
    event_id: Annotated[int, typer.Argument(help="Event id, as `research timeline list` shows.")],
    event: Annotated[str | None, typer.Option(help="New text.")] = None,
    event_date: Annotated[str | None, typer.Option("--date", help="New date, YYYY-MM-DD.")] = None,
    label: Annotated[str | None, typer.Option(help="New date label.")] = None,
    source: Annotated[str | None, typer.Option(help="New source.")] = None,
    contested: Annotated[
        bool | None, typer.Option("--contested/--undisputed", help="Mark or unmark as contested.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="New note.")] = None,
    study: StudyOption = None,
) -> None:
    """Change an event: its text, date, source, or whether its account is contested.

    Example: research timeline edit 6 --contested --note "numbers disputed"
    """
    with load_study(study) as opened:
        changed = opened.timeline.update_event(
            event_id,
            event=event,
            event_date=_date(event_date) if event_date else None,
            label=label,
            source=source,
            contested=contested,
            note=note,
        )
    flag = " (contested)" if changed.contested else ""
    typer.echo(f"Event {changed.event_id}: {changed.label} {changed.event}{flag}")


@app.command("remove")
def remove(
    event_id: Annotated[int, typer.Argument(help="Event id.")],
    study: StudyOption = None,
) -> None:
    """Remove an event from the timeline.

    Example: research timeline remove 3
    """
    with load_study(study) as opened:
        opened.timeline.remove_event(event_id)
    typer.echo(f"Removed event {event_id}.")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(
            f"{text!r} is not a date YYYY-MM-DD", param_hint="--date"
        ) from error
