"""The study's historical timeline: dated events with their source and a contested flag."""

from __future__ import annotations

from datetime import date
from importlib import resources

from pydantic import ValidationError
from ruamel.yaml import YAML
from sqlalchemy import select
from sqlalchemy.orm import Session

from research.errors import NotFoundError, ResearchError
from research.services.records import Record
from research.storage.tables import TimelineEventRow

DEFAULT_TIMELINE = "karabakh_timeline.yaml"


class TimelineEvent(Record):
    """One event: when (a date to place it, a label as the source words it), what, whose account."""

    event_id: int | None = None
    event_date: date
    label: str
    event: str
    source: str
    contested: bool = False
    note: str = ""


def default_events() -> list[TimelineEvent]:
    """The shipped timeline of the Nagorno Karabakh study (from its memo and sources)."""
    text = resources.files("research.data").joinpath(DEFAULT_TIMELINE).read_text("utf-8")
    entries = YAML(typ="safe").load(text)
    return [
        TimelineEvent(
            event_date=entry["date"],
            label=str(entry["label"]),
            event=entry["event"],
            source=entry["source"],
            contested=bool(entry.get("contested", False)),
        )
        for entry in entries
    ]


def list_events(session: Session) -> list[TimelineEvent]:
    """Every event, in date order."""
    rows = session.scalars(
        select(TimelineEventRow).order_by(TimelineEventRow.event_date, TimelineEventRow.event_id)
    )
    return [_record(row) for row in rows]


def add_event(
    session: Session,
    *,
    event_date: date | str,
    label: str | None = None,
    event: str,
    source: str,
    contested: bool = False,
    note: str = "",
) -> TimelineEvent:
    """Add an event; its source is required, because accounts differ by side."""
    checked = _checked(
        event_date=event_date,
        label=label,
        event=event,
        source=source,
        contested=contested,
        note=note,
    )
    row = TimelineEventRow(**checked.model_dump(exclude={"event_id"}))
    session.add(row)
    session.flush()
    return _record(row)


def update_event(session: Session, event_id: int, **changes: object) -> TimelineEvent:
    """Change some fields of an event (e.g. mark it contested, correct its source)."""
    row = _row(session, event_id)
    current = _record(row).model_dump(exclude={"event_id"})
    unknown = sorted(set(changes) - set(current))
    if unknown:
        raise ResearchError(f"timeline events have no field {unknown[0]!r}")
    checked = _checked(**{**current, **{k: v for k, v in changes.items() if v is not None}})
    for name, value in checked.model_dump(exclude={"event_id"}).items():
        setattr(row, name, value)
    session.flush()
    return _record(row)


def remove_event(session: Session, event_id: int) -> None:
    """Delete an event."""
    session.delete(_row(session, event_id))
    session.flush()


def seed_default(session: Session) -> int:
    """Store the shipped timeline in a study that has no events yet; returns how many."""
    if session.scalar(select(TimelineEventRow.event_id).limit(1)) is not None:
        return 0
    events = default_events()
    session.add_all(TimelineEventRow(**item.model_dump(exclude={"event_id"})) for item in events)
    session.flush()
    return len(events)


def _checked(**fields: object) -> TimelineEvent:
    label = fields.get("label")
    try:
        event = TimelineEvent.model_validate(
            {**fields, "label": label or str(fields["event_date"])}
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ResearchError(f"timeline event: {field}: {first['msg']}") from error
    for name in ("event", "source", "label"):
        if not getattr(event, name).strip():
            raise ResearchError(f"timeline event: {name} is empty")
        if any(ch < " " for ch in getattr(event, name)):
            raise ResearchError(f"timeline event: {name} contains a control character")
    return event


def _row(session: Session, event_id: int) -> TimelineEventRow:
    row = session.get(TimelineEventRow, event_id)
    if row is None:
        raise NotFoundError(f"no timeline event {event_id}")
    return row


def _record(row: TimelineEventRow) -> TimelineEvent:
    return TimelineEvent(
        event_id=row.event_id,
        event_date=row.event_date,
        label=row.label,
        event=row.event,
        source=row.source,
        contested=row.contested,
        note=row.note,
    )
