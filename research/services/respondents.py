"""Respondents: pseudonymous people with typed attributes from the data dictionary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from interviews.dictionary import DataDictionary, Issue
from interviews.models import Respondent
from research.errors import ConflictError, InvalidRecordError, NotFoundError
from research.services import study_info
from research.services.attributes import (
    check_record,
    from_storage,
    missing_required,
    to_storage,
)
from research.services.filters import matches_all, parse_conditions
from research.services.record_files import add_records
from research.services.records import RemovalRecord, RespondentRecord
from research.services.search import attribute_words, matches_text
from research.storage.tables import (
    CodingRow,
    FormSubmissionRow,
    InterviewRow,
    RespondentRow,
    utc_now,
)

# Dated interviews by date, then the undated ones (NULL sorts first on SQLite, last on
# PostgreSQL: the explicit test makes both agree).
INTERVIEW_ORDER = (
    InterviewRow.interview_date.is_(None),
    InterviewRow.interview_date,
    InterviewRow.interview_id,
)


def add_respondent(
    session: Session,
    respondent_id: str,
    values: Mapping[str, object],
    *,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> RespondentRecord:
    """Validate and store a new respondent."""
    check_respondent_id(respondent_id)
    if session.get(RespondentRow, respondent_id) is not None:
        raise ConflictError(f"respondent {respondent_id!r} already exists")
    dictionary = study_info.load_dictionary(session)
    cleaned = check_record(
        dictionary,
        "respondent",
        values,
        what=f"respondent {respondent_id}",
        confirm_warnings=confirm_warnings,
        today=today,
    )
    session.add(RespondentRow(respondent_id=respondent_id, attributes=to_storage(cleaned)))
    session.flush()
    return get_respondent(session, respondent_id)


def add_respondents_from(
    session: Session,
    path: Path,
    *,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> list[str]:
    """Add the respondents of a JSON file or a sheet (CSV or XLSX: a `respondent_id` column
    and attribute columns), all or nothing; returns their ids.

    Every record is checked and every problem listed with its row and column; a sheet's
    row of the wrong shape is one of them.
    """
    added: list[str] = []

    def add(record: dict[str, Any]) -> None:
        respondent_id = str(record.pop("respondent_id", None) or "")
        add_respondent(
            session, respondent_id, record, confirm_warnings=confirm_warnings, today=today
        )
        added.append(respondent_id)

    add_records(path, add)
    return added


def update_respondent(
    session: Session,
    respondent_id: str,
    values: Mapping[str, object],
    *,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> RespondentRecord:
    """Change some attributes of a respondent; the whole record is validated again."""
    row = _row(session, respondent_id)
    dictionary = study_info.load_dictionary(session)
    stored = from_storage(dictionary, row.attributes)
    merged = {**stored, **values}
    cleaned = check_record(
        dictionary,
        "respondent",
        merged,
        what=f"respondent {respondent_id}",
        confirm_warnings=confirm_warnings,
        today=today,
        # A required value never given may stay missing; one given cannot be blanked.
        may_stay_missing=missing_required(dictionary, "respondent", stored),
    )
    row.attributes = to_storage(cleaned)
    row.updated_at = utc_now()
    session.flush()
    return get_respondent(session, respondent_id)


def get_respondent(session: Session, respondent_id: str) -> RespondentRecord:
    """One respondent, with the ids of their interviews."""
    row = _row(session, respondent_id)
    dictionary = study_info.load_dictionary(session)
    interview_ids = session.scalars(
        select(InterviewRow.interview_id)
        .where(InterviewRow.respondent_id == respondent_id)
        .order_by(*INTERVIEW_ORDER)
    ).all()
    return _record(dictionary, row, list(interview_ids))


def list_respondents(session: Session) -> list[RespondentRecord]:
    """Every respondent, by id."""
    dictionary = study_info.load_dictionary(session)
    interviews: dict[str, list[str]] = {}
    for respondent_id, interview_id in session.execute(
        select(InterviewRow.respondent_id, InterviewRow.interview_id).order_by(*INTERVIEW_ORDER)
    ):
        interviews.setdefault(respondent_id, []).append(interview_id)
    return [
        _record(dictionary, row, interviews.get(row.respondent_id, []))
        for row in session.scalars(select(RespondentRow).order_by(RespondentRow.respondent_id))
    ]


def _record(
    dictionary: DataDictionary, row: RespondentRow, interview_ids: list[str]
) -> RespondentRecord:
    attributes = from_storage(dictionary, row.attributes)
    missing = missing_required(dictionary, "respondent", attributes)
    return RespondentRecord(
        respondent_id=row.respondent_id,
        attributes=attributes,
        interview_ids=interview_ids,
        missing=missing,
        complete=not missing,
    )


def _row(session: Session, respondent_id: str) -> RespondentRow:
    row = session.get(RespondentRow, respondent_id)
    if row is None:
        raise NotFoundError(f"no respondent {respondent_id!r}")
    return row


def check_respondent_id(respondent_id: str) -> None:
    """Refuse a respondent id that does not follow the domain's pseudonymous-id pattern."""
    try:
        Respondent(respondent_id=respondent_id)
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise InvalidRecordError(
            f"respondent {respondent_id!r}",
            [
                Issue(
                    field="respondent_id",
                    message=f"{message} (letters, digits, '.', '_', '-'; at most 64)",
                    severity="error",
                )
            ],
        ) from error


