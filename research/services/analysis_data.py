"""A study read into the analysis package's tidy frames (codings, interviews, codes, events)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from analysis.frames import codes_frame, codings_frame, interviews_frame
from analysis.sources import CodingSource, SourceKind
from analysis.sources import select_codings as chosen_codings
from codebook import Codebook
from interviews.dictionary import DataDictionary
from interviews.layers import CODER_LAYER
from research.services import study_info, timeline
from research.services.agreement_data import CompletedPasses, completed_passes
from research.services.codebooks import load_codebook
from research.services.coding_sources import ResolvedSource, read_codings, resolve_source
from research.services.interviews import list_interviews, record_attributes
from research.services.records import StudySummary
from research.study_settings import StudySettings

EVENT_COLUMNS = ("event_id", "year", "event_date", "label", "event", "source", "contested")


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
    # Interviews left out of analysis because their record is incomplete (see ARCHITECTURE.md).
    incomplete: tuple[str, ...] = ()
    # The coders' completed passes, which agreement rests on (none recorded: inferred).
    passes: CompletedPasses = CompletedPasses(passes=None)


def study_frames(
    session: Session, *, database: str, source: CodingSource | str | None = None
) -> StudyFrames:
    """Read a whole study into frames; codings come straight from SQL, not record by record.

    `codings` are those of the coding source (default: `coding_sources.default_source`),
    `coder_codings` every coder's own layer, for agreement between coders.
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
    every = read_codings(session)
    every = every[~every["interview_id"].isin(incomplete)].reset_index(drop=True)
    own = every[every["layer"] == CODER_LAYER].drop(columns="layer")
    raw = chosen_codings(every, resolved.source).drop(columns="layer")
    codings = codings_frame(raw.reset_index(drop=True), interviews)
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
