"""Interview rows: made from validated values, read back as values, and whether complete.

The service modules that create or change interviews (`interviews`, `metadata_sheets`)
share these steps, so that a record is built and judged the same way everywhere.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Mapping, Sequence
from contextlib import closing
from datetime import datetime
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from interviews.dictionary import DataDictionary, Issue
from interviews.importers import Transcript
from interviews.models import CORE_INTERVIEW_FIELDS, Interview, split_interview_values
from research.errors import InvalidRecordError
from research.services import search_index, study_info
from research.services.attributes import from_storage, missing_required, to_storage
from research.services.bulk import read_ahead
from research.services.search import passage_cuts
from research.storage.tables import (
    INTERVIEWS,
    PASSAGES,
    InterviewRow,
    RespondentRow,
    utc_now,
)

# Up to this many interviews are judged by id; more are judged by reading them all.
AMONG_LIMIT = 500


def new_row(interview_id: str, respondent_id: str, cleaned: Mapping[str, Any]) -> InterviewRow:
    """A new interview row from validated values: core fields as columns, the rest as attributes."""
    core, other = split_interview_values(cleaned)
    interview = checked_core(interview_id, respondent_id, core)
    return InterviewRow(
        interview_id=interview.interview_id,
        respondent_id=interview.respondent_id,
        interview_date=interview.interview_date,
        consent=interview.consent,
        attributes=to_storage(other),
    )


def checked_core(interview_id: str, respondent_id: str, core: Mapping[str, Any]) -> Interview:
    """The domain's own checks of the core fields (ids, consent never refused)."""
    try:
        return Interview(
            interview_id=interview_id, respondent_id=respondent_id, attributes={}, **core
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidRecordError(
            f"interview {interview_id!r}",
            [Issue(field=field, message=first["msg"], severity="error")],
        ) from error


def stored_values(dictionary: DataDictionary, row: InterviewRow) -> dict[str, Any]:
    """An interview's values as validation takes them: attributes and the known core fields."""
    core = {
        name: getattr(row, name)
        for name in CORE_INTERVIEW_FIELDS
        if getattr(row, name) is not None
    }
    return {**from_storage(dictionary, row.attributes), **core}


def store_values(row: InterviewRow, cleaned: Mapping[str, Any]) -> None:
    """Replace an interview's values by validated ones (core fields checked by the domain)."""
    core, other = split_interview_values(cleaned)
    interview = checked_core(row.interview_id, row.respondent_id, core)
    row.interview_date = interview.interview_date
    row.consent = interview.consent
    row.attributes = to_storage(other)
    row.updated_at = utc_now()


def attach_transcript(session: Session, row: InterviewRow, transcript: Transcript) -> None:
    """Give a row its canonical transcript, with its hash, source name and encoding, and
    replace its passages in the full-text index."""
    attach_transcripts(session, [(row, transcript)])


def attach_transcripts(session: Session, pairs: Sequence[tuple[InterviewRow, Transcript]]) -> None:
    """Give rows (new or stored) their transcripts and store them, passages included.

    The writer of transcripts for stored rows and rows added one by one (an import's new
    rows are inserted in bulk by `store_in_batches`, with the same columns). Passages are
    written with the driver's executemany, after the rows they refer to, and indexed with
    them (`search_index.store_passages`): as ORM objects each would be inserted on its own,
    to learn its generated id, which costs more than indexing it.
    """
    _attach_prepared(session, [(row, _prepared(transcript)) for row, transcript in pairs])


class _Ready(NamedTuple):
    """A transcript with what storing it needs computed: its hash and its passages."""

    transcript: Transcript
    sha256: str
    cuts: list[tuple[int, int, str]]


def _prepared(transcript: Transcript) -> _Ready:
    text = transcript.text
    return _Ready(
        transcript, hashlib.sha256(text.encode("utf-8")).hexdigest(), passage_cuts(text)
    )


def _attach_prepared(session: Session, pairs: Sequence[tuple[InterviewRow, _Ready]]) -> None:
    stamp = utc_now()
    passages: list[tuple[str, int, int, str]] = []
    for row, ready in pairs:
        _set_transcript_columns(row, ready, stamp)
        passages.extend((row.interview_id, *cut) for cut in ready.cuts)
    session.add_all(row for row, _ in pairs)
    session.flush()
    connection = session.connection()
    ids = [row.interview_id for row, _ in pairs]
    # A replaced transcript's passages go first; a new row has none, found by the index.
    connection.execute(delete(PASSAGES).where(PASSAGES.c.interview_id.in_(ids)))
    search_index.store_passages(connection, passages)


def _set_transcript_columns(row: InterviewRow, ready: _Ready, stamp: datetime) -> None:
    for name, value in _transcript_columns(ready, stamp).items():
        setattr(row, name, value)


def _transcript_columns(ready: _Ready, stamp: datetime) -> dict[str, Any]:
    """The columns a transcript writes, by name: the text, its hash, its length in
    characters, where it came from, and when."""
    text = ready.transcript.text
    return {
        "transcript": text,
        "transcript_sha256": ready.sha256,
        "transcript_characters": len(text),
        "source_name": ready.transcript.source_name,
        "source_encoding": ready.transcript.encoding,
        "updated_at": stamp,
    }


# Files read, stored and let go at a time by an import: the transcripts of one batch (and
# of the next, being read meanwhile) are all that an import of thousands of files holds.
IMPORT_BATCH = 200


def store_in_batches(
    session: Session,
    planned: list[tuple[InterviewRow, str]],
    transcripts: Mapping[str, Transcript],
) -> list[str]:
    """Store each planned (new) interview with its transcript, a batch at a time.

    The next batch's files are read, decoded, made canonical, hashed and cut into passages
    in a worker thread while this one stores the current batch (`bulk.read_ahead`; SQLite
    releases the GIL while it indexes and writes): memory holds two batches of transcripts
    at most however many files there are. The database is written from the caller's thread
    alone, in its transaction. A file that cannot be read raises its own error when its
    batch is reached, after the worker has stopped; the caller's rollback then leaves
    nothing stored. Returns the ids stored.
    """
    batches = [
        planned[begin : begin + IMPORT_BATCH] for begin in range(0, len(planned), IMPORT_BATCH)
    ]

    def read(batch: list[tuple[InterviewRow, str]], stop: threading.Event) -> list[_Ready]:
        ready = []
        for _, file_name in batch:
            if stop.is_set():
                break  # the caller has stopped: what is left would never be stored
            ready.append(_prepared(transcripts[file_name]))
        return ready

    stored: list[str] = []
    # Closed on the way out, an error included, so that the worker is stopped and joined
    # there and then rather than whenever the generator is collected.
    with closing(read_ahead(batches, read)) as prepared:
        for batch, ready in zip(batches, prepared, strict=True):
            _insert_new(session, list(zip((row for row, _ in batch), ready, strict=True)))
            del ready  # let go of this batch's texts before the next one is handed over
            stored.extend(row.interview_id for row, _ in batch)
    return stored


def _insert_new(session: Session, pairs: Sequence[tuple[InterviewRow, _Ready]]) -> None:
    """Insert new interviews with their transcripts, and their passages.

    One executemany through SQLAlchemy Core, which converts each value as the ORM would
    (dates, JSON attributes, timestamps), rather than the ORM's flush, whose bookkeeping
    of each object cost more than the insert itself. The planned rows stay out of the
    session (they hold no text afterwards); the rows are new, so no passages of theirs are
    stored yet to delete first.
    """
    stamp = utc_now()
    connection = session.connection()
    passages: list[tuple[str, int, int, str]] = []
    values: list[dict[str, Any]] = []
    for row, ready in pairs:
        values.append(
            {
                "interview_id": row.interview_id,
                "respondent_id": row.respondent_id,
                "interview_date": row.interview_date,
                "consent": row.consent,
                "attributes": row.attributes if row.attributes is not None else {},
                "created_at": stamp,
                **_transcript_columns(ready, stamp),
            }
        )
        passages.extend((row.interview_id, *cut) for cut in ready.cuts)
    connection.execute(insert(INTERVIEWS), values)
    del values
    search_index.store_passages(connection, passages)


def missing_values(
    dictionary: DataDictionary,
    interview_values: Mapping[str, Any],
    respondent_values: Mapping[str, Any],
) -> list[str]:
    """What keeps an interview incomplete, per the current dictionary: its required interview
    attributes and its respondent's required attributes without a value, and consent unless
    it is yes (consent unknown is not consent given)."""
    missing = missing_required(dictionary, "interview", interview_values)
    if interview_values.get("consent") is not True and "consent" not in missing:
        missing.append("consent")
    return missing + missing_required(dictionary, "respondent", respondent_values)


def incomplete_interview_ids(session: Session, *, among: Collection[str] | None = None) -> set[str]:
    """The ids of every incomplete interview (held back from analysis and quotation), or of
    those `among` the given ids (a page of codings judges only the interviews it shows)."""
    dictionary = study_info.load_dictionary(session)
    interviews = select(
        InterviewRow.interview_id,
        InterviewRow.respondent_id,
        InterviewRow.interview_date,
        InterviewRow.consent,
        InterviewRow.attributes,
    )
    respondents = select(RespondentRow.respondent_id, RespondentRow.attributes)
    # A long list of ids as bound parameters costs more than reading every row.
    if among is not None and len(among) <= AMONG_LIMIT:
        wanted = sorted(among)
        interviews = interviews.where(InterviewRow.interview_id.in_(wanted))
        respondents = respondents.where(
            RespondentRow.respondent_id.in_(
                select(InterviewRow.respondent_id).where(InterviewRow.interview_id.in_(wanted))
            )
        )
    attributes: dict[str, dict[str, Any]] = dict(session.execute(respondents).all())
    # Stored JSON is enough to tell a missing value; no need to type every value.
    found = {
        row.interview_id
        for row in session.execute(interviews)
        if missing_values(
            dictionary,
            {**row.attributes, "interview_date": row.interview_date, "consent": row.consent},
            attributes[row.respondent_id],
        )
    }
    return found if among is None else found & set(among)
