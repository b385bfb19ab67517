"""What happened lately in a study, where a coder might start, and a stamp of its data."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from typing import Literal
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.layers import CODER_LAYER
from research.services import study_info
from research.services.codebooks import load_codebook
from research.services.interviews import incomplete_interview_ids
from research.services.records import Record
from research.storage.tables import (
    CodebookChangeRow,
    CodeRow,
    CodingRow,
    InterviewRow,
    RespondentRow,
    StudyInfo,
    TimelineEventRow,
)

ActivityKind = Literal["coding", "codebook", "respondent", "interview"]
QUOTE_LENGTH = 120
# Equal times are shown in this order (a coding after the interview it codes was added).
_KIND_ORDER: dict[str, int] = {"coding": 0, "codebook": 1, "interview": 2, "respondent": 3}


class ActivityRecord(Record):
    """One thing that happened: a coding, a codebook change, a new respondent or interview."""

    kind: ActivityKind
    when: datetime
    who: str | None
    what: str
    link: str | None
    quote: str | None = None
    interview_id: str | None = None
    code_path: str | None = None


class InterviewProgress(Record):
    """An interview with a transcript, and how far one coder has coded it."""

    interview_id: str
    respondent_id: str
    interview_date: date | None
    # Incomplete records can be coded, but are held back from analysis until described.
    complete: bool
    characters: int
    codings: int
    coder_codings: int
    coder_last_coded_at: datetime | None


def short_quote(text: str, length: int = QUOTE_LENGTH) -> str:
    """A quote on one line, cut at a word boundary with an ellipsis when longer than `length`."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[: length - 1].rsplit(" ", 1)[0] or flat[: length - 1]
    return cut + "…"


def recent_activity(
    session: Session, *, limit: int = 20, kinds: Collection[ActivityKind] | None = None
) -> list[ActivityRecord]:
    """The latest codings, codebook changes, respondents and interviews, newest first.

    `kinds` keeps only those kinds of activity (default: all four).
    """
    if limit < 1:
        return []
    wanted = set(kinds) if kinds is not None else set(_READERS)
    found = [item for kind in _READERS if kind in wanted for item in _READERS[kind](session, limit)]
    found.sort(key=lambda item: (item.when, -_KIND_ORDER[item.kind]), reverse=True)
    return found[:limit]


def _recent_codings(session: Session, limit: int) -> list[ActivityRecord]:
    codebook = load_codebook(session)
    rows = session.scalars(
        select(CodingRow)
        .order_by(CodingRow.created_at.desc(), CodingRow.coding_id.desc())
        .limit(limit)
    )
    return [
        ActivityRecord(
            kind="coding",
            when=row.created_at,
            who=row.coder,
            what=f"coded {codebook.path_of(row.code_id)} in {row.interview_id}",
            link=f"/interviews/{quote(row.interview_id)}/code",
            quote=short_quote(row.quote),
            interview_id=row.interview_id,
            code_path=codebook.path_of(row.code_id),
        )
        for row in rows
    ]


def _recent_changes(session: Session, limit: int) -> list[ActivityRecord]:
    rows = session.scalars(
        select(CodebookChangeRow)
        .order_by(CodebookChangeRow.changed_at.desc(), CodebookChangeRow.change_id.desc())
        .limit(limit)
    )
    return [
        ActivityRecord(
            kind="codebook",
            when=row.changed_at,
            who=row.changed_by,
            what=f"codebook version {row.version}: {row.description}",
            link="/codebook",
        )
        for row in rows
    ]


def _recent_respondents(session: Session, limit: int) -> list[ActivityRecord]:
    rows = session.scalars(
        select(RespondentRow)
        .order_by(RespondentRow.created_at.desc(), RespondentRow.respondent_id.desc())
        .limit(limit)
    )
    return [
        ActivityRecord(
            kind="respondent",
            when=row.created_at,
            who=None,
            what=f"respondent {row.respondent_id} added",
            link=f"/respondents/{quote(row.respondent_id)}",
        )
        for row in rows
    ]


def _recent_interviews(session: Session, limit: int) -> list[ActivityRecord]:
    rows = session.execute(
        select(
            InterviewRow.interview_id,
            InterviewRow.respondent_id,
            InterviewRow.interview_date,
            InterviewRow.created_at,
        )
        .order_by(InterviewRow.created_at.desc(), InterviewRow.interview_id.desc())
        .limit(limit)
    )
    return [
        ActivityRecord(
            kind="interview",
            when=row.created_at,
            who=None,
            what=(
                f"interview {row.interview_id} with {row.respondent_id} added "
                f"({row.interview_date.isoformat() if row.interview_date else 'date unknown'})"
            ),
            link=f"/interviews/{quote(row.interview_id)}",
            interview_id=row.interview_id,
        )
        for row in rows
    ]


