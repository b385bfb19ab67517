"""Study-wide facts: name, the fictional flag, the data dictionary and the analysis settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.layers import CODER_LAYER, CONSENSUS_LAYER
from research.errors import ResearchError
from research.services.records import StudySummary
from research.services.study_facts import (  # the facts' keys, beside the quick summary
    CODEBOOK_NAME,
    CODEBOOK_VERSION,
    DICTIONARY,
    FICTIONAL,
    NAME,
    SETTINGS,
)
from research.storage.tables import (
    CodeRow,
    CodingPassRow,
    CodingRow,
    InterviewRow,
    RespondentRow,
    StudyInfo,
)

if TYPE_CHECKING:
    from interviews.dictionary import DataDictionary
    from research.study_settings import StudySettings


def get_fact(session: Session, key: str) -> str | None:
    """One stored fact, or None."""
    row = session.get(StudyInfo, key)
    return None if row is None else row.value


def set_fact(session: Session, key: str, value: str) -> None:
    """Store one fact, replacing an older value."""
    row = session.get(StudyInfo, key)
    if row is None:
        session.add(StudyInfo(key=key, value=value))
    else:
        row.value = value
    session.flush()


def require_fact(session: Session, key: str) -> str:
    """A fact every initialised study has; a clear error if the study was never initialised."""
    value = get_fact(session, key)
    if value is None:
        raise ResearchError(f"this study is not initialised (no {key}); run `research init`")
    return value


def load_dictionary(session: Session) -> DataDictionary:
    """The study's data dictionary (stored as JSON: read on every check, so it must be fast)."""
    # Imported here, as the settings below: a study's summary needs neither.
    from interviews.dictionary import DataDictionary

    return DataDictionary.model_validate_json(require_fact(session, DICTIONARY))


def store_dictionary(session: Session, dictionary: DataDictionary) -> None:
    """Replace the study's data dictionary."""
    set_fact(session, DICTIONARY, dictionary.model_dump_json())


def summarise(session: Session, *, database: str) -> StudySummary:
    """Counts and facts describing the study."""
    per_coder = dict(
        session.execute(
            select(CodingRow.coder, func.count())
            .where(CodingRow.layer == CODER_LAYER)
            .group_by(CodingRow.coder)
            .order_by(CodingRow.coder)
        ).all()
    )
    consensus = (
        session.scalar(
            select(func.count()).select_from(CodingRow).where(CodingRow.layer == CONSENSUS_LAYER)
        )
        or 0
    )
    passes = dict(
        session.execute(
            select(CodingPassRow.coder, func.count())
            .group_by(CodingPassRow.coder)
            .order_by(CodingPassRow.coder)
        ).all()
    )
    return StudySummary(
        name=require_fact(session, NAME),
        fictional=get_fact(session, FICTIONAL) == "true",
        database=database,
        respondents=session.scalar(select(func.count()).select_from(RespondentRow)) or 0,
        interviews=session.scalar(select(func.count()).select_from(InterviewRow)) or 0,
        transcripts=session.scalar(
            select(func.count())
            .select_from(InterviewRow)
            .where(InterviewRow.transcript.is_not(None))
        )
        or 0,
        codings=sum(per_coder.values()) + consensus,
        codings_per_coder=per_coder,
        consensus_codings=consensus,
        passes_per_coder=passes,
        codebook_name=require_fact(session, CODEBOOK_NAME),
        codebook_version=int(require_fact(session, CODEBOOK_VERSION)),
        codes=session.scalar(select(func.count()).select_from(CodeRow)) or 0,
    )


def load_settings(session: Session) -> StudySettings:
    """The study's analysis settings (empty for a study that has none)."""
    from research.study_settings import settings_from_json

    return settings_from_json(get_fact(session, SETTINGS))


def store_settings(session: Session, settings: StudySettings) -> None:
    """Replace the study's analysis settings."""
    set_fact(session, SETTINGS, settings.model_dump_json())
