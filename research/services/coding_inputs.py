"""A coding to store, and the transcripts it is checked against.

What both ways of storing codings share: one at a time (`codings`) and in bulk
(`bulk_codings`). The refusal of a coding names its interview and says what is wrong with
its span, whichever way it came.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.errors import SegmentError
from interviews.layers import CODER_LAYER
from interviews.segments import check_segment
from research.services.coding_rules import codable_transcript
from research.storage.tables import InterviewRow


@dataclass(frozen=True)
class NewCoding:
    """A coding to store: which code, which span, which coder, in which layer (a coder's own
    unless said); `quote` is checked if given."""

    interview_id: str
    code: str
    start_offset: int
    end_offset: int
    coder: str
    quote: str | None = None
    memo: str = ""
    layer: str = CODER_LAYER


def segment_error(session: Session, coding: NewCoding) -> Exception:
    """The refusal `check_segment` gives for a coding, naming its interview."""
    text = read_transcript(session, coding.interview_id)
    try:
        check_segment(text, coding.start_offset, coding.end_offset, coding.quote)
    except SegmentError as error:
        # The kind survives (a quote mismatch stays one) with the interview named.
        return type(error)(
            f"interview {coding.interview_id}: {error}",
            start=coding.start_offset,
            end=coding.end_offset,
        )
    raise AssertionError(f"coding {coding} was refused in bulk but passes on its own")


def read_transcript(session: Session, interview_id: str) -> str:
    """One interview's canonical transcript, refused as `read_transcripts` refuses."""
    return read_transcripts(session, {interview_id})[interview_id]


def read_transcripts(session: Session, interview_ids: set[str]) -> dict[str, str]:
    """The canonical transcripts of interviews by id; refuses an interview not stored or
    without a transcript yet (`coding_rules.codable_transcript`)."""
    found = dict(
        session.execute(
            select(InterviewRow.interview_id, InterviewRow.transcript).where(
                InterviewRow.interview_id.in_(sorted(interview_ids))
            )
        ).all()
    )
    return {
        interview_id: codable_transcript(
            interview_id, found=interview_id in found, transcript=found.get(interview_id)
        )
        for interview_id in sorted(interview_ids)
    }
