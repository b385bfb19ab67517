"""Read models the services return: plain pydantic records, detached from the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from interviews.layers import CODER_LAYER


class Record(BaseModel):
    """Base of read models: frozen, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class StudySummary(Record):
    """What a study holds, for `show` commands and report provenance."""

    name: str
    fictional: bool
    database: str
    respondents: int
    interviews: int
    transcripts: int
    # Every coding, in every layer.
    codings: int
    # Each coder's own layer.
    codings_per_coder: dict[str, int]
    consensus_codings: int
    # Each coder's completed passes (interviews read through and coded).
    passes_per_coder: dict[str, int]
    codebook_name: str
    codebook_version: int
    codes: int


class RespondentRecord(Record):
    """A respondent with typed attributes and the ids of their interviews.

    `missing` names the required respondent attributes without a value, per the study's
    current data dictionary; the record is `complete` when there are none.
    """

    respondent_id: str
    attributes: dict[str, Any]
    interview_ids: list[str]
    missing: list[str] = []
    complete: bool = True


class InterviewRecord(Record):
    """An interview's fields; `transcript` is filled only when asked for.

    `attributes` holds every interview attribute but the two core fields (date and
    consent). `missing` names what keeps the record incomplete: required interview and
    respondent attributes without a value, and consent while it is not yes. Incomplete
    interviews can be read and coded but are held back from analysis and quotation.
    """

    interview_id: str
    respondent_id: str
    interview_date: date | None
    consent: bool | None
    attributes: dict[str, Any]
    respondent_attributes: dict[str, Any]
    has_transcript: bool
    characters: int
    source_name: str | None
    codings: int
    missing: list[str] = []
    complete: bool = True
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
    # Which layer it belongs to (`interviews.layers`): a coder's own or the consensus.
    layer: str = CODER_LAYER


class PassRecord(Record):
    """A coder's completed pass over an interview."""

    interview_id: str
    coder: str
    completed_at: datetime


class CodingPage(Record):
    """One page of codings in listing order, where the next page starts, how many match."""

    codings: list[CodingRecord]
    # Pass back as `cursor` for the next page; None on the last page.
    next_cursor: str | None
    # How many matching codings come before this page; None when paged by cursor.
    offset: int | None
    # Every matching coding, all pages together, and the interviews and respondents they
    # come from; None when not counted.
    total: int | None
    interviews: int | None = None
    respondents: int | None = None

    @property
    def remaining(self) -> int | None:
        """How many matching codings come after this page, when that is known."""
        if self.total is None or self.offset is None:
            return None
        return max(0, self.total - self.offset - len(self.codings))


class ImportReport(Record):
    """What a transcript import stored.

    `transcripts_attached` lists every interview that received a transcript, new or not;
    `attached_to_existing` maps a file to the stored interview whose id is its name;
    `files` maps each file of a bare import to the interview made for it.
    """

    interviews_created: list[str]
    transcripts_attached: list[str]
    respondents_created: list[str]
    attached_to_existing: dict[str, str] = {}
    files: dict[str, str] = {}
    incomplete: list[str] = []


class DescribeReport(Record):
    """What a metadata sheet given after import filled in."""

    interviews_updated: list[str]
    respondents_updated: list[str]
    respondents_created: list[str]
    interviews_moved: dict[str, str]
    respondents_removed: list[str]
    completed: list[str]
    still_incomplete: list[str]


class RemovalRecord(Record):
    """What a removal deleted: respondents, interviews, and codings per coder."""

    respondents: list[str]
    interviews: list[str]
    codings: int
    codings_by_coder: dict[str, int]


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