def remove_respondent(
    session: Session, respondent_id: str, *, cascade: bool = False
) -> RemovalRecord:
    """Delete a respondent; refused while interviews depend on them, unless `cascade`.

    With `cascade`, their interviews and those interviews' codings go too, in the
    caller's transaction.
    """
    _row(session, respondent_id)
    interview_ids = list(
        session.scalars(
            select(InterviewRow.interview_id)
            .where(InterviewRow.respondent_id == respondent_id)
            .order_by(InterviewRow.interview_id)
        )
    )
    by_coder = codings_by_coder(session, interview_ids)
    if interview_ids and not cascade:
        held = f"{len(interview_ids)} interview{'s' if len(interview_ids) != 1 else ''}"
        raise ConflictError(
            f"respondent {respondent_id} has {held} ({_listed(interview_ids)})"
            f"{describe_codings(by_coder, prefix=' with ')}; --cascade removes them too"
        )
    delete_records(session, interview_ids=interview_ids, respondent_ids=[respondent_id])
    return RemovalRecord(
        respondents=[respondent_id],
        interviews=interview_ids,
        codings=sum(by_coder.values()),
        codings_by_coder=by_coder,
    )


def codings_by_coder(session: Session, interview_ids: Sequence[str]) -> dict[str, int]:
    """How many codings each coder made in these interviews, by coder name."""
    if not interview_ids:
        return {}
    return {
        coder: count
        for coder, count in session.execute(
            select(CodingRow.coder, func.count())
            .where(CodingRow.interview_id.in_(list(interview_ids)))
            .group_by(CodingRow.coder)
            .order_by(CodingRow.coder)
        )
    }


def describe_codings(by_coder: Mapping[str, int], *, prefix: str = "") -> str:
    """E.g. `24 codings by lusine and pavel`, after `prefix`; empty without codings."""
    total = sum(by_coder.values())
    if not total:
        return ""
    coders = list(by_coder)
    names = coders[0] if len(coders) == 1 else ", ".join(coders[:-1]) + f" and {coders[-1]}"
    return f"{prefix}{total} coding{'s' if total != 1 else ''} by {names}"


def _listed(ids: Sequence[str], *, limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def delete_records(
    session: Session, *, interview_ids: Sequence[str], respondent_ids: Sequence[str] = ()
) -> None:
    """Delete interviews (their codings first) and respondents, and forget their entry forms."""
    interviews, people = list(interview_ids), list(respondent_ids)
    if interviews:
        session.execute(delete(CodingRow).where(CodingRow.interview_id.in_(interviews)))
        session.execute(delete(InterviewRow).where(InterviewRow.interview_id.in_(interviews)))
        # A form sent again after its record was removed must not point at nothing.
        session.execute(
            delete(FormSubmissionRow).where(
                FormSubmissionRow.kind == "interview", FormSubmissionRow.record_id.in_(interviews)
            )
        )
    if people:
        session.execute(delete(RespondentRow).where(RespondentRow.respondent_id.in_(people)))
        session.execute(
            delete(FormSubmissionRow).where(
                FormSubmissionRow.kind == "respondent", FormSubmissionRow.record_id.in_(people)
            )
        )
    session.flush()
    session.expire_all()


def search_respondents(
    session: Session,
    *,
    query: str = "",
    where: Sequence[str] = (),
    only_incomplete: bool = False,
) -> list[RespondentRecord]:
    """Respondents matching every `attribute=value` condition and, case folded, the `query`;
    only the incomplete ones if asked.

    The query is looked for in the respondent id, the attribute values and the labels of
    chosen options, in any script.
    """
    dictionary = study_info.load_dictionary(session)
    conditions = parse_conditions(dictionary, where)
    return [
        record
        for record in list_respondents(session)
        if not (only_incomplete and record.complete)
        and matches_all(conditions, record.attributes)
        and matches_text(
            query, [record.respondent_id, *attribute_words(dictionary, record.attributes)]
        )
    ]
