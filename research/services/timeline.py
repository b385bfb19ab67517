"""The study's historical timeline: dated events with their source and a contested flag."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from importlib import resources
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from interviews.yaml_guard import bad_date_line, guard
from research.errors import NotFoundError, ProblemsError, ResearchError
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
    return loads_timeline(text, source=DEFAULT_TIMELINE)


TIMELINE_KEYS = ("date", "label", "event", "source", "contested", "note")


def loads_timeline(text: str, *, source: str = "<string>") -> list[TimelineEvent]:
    """Events from timeline YAML (a list of date, label, event, source, contested, note).

    Every problem is reported at once (ProblemsError), each naming `source` and its line.
    """
    try:
        entries = guard(YAML(typ="rt")).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = f", line {mark.line + 1}" if mark is not None else ""
        problem = f"{source}{at}: invalid YAML: {error.problem or error.context}"
        raise ProblemsError(f"{source} is not a usable timeline", [problem]) from None
    except YAMLError as error:
        raise ProblemsError(f"{source} is not a usable timeline", [f"{source}: {error}"]) from None
    except ValueError as error:
        # A date-like scalar that is no date (2001-02-30) fails while YAML builds it.
        bad_line = bad_date_line(text)
        at = f", line {bad_line}" if bad_line is not None else ""
        raise ProblemsError(
            f"{source} is not a usable timeline", [f"{source}{at}: invalid date: {error}"]
        ) from None
    if entries is None:
        return []
    if not isinstance(entries, CommentedSeq):
        raise ProblemsError(
            f"{source} is not a usable timeline",
            [f"{source}, line 1: the timeline must be a list of events (- date: ...)"],
        )
    events: list[TimelineEvent] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        where = f"{source}, line {entries.lc.item(index)[0] + 1}"
        try:
            events.append(_event_from_yaml(entry))
        except _EventProblem as problem:
            line = _key_line(entry, "date" if problem.field == "event_date" else problem.field)
            place = f"{source}, line {line}" if line is not None else where
            problems.append(f"{place}: event {index + 1}: {problem.reason}")
    if problems:
        raise ProblemsError(f"{source} is not a usable timeline", problems)
    return events


def _event_from_yaml(entry: object) -> TimelineEvent:
    if not isinstance(entry, Mapping):
        raise _EventProblem("", "expected date, event and source (a mapping)")
    unknown = [str(key) for key in entry if key not in TIMELINE_KEYS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], TIMELINE_KEYS, n=1)
        hint = (
            f"did you mean {close[0]!r}?" if close else f"the keys are {', '.join(TIMELINE_KEYS)}"
        )
        raise _EventProblem(unknown[0], f"unknown key {unknown[0]!r}; {hint}")
    for key in ("date", "event", "source"):
        if entry.get(key) is None:
            raise _EventProblem(key, f"{key} is missing")
    when = entry["date"]
    if isinstance(when, datetime):
        when = when.date()
    if not isinstance(when, date):
        raise _EventProblem("date", f"date {str(when)!r} is not a date; write YYYY-MM-DD")
    label = entry.get("label")
    return _checked(
        event_date=when,
        label=None if label is None else str(label),
        event=_text(entry["event"]),
        source=_text(entry["source"]),
        contested=entry.get("contested", False),
        note=_text(entry.get("note") or ""),
    )



def _text(value: Any) -> Any:
    return str(value) if isinstance(value, str | int | float) else value


def _key_line(entry: object, key: str) -> int | None:
    if isinstance(entry, CommentedMap) and key in entry:
        return int(entry.lc.key(key)[0]) + 1
    return None


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


def seed_events(session: Session, events: Sequence[TimelineEvent]) -> int:
    """Store a timeline (a template's) in a study that has no events yet; returns how many."""
    if session.scalar(select(TimelineEventRow.event_id).limit(1)) is not None:
        return 0
    session.add_all(TimelineEventRow(**item.model_dump(exclude={"event_id"})) for item in events)
    session.flush()
    return len(events)


class _EventProblem(ResearchError):
    """One field of a timeline event that is wrong; `field` locates it in a YAML file."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"timeline event: {reason}")
        self.field = field
        self.reason = reason


def _checked(**fields: object) -> TimelineEvent:
    label = fields.get("label")
    try:
        event = TimelineEvent.model_validate(
            {**fields, "label": label or str(fields["event_date"])}
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise _EventProblem(field, f"{field}: {first['msg']}") from error
    for name in ("event", "source", "label"):
        if not getattr(event, name).strip():
            raise _EventProblem(name, f"{name} is empty")
        if any(ch < " " for ch in getattr(event, name)):
            raise _EventProblem(name, f"{name} contains a control character")
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
