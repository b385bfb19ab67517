"""SQLAlchemy 2 typed tables of a study, with the rules enforced by the database too."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from interviews.layers import CODER_LAYER, LAYERS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 64


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    """The current time in UTC, the only clock the storage layer uses."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base whose constraint names are stable across backends and migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class StudyInfo(Base):
    """Key-value facts about the study: name, fictional flag, data dictionary, codebook header."""

    __tablename__ = "study_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CodeRow(Base):
    """One code of the study's codebook, in tree order; retired codes stay for history."""

    __tablename__ = "codes"
    __table_args__ = (
        CheckConstraint("length(code_id) > 0", name="code_id_not_empty"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("colour IS NULL OR length(colour) = 7", name="colour_is_hex"),
    )

    code_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("codes.code_id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    title: Mapped[str | None] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[Any]] = mapped_column(default=list)
    colour: Mapped[str | None] = mapped_column(String(7))
    memo: Mapped[str] = mapped_column(Text, default="")
    group_only: Mapped[bool] = mapped_column(Boolean, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class CodebookChangeRow(Base):
    """The history of codebook operations, one row per change record, in order."""

    __tablename__ = "codebook_changes"

    change_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    code_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    description: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    code_id_map: Mapped[dict[str, Any]] = mapped_column(default=dict)
    codings_moved: Mapped[int] = mapped_column(Integer, default=0)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)


class RespondentRow(Base):
    """A pseudonymous respondent and their typed attributes (validated by the data dictionary)."""

    __tablename__ = "respondents"
    __table_args__ = (CheckConstraint("length(respondent_id) > 0", name="id_not_empty"),)

    respondent_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class InterviewRow(Base):
    """An interview with a respondent; its transcript is canonical text (UTF-8, LF, NFC).

    Only the date and consent are columns; every other attribute (place, interviewer,
    language...) lives in `attributes`, as the study's data dictionary defines it. A
    record imported before it was described has no date or consent yet; refused consent
    is never stored.
    """

    __tablename__ = "interviews"
    __table_args__ = (
        CheckConstraint("length(interview_id) > 0", name="id_not_empty"),
        CheckConstraint("consent IS NULL OR consent", name="consent_given"),
        CheckConstraint(
            "transcript IS NULL OR length(transcript) > 0", name="transcript_not_empty"
        ),
        CheckConstraint(
            "transcript_characters IS NULL OR transcript_characters = length(transcript)",
            name="transcript_characters_counted",
        ),
    )

    interview_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    respondent_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("respondents.respondent_id", ondelete="RESTRICT"), index=True
    )
    interview_date: Mapped[date | None] = mapped_column(Date)
    consent: Mapped[bool | None] = mapped_column(Boolean)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    transcript: Mapped[str | None] = mapped_column(Text)
    transcript_sha256: Mapped[str | None] = mapped_column(String(64))
    # Written with the transcript, so that a listing need not read every transcript.
    transcript_characters: Mapped[int | None] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(String(500))
    source_encoding: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class TranscriptPassageRow(Base):
    """A passage of a transcript as the full-text index sees it.

    Passages cover the transcript: each owns [start_offset, own_end_offset), and its body,
    `transcript[start_offset:end_offset]`, runs a little past `own_end_offset`, so that a
    phrase starting near the end of one passage is wholly inside it. A passage holds no
    copy of its text (revision 0014): the text is read from the interview's transcript. The
    index is SQLite FTS5 (`transcript_index`) or, on PostgreSQL, a GIN index on each
    passage's `simple` text-search vector (`search_vector`); both are made by migration
    0008 and written by the service that stores passages
    (`services.search_index.store_passages`). Passages are replaced with their transcript
    and go with their interview; on SQLite, triggers delete them before the text changes
    and take each deleted passage out of the index (revision 0014).
    """

    __tablename__ = "transcript_passages"
    __table_args__ = (
        CheckConstraint("start_offset >= 0", name="start_not_negative"),
        CheckConstraint("own_end_offset > start_offset", name="span_not_empty"),
        CheckConstraint("end_offset >= own_end_offset", name="body_covers_own_part"),
        Index("ix_transcript_passages_interview", "interview_id", "start_offset"),
    )

    passage_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("interviews.interview_id", ondelete="CASCADE")
    )
    start_offset: Mapped[int] = mapped_column(Integer)
    own_end_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)


