"""Storing codings in bulk: checked in passes over whole columns, inserted batch by batch.

`codings.add_codings` is the entry; this module is its mechanism, loaded when codings are
stored in bulk (numpy; a worker thread on PostgreSQL). Every check is the one a single
coding gets (`coding_rules`, `codings.segment_error` names the refused coding and its
interview), so a coding is refused in bulk exactly when it would be refused alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from interviews.graphemes import whole_clusters
from interviews.layers import LAYERS
from interviews.text import normalise
from research.errors import ConflictError, NotFoundError, ResearchError
from research.services.bulk import collector_paused, page_cache_enlarged, read_ahead
from research.services.codebooks import load_codebook
from research.services.coding_inputs import NewCoding, read_transcripts, segment_error
from research.services.coding_rules import (
    applicable,
    checked_coder,
    checked_layer,
    checked_memo,
    duplicate_error,
)
from research.storage.tables import CODINGS, InterviewRow, utc_now

# Rows cut and inserted at a time by `add_codings`: their quotes, and the transcripts they
# come from, are all that bulk storage holds in memory besides the offsets.
BULK_BATCH = 50_000


def store_many(
    session: Session, codings: Iterable[NewCoding], *, coded_at: datetime | None = None
) -> int:
    """`codings.add_codings`: every coding checked, then all stored or none; how many."""
    batch = codings if isinstance(codings, list) else list(codings)
    if not batch:
        return 0
    try:
        with session.begin_nested():
            return _store_many(session, batch, coded_at=coded_at or utc_now())
    except IntegrityError as error:
        raise ConflictError(
            "a coding with the same code, span, coder and layer is already stored; "
            "nothing was added"
        ) from error


def _store_many(session: Session, batch: list[NewCoding], *, coded_at: datetime) -> int:
    # numpy is loaded with pandas by analysis anyway; here only when storing in bulk.
    import numpy as np

    with collector_paused(), page_cache_enlarged(session):
        count = len(batch)
        codebook = load_codebook(session)
        # Each field as a list, read once with C-level map: the passes below work on these.
        fields = {
            name: list(map(attrgetter(name), batch))
            for name in ("interview_id", "code", "coder", "memo", "quote", "layer")
        }

        def numbered(name: str, numbers: dict[str, int]) -> Any:
            """A field as integers: each value's number in `numbers`."""
            values = map(numbers.__getitem__, fields[name])
            return np.fromiter(values, dtype=np.int64, count=count)

        def offsets(name: str) -> Any:
            return np.fromiter(map(attrgetter(name), batch), dtype=np.int64, count=count)

        interview_ids = sorted(set(fields["interview_id"]))
        lengths = _checkread_transcripts(session, interview_ids)
        which = numbered("interview_id", {name: index for index, name in enumerate(interview_ids)})
        # Bulk loads repeat the same few codes, coders and memos: each is checked once.
        code_ids = {
            reference: applicable(codebook, reference).code_id
            for reference in sorted(set(fields["code"]))
        }
        coders = {name: checked_coder(name) for name in sorted(set(fields["coder"]))}
        layers = {name: checked_layer(name) for name in set(fields["layer"])}
        memos = {memo: checked_memo(memo) for memo in set(fields["memo"]) if memo}
        memos[""] = ""
        starts = offsets("start_offset")
        ends = offsets("end_offset")
        wrong = (starts < 0) | (ends <= starts) | (ends > np.asarray(lengths)[which])
        if wrong.any():
            raise segment_error(session, batch[int(np.argmax(wrong))])
        # Two ways of naming one code (path, id) or one coder are one key for duplicates.
        code_numbers = _numbering(code_ids)
        coder_numbers = _numbering(coders)
        # In the order of the stored unique key (interview, span, code, coder, layer).
        keys = np.stack(
            [
                which,
                starts,
                ends,
                numbered("code", code_numbers),
                numbered("coder", coder_numbers),
                numbered("layer", {name: LAYERS.index(name) for name in layers}),
            ]
        )
        order = np.lexsort(keys[::-1])
        ordered = keys[:, order]
        repeated = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).all(axis=0))
        if repeated.size:
            first = batch[int(order[repeated[0]])]
            key = (
                first.interview_id,
                code_ids[first.code],
                first.start_offset,
                first.end_offset,
                coders[first.coder],
                first.layer,
            )
            raise duplicate_error(codebook, key)
        del ordered
        # The stored values of the columns, as object arrays indexed like the batch: taking
        # a batch's rows from them is one numpy call per column, not a loop over codings.
        columns = {
            "interview_id": np.array(interview_ids, dtype=object)[which],
            "code_id": _stored(np, code_numbers, code_ids)[keys[3]],
            "coder": _stored(np, coder_numbers, coders)[keys[4]],
            "memo": np.array([memos[memo] for memo in fields["memo"]], dtype=object),
            "layer": np.array(fields["layer"], dtype=object),
            "quote": np.array(fields["quote"], dtype=object),
        }
        del keys
        fields.clear()
        given = np.flatnonzero(columns["quote"] != None)  # noqa: E711 (elementwise)
        # One batch keeps the given order. More are cut interview by interview in key order,
        # which also lets SQLite append to its indexes instead of seeking all over them.
        sequence = np.arange(count) if count <= BULK_BATCH else order
        checked = np.zeros(count, dtype=bool)
        checked[given] = True
        connection = session.connection()
        # The time coded, alike for every row, is written into the statement, not bound row
        # by row (binding is most of the driver's work).
        statement = _insert_statement(connection, coded_at=coded_at)
        parts = [sequence[begin : begin + BULK_BATCH] for begin in range(0, count, BULK_BATCH)]

        def batches() -> Iterator[tuple[Any, list[str], dict[str, str]]]:
            """Each batch with its interviews' transcripts, read on the session's thread."""
            for part in parts:
                ids = columns["interview_id"][part].tolist()
                yield part, ids, read_transcripts(session, set(ids))

        def rows_of(loaded: tuple[Any, list[str], dict[str, str]], _stop: object) -> _Rows:
            """A batch's rows with their quotes cut, or the position of the first refused."""
            part, ids, texts = loaded
            first_offsets = starts[part].tolist()
            last_offsets = ends[part].tolist()
            quotes = [
                texts[interview_id][start:end]
                for interview_id, start, end in zip(ids, first_offsets, last_offsets, strict=True)
            ]
            # Offsets are within each transcript (checked above); a segment of whitespace
            # alone, or unlike the quote given for it, is refused.
            # A span that splits a user-perceived character (an emoji sequence, a letter
            # and its mark) is refused too.
            for index, (quote, interview_id, start, end) in enumerate(
                zip(quotes, ids, first_offsets, last_offsets, strict=True)
            ):
                if quote.isspace() or not whole_clusters(texts[interview_id], start, end):
                    return _Rows(refused=int(part[index]))
            for index in np.flatnonzero(checked[part]).tolist():
                if normalise(str(batch[int(part[index])].quote)) != quotes[index]:
                    return _Rows(refused=int(part[index]))
            rows = zip(
                ids,
                columns["code_id"][part].tolist(),
                first_offsets,
                last_offsets,
                quotes,
                columns["coder"][part].tolist(),
                columns["memo"][part].tolist(),
                columns["layer"][part].tolist(),
                strict=True,
            )
            return _Rows(rows=list(rows))

        # On PostgreSQL the next batch is cut on a second thread while the server inserts
        # this one. SQLite inserts on this process's cores, holding Python's lock while it
        # binds each row: there a second thread only contends for that lock, so batches
        # are cut in turn.
        cut = (
            (rows_of(loaded, None) for loaded in batches())
            if connection.dialect.name == "sqlite"
            else read_ahead(batches(), rows_of)
        )
        with closing(cut):
            for done in cut:
                if done.refused is not None:
                    raise segment_error(session, batch[done.refused])
                connection.exec_driver_sql(statement, done.rows)
                del done
    return count


