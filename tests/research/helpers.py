"""Small builders for research tests: a valid respondent and interview, counts of stored rows."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from interviews.importers import Transcript
from research.services.respondents import add_respondent
from research.storage.tables import CodingRow, InterviewRow, RespondentRow
from research.study import Study

RESPONDENT: dict[str, Any] = {
    "gender": "female",
    "birth_year": "1961",
    "role": "stayed",
    "marital_status": "married",
    "household_size": "4",
    "migration_era": "after_1994",
    "remittances": "irregular",
    "relatives_abroad": "yes",
}
INTERVIEW: dict[str, Any] = {
    "interview_date": "2004-06-12",
    "place": "martuni",
    "interviewer": "Interviewer A",
    "language": "hy;en",
    "consent": "yes",
    "consent_scope": "interview;quotation",
}
MIXED_TEXT = (
    "Մենք ապրում էինք Մարտունիում. 🙏 Он сказал: «Работы нет».\n"
    "There was no work at all, so he went to Moscow in 1996.\n"
)


def transcript(text: str, name: str = "t.txt") -> Transcript:
    """A transcript as an importer would return it."""
    return Transcript(text=text, source_name=name, encoding="utf-8", format="txt")


def add_interview_with_text(
    study: Study, text: str = MIXED_TEXT, *, respondent_id: str = "R01", interview_id: str = "I01"
) -> str:
    """Store a respondent (if new) and an interview with `text`; returns the interview id."""
    with study.transaction() as session:
        if session.get(RespondentRow, respondent_id) is None:
            add_respondent(session, respondent_id, RESPONDENT)
    study.interviews.add_interview(
        respondent_id=respondent_id,
        interview_id=interview_id,
        values=INTERVIEW,
        transcript=transcript(text),
    )
    return interview_id


def counts(study: Study) -> tuple[int, int, int]:
    """(respondents, interviews, codings) stored."""
    with study.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(RespondentRow)) or 0,
            session.scalar(select(func.count()).select_from(InterviewRow)) or 0,
            session.scalar(select(func.count()).select_from(CodingRow)) or 0,
        )


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under `folder` (its path inside) with the SHA-256 of its bytes.

    Compared before and after a refused command, it shows that nothing was written: no
    byte of the study changed and no journal, log or backup appeared beside it.
    """
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
