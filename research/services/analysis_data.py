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
from analysis.sources import CodingSource, SourceKind
from analysis.sources import select_codings as chosen_codings
from codebook import Codebook
from interviews.dictionary import DataDictionary
from interviews.layers import CODER_LAYER
from research.services import study_info, timeline
from research.services.agreement_data import CompletedPasses, completed_passes
from research.services.codebooks import load_codebook
from research.services.coding_sources import ResolvedSource, resolve_source
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
    "layer",
    "start_offset",
    "end_offset",
    "quote",
)
REPEATED_COLUMNS = ("interview_id", "respondent_id", "code_id", "coder", "layer")
CHUNK_ROWS = 100_000


@dataclass(frozen=True)
class StudyFrames:
    """Everything a report needs, as DataFrames, plus the codebook and the study's facts.

    `codings` are the codings of the coding source `source`; `coder_codings` are every
    coder's own layer (what agreement between coders compares).
    """

    codings: pd.DataFrame
    coder_codings: pd.DataFrame
    source: ResolvedSource
    interviews: pd.DataFrame
    codes: pd.DataFrame
    events: pd.DataFrame
    codebook: Codebook
    summary: StudySummary
    dictionary: DataDictionary
    settings: StudySettings
    # Interviews left out of analysis because their record is incomplete (see
    # docs/architecture-details.md).
    incomplete: tuple[str, ...] = ()
    # The coders' completed passes, which agreement rests on (none recorded: inferred).
    passes: CompletedPasses = CompletedPasses(passes=None)


def study_frames(
    session: Session,
    *,
    database: str,
    quotes: bool = True,
    source: CodingSource | str | None = None,
) -> StudyFrames:
    """Read a whole study into frames; codings come straight from SQL, not record by record.

    `codings` are those of the coding source (default: `coding_sources.default_source`),
    `coder_codings` every coder's own layer, for agreement between coders.

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
    resolved = resolve_source(session, source)
    raw = read_all_codings(session, quotes=quotes)
    raw = raw[~raw["interview_id"].isin(incomplete)].reset_index(drop=True)
    raw["code_path"] = raw["code_id"].map(dict(zip(codes["code_id"], codes["path"], strict=True)))
    layer = raw["layer"].astype(str)
    own = raw[(layer == CODER_LAYER).to_numpy()].drop(columns="layer")
    chosen = chosen_codings(raw, resolved.source).drop(columns="layer")
    codings = codings_frame(chosen.reset_index(drop=True), interviews)
    # The union is every coder's layer already: one frame serves both.
    coder_codings = (
        codings
        if resolved.source.kind is SourceKind.UNION
        else codings_frame(own.reset_index(drop=True), interviews)
    )
    events = pd.DataFrame(
        [
            {**event.model_dump(include=set(EVENT_COLUMNS)), "year": event.event_date.year}
            for event in timeline.list_events(session)
        ],
        columns=list(EVENT_COLUMNS),
    )
    return StudyFrames(
        codings=codings,
        coder_codings=coder_codings,
        source=resolved,
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


def read_all_codings(session: Session, *, quotes: bool = True) -> pd.DataFrame:
    """Every coding of every layer in listing order (interview, start, end, id), columns
    CODING_QUERY_COLUMNS, read a chunk at a time; without `quotes`, their column is empty."""
    query = (
        select(
            CodingRow.coding_id,
            CodingRow.interview_id,
            InterviewRow.respondent_id,
            CodingRow.code_id,
            CodingRow.coder,
            CodingRow.layer,
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
    return _columns_of(session, query)


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
