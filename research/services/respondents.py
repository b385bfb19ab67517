"""Respondents: pseudonymous people with typed attributes from the data dictionary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.dictionary import Issue
from interviews.models import Respondent
from research.errors import ConflictError, InvalidRecordError, NotFoundError
from research.services import study_info
from research.services.attributes import check_record, from_storage, to_storage
from research.services.filters import matches_all, parse_conditions
from research.services.records import RespondentRecord
from research.services.search import attribute_words, matches_text
from research.storage.tables import InterviewRow, RespondentRow, utc_now


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
    merged = {**from_storage(dictionary, row.attributes), **values}
    cleaned = check_record(
        dictionary,
        "respondent",
        merged,
        what=f"respondent {respondent_id}",
        confirm_warnings=confirm_warnings,
        today=today,
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
        .order_by(InterviewRow.interview_date, InterviewRow.interview_id)
    ).all()
    return RespondentRecord(
        respondent_id=row.respondent_id,
        attributes=from_storage(dictionary, row.attributes),
        interview_ids=list(interview_ids),
    )


def list_respondents(session: Session) -> list[RespondentRecord]:
    """Every respondent, by id."""
    dictionary = study_info.load_dictionary(session)
    interviews: dict[str, list[str]] = {}
    for respondent_id, interview_id in session.execute(
        select(InterviewRow.respondent_id, InterviewRow.interview_id).order_by(
            InterviewRow.interview_date, InterviewRow.interview_id
        )
    ):
        interviews.setdefault(respondent_id, []).append(interview_id)
    return [
        RespondentRecord(
            respondent_id=row.respondent_id,
            attributes=from_storage(dictionary, row.attributes),
            interview_ids=interviews.get(row.respondent_id, []),
        )
        for row in session.scalars(select(RespondentRow).order_by(RespondentRow.respondent_id))
    ]


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


def search_respondents(
    session: Session, *, query: str = "", where: Sequence[str] = ()
) -> list[RespondentRecord]:
    """Respondents matching every `attribute=value` condition and, case folded, the `query`.

    The query is looked for in the respondent id, the attribute values and the labels of
    chosen options, in any script.
    """
    dictionary = study_info.load_dictionary(session)
    conditions = parse_conditions(dictionary, where)
    return [
        record
        for record in list_respondents(session)
        if matches_all(conditions, record.attributes)
        and matches_text(
            query, [record.respondent_id, *attribute_words(dictionary, record.attributes)]
        )
    ]
