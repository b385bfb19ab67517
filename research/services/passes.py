"""Completed passes: a coder states they have read an interview through and coded it.

In a completed pass a code the coder did not apply is absent (a 0); an interview a coder
has not completed is missing for that coder, whatever codings it already holds. Agreement
and the analysis of one coder's layer read this.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from research.errors import NotFoundError
from research.services.coding_rules import checked_coder
from research.services.records import PassRecord
from research.storage.tables import CodingPassRow, InterviewRow, utc_now


def _check_interview(session: Session, interview_id: str) -> None:
    if session.get(InterviewRow, interview_id) is None:
        raise NotFoundError(f"no interview {interview_id!r}")


def mark_done(
    session: Session, interview_id: str, coder: str, *, completed_at: datetime | None = None
) -> PassRecord:
    """Record that `coder` completed `interview_id`; marking it again keeps the first time."""
    name = checked_coder(coder)
    _check_interview(session, interview_id)
    row = session.get(CodingPassRow, (interview_id, name))
    if row is None:
        row = CodingPassRow(
            interview_id=interview_id, coder=name, completed_at=completed_at or utc_now()
        )
        session.add(row)
        session.flush()
    return _record(row)


def reopen(session: Session, interview_id: str, coder: str) -> bool:
    """Take back `coder`'s completed pass over `interview_id`; whether there was one."""
    name = checked_coder(coder)
    _check_interview(session, interview_id)
    result = session.execute(
        delete(CodingPassRow).where(
            CodingPassRow.interview_id == interview_id, CodingPassRow.coder == name
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def is_done(session: Session, interview_id: str, coder: str) -> bool:
    """Whether `coder` has completed `interview_id`."""
    name = checked_coder(coder)
    _check_interview(session, interview_id)
    return session.get(CodingPassRow, (interview_id, name)) is not None


def list_passes(
    session: Session, *, coder: str | None = None, interview_id: str | None = None
) -> list[PassRecord]:
    """Every completed pass, by interview then coder; filtered by coder or interview."""
    query = select(CodingPassRow).order_by(CodingPassRow.interview_id, CodingPassRow.coder)
    if coder is not None:
        query = query.where(CodingPassRow.coder == checked_coder(coder))
    if interview_id is not None:
        _check_interview(session, interview_id)
        query = query.where(CodingPassRow.interview_id == interview_id)
    return [_record(row) for row in session.scalars(query)]


def passes_by_coder(session: Session) -> dict[str, set[str]]:
    """Each coder with a completed pass, and the interviews they completed."""
    completed: dict[str, set[str]] = defaultdict(set)
    rows = session.execute(select(CodingPassRow.coder, CodingPassRow.interview_id))
    for coder, interview_id in rows:
        completed[str(coder)].add(str(interview_id))
    return dict(sorted(completed.items()))


def _record(row: CodingPassRow) -> PassRecord:
    return PassRecord(
        interview_id=row.interview_id, coder=row.coder, completed_at=row.completed_at
    )
