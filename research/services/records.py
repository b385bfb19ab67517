"""Read models the services return: plain pydantic records, detached from the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Base of read models: frozen, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class StudySummary(Record):
    """What a study holds, for `show` commands and report provenance."""

    name: str
    fictional: bool
    database: str
    respondents: int
    interviews: int
    transcripts: int
    codings: int
    codings_per_coder: dict[str, int]
    codebook_name: str
    codebook_version: int
    codes: int


class RespondentRecord(Record):
    """A respondent with typed attributes and the ids of their interviews."""

    respondent_id: str
    attributes: dict[str, Any]
    interview_ids: list[str]


class InterviewRecord(Record):
    """An interview's fields; `transcript` is filled only when asked for."""

    interview_id: str
    respondent_id: str
    interview_date: date
    place: str
    interviewer: str
    language: list[str]
    consent: bool
    attributes: dict[str, Any]
    respondent_attributes: dict[str, Any]
    has_transcript: bool
    characters: int
    source_name: str | None
    codings: int
    transcript: str | None = None


class CodingRecord(Record):
    """One code applied by one coder to [start_offset, end_offset) of a transcript."""

    coding_id: int
    interview_id: str
    respondent_id: str
    code_id: str
    code_path: str
    start_offset: int
    end_offset: int
    quote: str
    coder: str
    memo: str
    created_at: datetime


class ImportReport(Record):
    """What a transcript import stored."""

    interviews_created: list[str]
    transcripts_attached: list[str]
    respondents_created: list[str]


class ChangeRecord(Record):
    """One codebook operation as recorded in the study's history."""

    version: int
    kind: str
    code_id: str
    description: str
    code_id_map: dict[str, str]
    codings_moved: int
    changed_by: str
    changed_at: datetime