_LAYER_NAMES = ", ".join(f"'{layer}'" for layer in LAYERS)


class CodingRow(Base):
    """A code applied by one coder to a span [start_offset, end_offset) of a transcript.

    It belongs to a layer (`interviews.layers`): the coder's own, or the consensus, where
    `coder` names who applied it (the coder it was copied from, or the adjudicator).
    """

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint("start_offset >= 0", name="start_not_negative"),
        CheckConstraint("end_offset > start_offset", name="span_not_empty"),
        # length() counts characters (code points) on both SQLite and PostgreSQL.
        CheckConstraint("length(quote) = end_offset - start_offset", name="quote_matches_span"),
        CheckConstraint("length(coder) > 0", name="coder_not_empty"),
        CheckConstraint(f"layer IN ({_LAYER_NAMES})", name="layer_known"),
        # A coding's key, the span right after the interview: one interview's codings in
        # text order (the coding view, per-interview listings) are a range of its index (0013).
        UniqueConstraint(
            "interview_id",
            "start_offset",
            "end_offset",
            "code_id",
            "coder",
            "layer",
            name="uq_codings_no_duplicate",
        ),
        # One code's codings in listing order: a page of them is a range read (0007).
        Index(
            "ix_codings_code_text_order",
            "code_id",
            "interview_id",
            "start_offset",
            "end_offset",
            "coding_id",
        ),
        # A coder's codes by time: recent codes in the picker, the list of coders.
        Index("ix_codings_coder_code", "coder", "code_id", "created_at"),
    )

    coding_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("interviews.interview_id", ondelete="CASCADE")
    )
    code_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("codes.code_id", ondelete="RESTRICT")
    )
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    coder: Mapped[str] = mapped_column(String(100))
    layer: Mapped[str] = mapped_column(String(20), default=CODER_LAYER, server_default=CODER_LAYER)
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class CodingPassRow(Base):
    """A coder's completed pass over an interview: they read it all and coded what they found.

    In a completed pass a code the coder did not apply is absent (a 0); an interview without
    a pass by a coder is missing for that coder.
    """

    __tablename__ = "coding_passes"
    __table_args__ = (CheckConstraint("length(coder) > 0", name="coder_not_empty"),)

    interview_id: Mapped[str] = mapped_column(
        String(ID_LENGTH),
        ForeignKey("interviews.interview_id", ondelete="CASCADE"),
        primary_key=True,
    )
    coder: Mapped[str] = mapped_column(String(100), primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(default=utc_now)


class TimelineEventRow(Base):
    """A dated historical event for periodising migration, with its source and whether the
    account is contested."""

    __tablename__ = "timeline_events"
    __table_args__ = (
        CheckConstraint("length(event) > 0", name="event_not_empty"),
        CheckConstraint("length(source) > 0", name="source_not_empty"),
    )

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_date: Mapped[date] = mapped_column(Date, index=True)
    label: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))
    contested: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class FormSubmissionRow(Base):
    """One entry form sent once: its random token and the record it created.

    The row is written in the transaction that creates the record, so a form sent twice
    (a double click, a resent request after a network drop) finds the first record instead
    of making a second one.
    """

    __tablename__ = "form_submissions"
    __table_args__ = (
        CheckConstraint("length(token) > 0", name="token_not_empty"),
        CheckConstraint("length(kind) > 0", name="kind_not_empty"),
    )

    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Filled in the same transaction as the claim; a claim whose record fails is rolled back.
    record_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# The Core tables behind the rows, for statements that write or read in bulk (executemany,
# streamed exports) without the ORM's bookkeeping of each object.
CODINGS = cast(Table, CodingRow.__table__)
INTERVIEWS = cast(Table, InterviewRow.__table__)
PASSAGES = cast(Table, TranscriptPassageRow.__table__)
