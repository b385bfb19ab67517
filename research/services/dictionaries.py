"""Replacing a study's data dictionary without stranding the values already stored under it.

A new dictionary is accepted only whole: every stored respondent and interview value must
still parse and pass the hard checks (a removed choice still in use, a changed type, a
removed attribute that holds values, a tightened bound are refused, each listed), the
study's settings must still find their attributes, and interviews keep the attributes
stored in their own columns. An attribute that becomes required is allowed: records that
lack it are reported as incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.dictionary import AttributeType, DataDictionary, Scope
from interviews.models import CORE_INTERVIEW_FIELDS
from research.errors import ProblemsError
from research.services import codebooks, study_info
from research.services.records import Record
from research.storage.tables import InterviewRow, RespondentRow
from research.study_settings import check_settings

# Every interview is dated and records consent (the interviews table holds both in columns
# of its own), so every study's dictionary defines them with these types.
CORE_ATTRIBUTES: dict[str, AttributeType] = {
    "interview_date": AttributeType.DATE,
    "consent": AttributeType.YES_NO,
}
_LISTED_IDS = 5


class DictionaryChange(Record):
    """What importing a dictionary changed, and which records it left incomplete."""

    attributes: int
    added: list[str]
    removed: list[str]
    changed: list[str]
    incomplete_respondents: int
    incomplete_interviews: int


def core_problems(dictionary: DataDictionary) -> list[str]:
    """The interview attributes every study needs that the dictionary lacks or mistypes."""
    problems = []
    for name, kind in CORE_ATTRIBUTES.items():
        found = next((a for a in dictionary.attributes if a.name == name), None)
        if found is None:
            problems.append(f"{name}: missing; every study records it ({kind} interview attribute)")
        elif found.scope != "interview" or found.type != kind:
            problems.append(
                f"{name}: must be a {kind} interview attribute, not a {found.type} "
                f"{found.scope} one"
            )
    return problems


def change_problems(session: Session, dictionary: DataDictionary) -> list[str]:
    """Every reason the study cannot take `dictionary` as its data dictionary (empty: it can)."""
    problems = [f"attribute {problem}" for problem in core_problems(dictionary)]
    problems.extend(_grouped_value_problems(session, dictionary))
    settings = study_info.load_settings(session)
    codebook = codebooks.load_codebook(session)
    for problem in check_settings(settings, dictionary=dictionary, codebook=codebook):
        problems.append(
            f"settings: {problem}; change the settings first (research settings import)"
        )
    return problems


def import_dictionary(session: Session, dictionary: DataDictionary) -> DictionaryChange:
    """Replace the study's data dictionary, all or nothing (ProblemsError lists every problem)."""
    problems = change_problems(session, dictionary)
    if problems:
        raise ProblemsError("the data dictionary was not imported", problems)
    old = study_info.load_dictionary(session)
    incomplete = {"respondent": 0, "interview": 0}
    for scope, _record_id, issues in _stored_issues(session, dictionary):
        if any(issue.missing for issue in issues):
            incomplete[scope] += 1
    study_info.store_dictionary(session, dictionary)
    before = {attribute.name: attribute for attribute in old.attributes}
    after = {attribute.name: attribute for attribute in dictionary.attributes}
    return DictionaryChange(
        attributes=len(dictionary.attributes),
        added=[name for name in after if name not in before],
        removed=[name for name in before if name not in after],
        changed=[name for name in after if name in before and after[name] != before[name]],
        incomplete_respondents=incomplete["respondent"],
        incomplete_interviews=incomplete["interview"],
    )


class _StoredIssue(Record):
    """A stored value the new dictionary refuses, or (missing) a required value not stored."""

    field: str
    message: str
    missing: bool


def _grouped_value_problems(session: Session, dictionary: DataDictionary) -> list[str]:
    """Refused stored values, one line per problem naming the records that hold it."""
    holders: dict[tuple[Scope, str], list[str]] = {}
    for scope, record_id, issues in _stored_issues(session, dictionary):
        for issue in issues:
            if not issue.missing:
                holders.setdefault((scope, issue.message), []).append(record_id)
    return [
        f"{_records(scope, record_ids)}: {message}"
        for (scope, message), record_ids in holders.items()
    ]


def _records(scope: Scope, record_ids: Sequence[str]) -> str:
    listed = ", ".join(record_ids[:_LISTED_IDS])
    more = len(record_ids) - _LISTED_IDS
    if more > 0:
        listed += f" and {more} more"
    return f"{scope}{'s' if len(record_ids) > 1 else ''} {listed}"


def _stored_issues(
    session: Session, dictionary: DataDictionary
) -> Iterator[tuple[Scope, str, list[_StoredIssue]]]:
    """Each stored record's values checked by `dictionary` (warnings aside)."""
    today = date.today()
    respondents = session.execute(
        select(RespondentRow.respondent_id, RespondentRow.attributes).order_by(
            RespondentRow.respondent_id
        )
    )
    for respondent_id, attributes in respondents:
        yield "respondent", respondent_id, _issues(dictionary, "respondent", attributes, today)
    # The core fields live in columns of their own; read whichever the table has.
    core = [getattr(InterviewRow, name) for name in CORE_INTERVIEW_FIELDS]
    interviews = session.execute(
        select(InterviewRow.interview_id, InterviewRow.attributes, *core).order_by(
            InterviewRow.interview_id
        )
    )
    for row in interviews:
        values = {
            **row.attributes,
            **{name: getattr(row, name) for name in CORE_INTERVIEW_FIELDS},
        }
        yield "interview", row.interview_id, _issues(dictionary, "interview", values, today)


def _issues(
    dictionary: DataDictionary, scope: Scope, stored: Mapping[str, Any], today: date
) -> list[_StoredIssue]:
    values = {name: value for name, value in stored.items() if not _blank(value)}
    result = dictionary.validate(scope, values, today=today)
    return [
        _StoredIssue(field=issue.field, message=issue.message, missing=issue.field not in values)
        for issue in result.errors
    ]


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []
