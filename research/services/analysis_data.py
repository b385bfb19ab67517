"""A study read into the analysis package's tidy frames (codings, interviews, codes, events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from sqlalchemy import null, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

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


# The columns of the codings query, and those whose few distinct values repeat.
CODING_QUERY_COLUMNS = (
    "coding_id",
    "interview_id",
    "respondent_id",
    "code_id",
    "coder",
    "start_offset",
    "end_offset",
    "quote",
)
REPEATED_COLUMNS = ("interview_id", "respondent_id", "code_id", "coder")
CHUNK_ROWS = 100_000


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


def study_frames(session: Session, *, database: str, quotes: bool = True) -> StudyFrames:
    """Read a whole study into frames; codings come straight from SQL, not record by record.

    With `quotes=False` the codings' quote column is left empty (missing): for analyses,
    such as the report's, that never read it, a million quotes are most of the memory.
    """
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
            CodingRow.quote if quotes else null().label("quote"),
        )
        .join(InterviewRow, InterviewRow.interview_id == CodingRow.interview_id)
        .order_by(
            CodingRow.interview_id,
            CodingRow.start_offset,
            CodingRow.end_offset,
            CodingRow.coding_id,
        )
    )
    raw = _columns_of(session, query)
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


def _columns_of(session: Session, query: ClauseElement) -> pd.DataFrame:
    """The codings query's rows as a frame, read a chunk at a time.

    Each chunk's ids become categories as it arrives, so a million codings never hold a
    million copies of each id at once.
    """
    parts: list[dict[str, Any]] = []
    connection = session.connection()
    # The query has no parameters; its rows are read from the driver's own cursor, as
    # plain tuples, which costs a third of building a result row for each.
    sql = str(query.compile(dialect=connection.dialect))
    cursor = connection.connection.cursor()
    cursor.execute(sql)
    while rows := cursor.fetchmany(CHUNK_ROWS):
        columns = dict(zip(CODING_QUERY_COLUMNS, zip(*rows, strict=True), strict=True))
        part: dict[str, Any] = {}
        for name, values in columns.items():
            if name in REPEATED_COLUMNS:
                part[name] = pd.Categorical(values)
            elif name == "quote":
                part[name] = np.array(values, dtype=object)
            else:
                part[name] = np.array(values, dtype=np.int64)
        parts.append(part)
    cursor.close()
    if not parts:
        return pd.DataFrame(columns=list(CODING_QUERY_COLUMNS))
    return pd.DataFrame(
        {
            name: (
                union_categoricals([part[name] for part in parts])
                if name in REPEATED_COLUMNS
                else np.concatenate([part[name] for part in parts])
            )
            for name in CODING_QUERY_COLUMNS
        }
    )