_READERS: dict[str, Callable[[Session, int], list[ActivityRecord]]] = {
    "coding": _recent_codings,
    "codebook": _recent_changes,
    "respondent": _recent_respondents,
    "interview": _recent_interviews,
}


def coding_progress(session: Session, *, coder: str | None) -> list[InterviewProgress]:
    """Interviews with a transcript: codings in all and by `coder`, latest coded first.

    Interviews `coder` has coded come first, most recently coded first, so a coder picks up
    where they stopped; the others follow in interview order.
    """
    # The coders' own layers: copying a consensus is no coder's progress.
    totals = dict(
        session.execute(
            select(CodingRow.interview_id, func.count())
            .where(CodingRow.layer == CODER_LAYER)
            .group_by(CodingRow.interview_id)
        ).all()
    )
    own: dict[str, tuple[int, datetime]] = {}
    if coder is not None:
        own = {
            interview_id: (count, last)
            for interview_id, count, last in session.execute(
                select(CodingRow.interview_id, func.count(), func.max(CodingRow.created_at))
                .where(CodingRow.coder == coder, CodingRow.layer == CODER_LAYER)
                .group_by(CodingRow.interview_id)
            )
        }
    incomplete = incomplete_interview_ids(session)
    rows = session.execute(
        select(
            InterviewRow.interview_id,
            InterviewRow.respondent_id,
            InterviewRow.interview_date,
            InterviewRow.transcript_characters,
        )
        .where(InterviewRow.transcript.is_not(None))
        .order_by(InterviewRow.interview_id)
    )
    progress = [
        InterviewProgress(
            interview_id=interview_id,
            respondent_id=respondent_id,
            interview_date=interview_date,
            complete=interview_id not in incomplete,
            characters=characters or 0,
            codings=totals.get(interview_id, 0),
            coder_codings=own.get(interview_id, (0, None))[0],
            coder_last_coded_at=_aware(own[interview_id][1]) if interview_id in own else None,
        )
        for interview_id, respondent_id, interview_date, characters in rows
    ]
    coded = sorted(
        (item for item in progress if item.coder_last_coded_at is not None),
        key=lambda item: (item.coder_last_coded_at, item.interview_id),
        reverse=True,
    )
    return coded + [item for item in progress if item.coder_last_coded_at is None]


def _aware(value: datetime | str) -> datetime:
    """A timestamp from an aggregate, which SQLite returns without its zone (or as text)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def data_stamp(session: Session) -> str:
    """A short text that changes whenever codings, codes, respondents or interviews change.

    Respondents, interviews, codes, the timeline and the codebook version are hashed row by
    row (they are small). Codings can be many: their count, largest id, latest time and
    weighted sums that move when a coding is recoded or resized stand for them (codings keep
    no update time). Equal stamps mean results computed from the data still hold.
    """
    digest = hashlib.sha256()
    queries = (
        select(StudyInfo.key, StudyInfo.value)
        .where(StudyInfo.key.in_((study_info.CODEBOOK_NAME, study_info.CODEBOOK_VERSION)))
        .order_by(StudyInfo.key),
        select(
            func.count(),
            func.max(CodingRow.coding_id),
            func.max(CodingRow.created_at),
            func.sum(CodingRow.coding_id * CodingRow.start_offset),
            func.sum(CodingRow.coding_id * CodingRow.end_offset),
            func.sum(CodingRow.coding_id * (CodeRow.position + 1)),
            func.sum(CodingRow.coding_id * func.length(CodingRow.coder)),
        ).join(CodeRow, CodeRow.code_id == CodingRow.code_id),
        select(func.count(), func.max(CodebookChangeRow.change_id)),
        select(
            CodeRow.code_id,
            CodeRow.parent_id,
            CodeRow.position,
            CodeRow.path,
            CodeRow.title,
            CodeRow.colour,
            CodeRow.group_only,
            CodeRow.retired,
        ).order_by(CodeRow.code_id),
        select(
            RespondentRow.respondent_id, RespondentRow.attributes, RespondentRow.updated_at
        ).order_by(RespondentRow.respondent_id),
        select(
            InterviewRow.interview_id,
            InterviewRow.respondent_id,
            InterviewRow.interview_date,
            InterviewRow.consent,
            InterviewRow.attributes,
            InterviewRow.transcript_sha256,
            InterviewRow.updated_at,
        ).order_by(InterviewRow.interview_id),
        select(
            TimelineEventRow.event_id,
            TimelineEventRow.event_date,
            TimelineEventRow.label,
            TimelineEventRow.event,
            TimelineEventRow.source,
            TimelineEventRow.contested,
        ).order_by(TimelineEventRow.event_id),
    )
    for query in queries:
        for row in session.execute(query):
            digest.update(repr(tuple(row)).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]
