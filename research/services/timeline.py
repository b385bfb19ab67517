"""The study's historical timeline: dated events with their source and a contested flag."""

from __future__ import annotations

from datetime import date
from importlib import resources

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from sqlalchemy import delete, select
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
    return loads_events(text, source=DEFAULT_TIMELINE)


def loads_events(text: str, *, source: str = "<string>") -> list[TimelineEvent]:
    """Events from timeline YAML: a list of date, label, event, source, contested, note.

    Errors name `source`, the entry's number and the field.
    """
    try:
        entries = YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        raise ResearchError(f"{source}: invalid YAML: {error}") from None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ResearchError(f"{source}: a timeline is a list of events (- date: ...)")
    events = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ResearchError(f"{source}: event {number}: expected date, label, event, source")
        try:
            events.append(
                _checked(
                    event_date=entry.get("date"),
                    label=str(entry["label"]) if entry.get("label") is not None else None,
                    event=entry.get("event"),
                    source=entry.get("source"),
                    contested=bool(entry.get("contested", False)),
                    note=str(entry.get("note", "")),
                )
            )
        except ResearchError as error:
            raise ResearchError(f"{source}: event {number}: {error}") from None
    return events


def replace_events(session: Session, events: list[TimelineEvent]) -> int:
    """Replace the whole timeline by `events`; returns how many were stored."""
    session.execute(delete(TimelineEventRow))
    session.add_all(TimelineEventRow(**item.model_dump(exclude={"event_id"})) for item in events)
    session.flush()
    return len(events)


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
