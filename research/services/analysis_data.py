"""A study read into the analysis package's tidy frames (codings, interviews, codes, events)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.frames import codes_frame, codings_frame, interviews_frame
from codebook import Codebook
from interviews.dictionary import DataDictionary
from research.services import study_info, timeline
from research.services.agreement_data import CompletedPasses, completed_passes
from research.services.codebooks import load_codebook
from research.services.interviews import list_interviews, record_attributes
from research.services.records import StudySummary
from research.storage.tables import CodingRow, InterviewRow
from research.study_settings import StudySettings

EVENT_COLUMNS = ("event_id", "year", "event_date", "label", "event", "source", "contested")


@dataclass(frozen=True)
class StudyFrames:
    """Everything a report needs, as DataFrames, plus the codebook and the study's facts."""

    codings: pd.DataFrame
    interviews: pd.DataFrame
    codes: pd.DataFrame
    events: pd.DataFrame
    codebook: Codebook
    summary: StudySummary
    dictionary: DataDictionary
    settings: StudySettings
    # Interviews left out of analysis because their record is incomplete (see ARCHITECTURE.md).
    incomplete: tuple[str, ...] = ()
    # The coders' completed passes, which agreement rests on (none recorded: inferred).
    passes: CompletedPasses = CompletedPasses(passes=None)


def study_frames(session: Session, *, database: str) -> StudyFrames:
    """Read a whole study into frames; codings come straight from SQL, not record by record."""
    codebook = load_codebook(session)
    codes = codes_frame(codebook)
    records = list_interviews(session)
    # Incomplete records (consent unknown is not consent given) stay out of analysis,
    # their codings with them; the report says how many were held back.
    incomplete = tuple(record.interview_id for record in records if not record.complete)
    interviews = interviews_frame(
        {
            "interview_id": record.interview_id,
            "respondent_id": record.respondent_id,
            "interview_date": record.interview_date,
            "characters": record.characters,
            "attributes": {
                name: value
                for name, value in record_attributes(record).items()
                if name != "interview_date"
            },
        }
        for record in records
        if record.complete
    )
    query = (
        select(
            CodingRow.coding_id,
            CodingRow.interview_id,
            InterviewRow.respondent_id,
            CodingRow.code_id,
            CodingRow.coder,
            CodingRow.start_offset,
            CodingRow.end_offset,
            CodingRow.quote,
        )
        .join(InterviewRow, InterviewRow.interview_id == CodingRow.interview_id)
        .order_by(
            CodingRow.interview_id,
            CodingRow.start_offset,
            CodingRow.end_offset,
            CodingRow.coding_id,
        )
    )
    raw = pd.DataFrame(
        session.execute(query).all(),
        columns=[
            "coding_id",
            "interview_id",
            "respondent_id",
            "code_id",
            "coder",
            "start_offset",
            "end_offset",
            "quote",
        ],
    )
    raw = raw[~raw["interview_id"].isin(incomplete)].reset_index(drop=True)
    raw["code_path"] = raw["code_id"].map(dict(zip(codes["code_id"], codes["path"], strict=True)))
    codings = codings_frame(raw, interviews)
    events = pd.DataFrame(
        [
            {**event.model_dump(include=set(EVENT_COLUMNS)), "year": event.event_date.year}
            for event in timeline.list_events(session)
        ],
        columns=list(EVENT_COLUMNS),
    )
    return StudyFrames(
        codings=codings,
        interviews=interviews,
        codes=codes,
        events=events,
        codebook=codebook,
        summary=study_info.summarise(session, database=database),
        dictionary=study_info.load_dictionary(session),
        settings=study_info.load_settings(session),
        incomplete=incomplete,
        passes=completed_passes(session),
    )