@dataclass(frozen=True)
class _Rows:
    """One batch of bulk storage: its rows for the driver, or the coding that was refused."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    refused: int | None = None


def _stored(np: Any, numbers: dict[str, int], stored: dict[str, str]) -> Any:
    """The stored value of each number of `_numbering` (numbers count up from 0)."""
    values = np.empty(len(set(numbers.values())), dtype=object)
    for key, number in numbers.items():
        values[number] = stored[key]
    return values


def _numbering(values: dict[str, str]) -> dict[str, int]:
    """Each key numbered by its value, equal values alike."""
    numbers = {value: number for number, value in enumerate(sorted(set(values.values())))}
    return {key: numbers[value] for key, value in values.items()}


def _insert_statement(connection: Connection, *, coded_at: datetime) -> str:
    """An INSERT of one coding row in the driver's own terms, for its executemany; the time
    coded, alike for every row, is written into it as a literal.

    The driver's executemany takes plain tuples: none of SQLAlchemy's per-row bookkeeping,
    which costs more than SQLite's own insert.
    """
    bound = (
        "interview_id",
        "code_id",
        "start_offset",
        "end_offset",
        "quote",
        "coder",
        "memo",
        "layer",
    )
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    values = [marker] * len(bound) + [_literal(connection, "created_at", coded_at)]
    return (
        f"INSERT INTO {CODINGS.name} ({', '.join(bound)}, created_at) "
        f"VALUES ({', '.join(values)})"
    )


def _literal(connection: Connection, column: str, value: Any) -> str:
    """`value` as an SQL literal of `column`'s type, rendered by that type for this
    database: stored exactly as the bound value would be (on SQLite a timestamp is text in
    SQLAlchemy's own format, and its literal is that text)."""
    dialect = connection.dialect
    render = CODINGS.c[column].type.dialect_impl(dialect).literal_processor(dialect)
    if render is None:
        raise TypeError(f"{column} has no literal form on {dialect.name}")
    return str(render(value))


def _checkread_transcripts(session: Session, interview_ids: Sequence[str]) -> list[int]:
    """The transcripts' lengths in characters, in the order of `interview_ids`; refuses
    interviews that are not stored or have no transcript yet, without reading one."""
    found: dict[str, int | None] = {}
    characters = func.coalesce(
        InterviewRow.transcript_characters, func.length(InterviewRow.transcript)
    )
    for begin in range(0, len(interview_ids), 10_000):
        part = interview_ids[begin : begin + 10_000]
        rows = session.execute(
            select(InterviewRow.interview_id, characters).where(
                InterviewRow.interview_id.in_(part)
            )
        )
        found.update((interview_id, length) for interview_id, length in rows)
    lengths = []
    for interview_id in interview_ids:
        if interview_id not in found:
            raise NotFoundError(f"no interview {interview_id!r}")
        length = found[interview_id]
        if length is None:
            raise ResearchError(f"interview {interview_id!r} has no transcript to code yet")
        lengths.append(length)
    return lengths
