"""Codings: a code applied by a coder to an exact span of a transcript, checked by its quote."""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    RowMapping,
    Select,
    func,
    insert,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from codebook import Code, Codebook, CodebookError, operations
from interviews.errors import OffsetError, SegmentError
from interviews.layers import CODER_LAYER
from interviews.segments import check_segment, find_quote
from interviews.text import Utf16Index
from research.errors import ConflictError, NotFoundError, ResearchError
from research.services import bulk_codings, codebooks, study_info
from research.services.bulk import in_bulk
from research.services.codebooks import load_codebook
from research.services.coding_inputs import NewCoding, read_transcript, read_transcripts
from research.services.coding_rules import (
    applicable,
    checked_coder,
    checked_layer,
    checked_memo,
    checked_segment,
    duplicate_error,
)
from research.services.filters import matches_all, parse_conditions
from research.services.interview_rows import AMONG_LIMIT
from research.services.interviews import (
    incomplete_interview_ids,
    list_interviews,
    record_attributes,
)
from research.services.records import CodingPage, CodingRecord
from research.storage.tables import CODINGS, CodingRow, InterviewRow, utc_now


def add_coding(
    session: Session,
    *,
    interview_id: str,
    code: str,
    start_offset: int,
    end_offset: int,
    coder: str,
    quote: str | None = None,
    memo: str = "",
    coded_at: datetime | None = None,
    layer: str = CODER_LAYER,
) -> CodingRecord:
    """Apply `code` (a path or id) to [start_offset, end_offset) of an interview's transcript,
    in `coder`'s own layer or, with `layer="consensus"`, in the consensus layer."""
    new = NewCoding(interview_id, code, start_offset, end_offset, coder, quote, memo, layer)
    [coding_id] = _store(session, [new], coded_at=coded_at, return_ids=True)
    return get_coding(session, coding_id)


def code_quote(
    session: Session,
    *,
    interview_id: str,
    code: str,
    quote: str,
    coder: str,
    occurrence: int | None = None,
    memo: str = "",
    coded_at: datetime | None = None,
    layer: str = CODER_LAYER,
) -> CodingRecord:
    """Apply `code` where `quote` appears in the transcript, matched loosely.

    Typographic apostrophes, quotation marks, dashes and runs of whitespace match their
    plain forms (`interviews.quotes`); the coding stores the transcript's own text. A quote
    found more than once needs `occurrence` (1-based); one not found names the nearest passage.
    """
    text = read_transcript(session, interview_id)
    span = find_quote(text, quote, occurrence=occurrence, source=f"interview {interview_id}")
    return add_coding(
        session,
        interview_id=interview_id,
        code=code,
        start_offset=span.start,
        end_offset=span.end,
        coder=coder,
        memo=memo,
        coded_at=coded_at,
        layer=layer,
    )


@in_bulk
def add_codings(
    session: Session, codings: Iterable[NewCoding], *, coded_at: datetime | None = None
) -> int:
    """Store many codings after checking every one, all or nothing; returns how many.

    The checks run as passes over whole columns: each distinct code, coder and memo once,
    the offsets as arrays against the transcripts' lengths, duplicates by sorting. Quotes
    are then cut from the transcripts (and compared with any quote given) and inserted a
    batch at a time (one batch in the order given); more than one batch are taken interview
    by interview in key order, so that only a batch's transcripts are held at once (two on
    PostgreSQL, where the next one's quotes are cut on a second thread while the server
    inserts this one). Any refusal stores nothing.
    """
    return bulk_codings.store_many(session, codings, coded_at=coded_at)


def _store(
    session: Session,
    codings: Sequence[NewCoding],
    *,
    coded_at: datetime | None,
    return_ids: bool,
) -> list[int]:
    if not codings:
        return []
    codebook = load_codebook(session)
    texts = read_transcripts(session, {coding.interview_id for coding in codings})
    stamp = coded_at or utc_now()
    rows = []
    seen: set[tuple[str, str, int, int, str, str]] = set()
    # Bulk loads repeat the same few codes and coders: check each once.
    codes: dict[str, Code] = {}
    coders: dict[str, str] = {}
    for coding in codings:
        code = codes.get(coding.code)
        if code is None:
            code = codes[coding.code] = applicable(codebook, coding.code)
        coder = coders.get(coding.coder)
        if coder is None:
            coder = coders[coding.coder] = checked_coder(coding.coder)
        memo = checked_memo(coding.memo) if coding.memo else ""
        layer = checked_layer(coding.layer)
        quote = checked_segment(
            texts[coding.interview_id],
            coding.interview_id,
            coding.start_offset,
            coding.end_offset,
            coding.quote,
        )
        key = (
            coding.interview_id,
            code.code_id,
            coding.start_offset,
            coding.end_offset,
            coder,
            layer,
        )
        if key in seen:
            raise duplicate_error(codebook, key)
        seen.add(key)
        rows.append(
            {
                "interview_id": coding.interview_id,
                "code_id": code.code_id,
                "start_offset": coding.start_offset,
                "end_offset": coding.end_offset,
                "quote": quote,
                "coder": coder,
                "memo": memo,
                "created_at": stamp,
                "layer": layer,
            }
        )
    if len(rows) == 1:
        _refuse_stored_duplicate(session, codebook, rows[0])
    try:
        with session.begin_nested():
            # Core statements: the ORM's per-row bookkeeping costs more than SQLite's insert.
            table = CODINGS
            connection = session.connection()
            if return_ids:
                result = connection.execute(insert(table).returning(table.c.coding_id), rows)
                return list(result.scalars())
            connection.execute(insert(table), rows)
            return [0] * len(rows)
    except IntegrityError as error:
        raise ConflictError(
            "a coding with the same code, span, coder and layer is already stored; "
            "nothing was added"
        ) from error


def _refuse_stored_duplicate(session: Session, codebook: Codebook, row: dict[str, object]) -> None:
    existing = session.scalar(
        select(CodingRow.coding_id).where(
            CodingRow.interview_id == row["interview_id"],
            CodingRow.code_id == row["code_id"],
            CodingRow.start_offset == row["start_offset"],
            CodingRow.end_offset == row["end_offset"],
            CodingRow.coder == row["coder"],
            CodingRow.layer == row["layer"],
        )
    )
    if existing is not None:
        raise duplicate_error(
            codebook,
            (
                str(row["interview_id"]),
                str(row["code_id"]),
                int(str(row["start_offset"])),
                int(str(row["end_offset"])),
                str(row["coder"]),
                str(row["layer"]),
            ),
            coding_id=existing,
        )


def get_coding(session: Session, coding_id: int) -> CodingRecord:
    """One coding by its id."""
    row = session.get(CodingRow, coding_id)
    if row is None:
        raise NotFoundError(f"no coding {coding_id}")
    codebook = load_codebook(session)
    respondent_id = session.scalar(
        select(InterviewRow.respondent_id).where(InterviewRow.interview_id == row.interview_id)
    )
    return _record(row, codebook, str(respondent_id))


def remove_coding(session: Session, coding_id: int) -> None:
    """Delete one coding."""
    row = session.get(CodingRow, coding_id)
    if row is None:
        raise NotFoundError(f"no coding {coding_id}")
    session.delete(row)
    session.flush()


DEFAULT_PAGE_SIZE = 50
# Rows read per query while streaming or filling a page past held-back interviews.
BATCH_SIZE = 2000
# A code with more codes below it than this is read with one IN query and a sort, not one
# index range per code (SQLite allows at most 500 terms in a compound SELECT).
MAX_MERGED_CODES = 200
LISTING_ORDER = ("interview_id", "start_offset", "end_offset", "coding_id")

ListingKey = tuple[str, int, int, int]


@dataclass
class _Selection:
    """Which codings a listing shows: the SQL filters, and the interviews judged in Python."""

    code_ids: list[str] | None
    coder: str | None
    interview_id: str | None
    layer: str | None
    allowed: set[str] | None
    include_incomplete: bool
    paths: dict[str, str]
    # interview_id -> its respondent_id if its codings are shown, None if held back.
    shown: dict[str, str | None] = field(default_factory=dict)

    def judge(self, session: Session, interview_ids: Collection[str]) -> None:
        """Decide, once per interview, whether its codings are shown."""
        unknown = set(interview_ids) - self.shown.keys()
        if not unknown:
            return
        held = (
            set()
            if self.include_incomplete
            else incomplete_interview_ids(session, among=unknown)
        )
        query = select(InterviewRow.interview_id, InterviewRow.respondent_id)
        if len(unknown) <= AMONG_LIMIT:
            query = query.where(InterviewRow.interview_id.in_(sorted(unknown)))
        for interview_id, respondent_id in session.execute(query):
            if interview_id in unknown:
                kept = interview_id not in held and (
                    self.allowed is None or interview_id in self.allowed
                )
                self.shown[interview_id] = str(respondent_id) if kept else None

    def keep(self, session: Session, rows: Sequence[RowMapping]) -> list[CodingRecord]:
        """The rows of shown interviews, as records."""
        self.judge(session, {row["interview_id"] for row in rows})
        # Rows come typed from the database; building records without re-validating them
        # keeps listing a million codings affordable.
        return [
            CodingRecord.model_construct(
                respondent_id=respondent_id, code_path=self.paths[row["code_id"]], **row
            )
            for row in rows
            if (respondent_id := self.shown[row["interview_id"]]) is not None
        ]

    def query(self, *, after: ListingKey | None = None, limit: int | None = None) -> Select[Any]:
        """Matching codings in listing order, after a key, at most `limit` of them.

        One code's page is a range read of the index on (code, listing order); a code with
        children reads each code's range and merges them, so the page costs the same at any
        size instead of sorting every coding of the subtree.
        """
        merge = self.code_ids is not None and 1 < len(self.code_ids) <= MAX_MERGED_CODES
        if limit is not None and self.code_ids is not None and merge:
            parts = [
                select(self._where([code_id], after, limit=limit).subquery())
                for code_id in self.code_ids
            ]
            merged = union_all(*parts).subquery()
            order = [merged.c[name] for name in LISTING_ORDER]
            return select(merged).order_by(*order).limit(limit)
        return self._where(self.code_ids, after, limit=limit)

    def _where(
        self, code_ids: list[str] | None, after: ListingKey | None, limit: int | None = None
    ) -> Select[Any]:
        table = CODINGS.c
        order = [table[name] for name in LISTING_ORDER]
        query = select(*CODINGS.c)
        if code_ids is not None:
            query = query.where(
                table.code_id == code_ids[0] if len(code_ids) == 1 else table.code_id.in_(code_ids)
            )
        query = self._others(query, table)
        if after is not None:
            query = query.where(tuple_(*order) > tuple_(*after))
        query = query.order_by(*order)
        return query if limit is None else query.limit(limit)

    def _others(self, query: Select[Any], table: Any) -> Select[Any]:
        if self.coder is not None:
            query = query.where(table.coder == self.coder)
        if self.layer is not None:
            query = query.where(table.layer == self.layer)
        if self.interview_id is not None:
            query = query.where(table.interview_id == self.interview_id)
        return query

    def per_interview(self, session: Session) -> dict[str, int]:
        """How many matching codings each shown interview holds."""
        table = CODINGS.c
        query = select(table.interview_id, func.count()).group_by(table.interview_id)
        if self.code_ids is not None:
            query = query.where(table.code_id.in_(self.code_ids))
        counts: dict[str, int] = {
            str(interview_id): int(count)
            for interview_id, count in session.execute(self._others(query, table))
        }
        self.judge(session, counts)
        return {
            interview_id: count
            for interview_id, count in counts.items()
            if self.shown[interview_id] is not None
        }


def _selection(
    session: Session,
    *,
    code: str | None,
    coder: str | None,
    interview_id: str | None,
    where: Sequence[str],
    include_children: bool,
    include_incomplete: bool,
    layer: str | None = None,
) -> _Selection:
    codebook = load_codebook(session)
    code_ids = None
    if code is not None:
        chosen = codebook.resolve(code)
        code_ids = [chosen.code_id]
        if include_children:
            code_ids += [child.code_id for child in codebook.descendants(chosen.code_id)]
    if interview_id is not None and session.get(InterviewRow, interview_id) is None:
        raise NotFoundError(f"no interview {interview_id!r}")
    return _Selection(
        code_ids=code_ids,
        coder=coder,
        interview_id=interview_id,
        layer=None if layer is None else checked_layer(layer),
        allowed=_allowed_interviews(session, where),
        include_incomplete=include_incomplete,
        paths={item.code_id: codebook.path_of(item.code_id) for item in codebook.codes},
    )


def iter_codings(
    session: Session,
    *,
    code: str | None = None,
    coder: str | None = None,
    interview_id: str | None = None,
    where: Sequence[str] = (),
    include_children: bool = True,
    include_incomplete: bool = False,
    layer: str | None = None,
) -> Iterator[CodingRecord]:
    """Codings in listing order, read from the database in batches as they are used.

    The filters are those of `list_codings`; a whole export streams through this without
    holding every coding in memory.
    """
    selection = _selection(
        session,
        code=code,
        coder=coder,
        interview_id=interview_id,
        where=where,
        include_children=include_children,
        include_incomplete=include_incomplete,
        layer=layer,
    )
    result = session.execute(selection.query().execution_options(yield_per=BATCH_SIZE))
    for rows in result.mappings().partitions():
        yield from selection.keep(session, rows)


def list_codings(
    session: Session,
    *,
    code: str | None = None,
    coder: str | None = None,
    interview_id: str | None = None,
    where: Sequence[str] = (),
    include_children: bool = True,
    include_incomplete: bool = False,
    layer: str | None = None,
) -> list[CodingRecord]:
    """Every coding in listing order (interview, start, end, coding id), filtered by code
    (with children), coder, interview and attributes; `page_codings` gives them a page at a time.

    Codings of incomplete interviews carry quotes nobody may use yet (consent unknown is
    not consent given): they are left out unless `include_incomplete`; `codings_held_back`
    counts them.
    """
    return list(
        iter_codings(
            session,
            code=code,
            coder=coder,
            interview_id=interview_id,
            where=where,
            include_children=include_children,
            include_incomplete=include_incomplete,
            layer=layer,
        )
    )


def page_codings(
    session: Session,
    *,
    code: str | None = None,
    coder: str | None = None,
    interview_id: str | None = None,
    where: Sequence[str] = (),
    include_children: bool = True,
    include_incomplete: bool = False,
    layer: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
    offset: int = 0,
    count: bool = True,
) -> CodingPage:
    """One page of `list_codings`: up to `limit` codings after `cursor` (a page's
    `next_cursor`) or after the first `offset` codings.

    Pages follow the listing order by key, not by position: a coding added or removed
    while someone reads never repeats or skips a row of the pages after it. `count` adds
    the number of matching codings (one grouped count; leave it out for the fastest page).
    """
    if limit < 1:
        raise ResearchError(f"a page holds at least one coding, not {limit}")
    if offset < 0:
        raise ResearchError(f"an offset counts codings from 0, not {offset}")
    if cursor is not None and offset:
        raise ResearchError("page by a cursor or by an offset, not both")
    selection = _selection(
        session,
        code=code,
        coder=coder,
        interview_id=interview_id,
        where=where,
        include_children=include_children,
        include_incomplete=include_incomplete,
        layer=layer,
    )
    after = None if cursor is None else decode_cursor(cursor)
    wanted = offset + limit + 1
    found: list[CodingRecord] = []
    batch = min(wanted, BATCH_SIZE)
    while len(found) < wanted:
        rows = list(session.execute(selection.query(after=after, limit=batch)).mappings())
        found += selection.keep(session, rows)
        if len(rows) < batch:
            break
        last = rows[-1]
        after = (last["interview_id"], last["start_offset"], last["end_offset"], last["coding_id"])
        # Held-back interviews thinned this batch: read more at a time, never too many.
        batch = min(max(batch, wanted - len(found)) * 2, BATCH_SIZE)
    page = found[offset : offset + limit]
    more = len(found) > offset + limit
    counted = selection.per_interview(session) if count else None
    return CodingPage(
        codings=page,
        next_cursor=encode_cursor(page[-1]) if more and page else None,
        offset=None if cursor is not None else offset,
        total=None if counted is None else sum(counted.values()),
        interviews=None if counted is None else len(counted),
        respondents=None
        if counted is None
        else len({selection.shown[interview_id] for interview_id in counted}),
    )


def encode_cursor(coding: CodingRecord) -> str:
    """An opaque token for the place after `coding` in the listing order."""
    key = [coding.interview_id, coding.start_offset, coding.end_offset, coding.coding_id]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> ListingKey:
    """The listing key a cursor stands for; a clear error for one no listing gave."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        interview_id, start, end, coding_id = json.loads(raw)
    except (ValueError, TypeError) as error:
        raise ResearchError(f"cursor {cursor[:40]!r} is not one a listing gave") from error
    if not (
        isinstance(interview_id, str)
        and all(type(number) is int for number in (start, end, coding_id))
    ):
        raise ResearchError(f"cursor {cursor[:40]!r} is not one a listing gave")
    return interview_id, start, end, coding_id


def codings_held_back(
    session: Session,
    *,
    code: str | None = None,
    coder: str | None = None,
    interview_id: str | None = None,
    where: Sequence[str] = (),
    include_children: bool = True,
    layer: str | None = None,
) -> int:
    """How many codings matching these filters `list_codings` leaves out by default: those of
    incomplete interviews."""
    selection = _selection(
        session,
        code=code,
        coder=coder,
        interview_id=interview_id,
        where=where,
        include_children=include_children,
        include_incomplete=True,
        layer=layer,
    )
    counts = selection.per_interview(session)
    held = incomplete_interview_ids(session, among=counts.keys())
    return sum(count for interview_id, count in counts.items() if interview_id in held)


def _allowed_interviews(session: Session, where: Sequence[str]) -> set[str] | None:
    """The interviews matching `where` conditions; None without conditions (all)."""
    if not where:
        return None
    conditions = parse_conditions(study_info.load_dictionary(session), where)
    return {
        record.interview_id
        for record in list_interviews(session)
        if matches_all(conditions, record_attributes(record))
    }


def _record(row: CodingRow, codebook: Codebook, respondent_id: str) -> CodingRecord:
    return CodingRecord(
        coding_id=row.coding_id,
        interview_id=row.interview_id,
        respondent_id=respondent_id,
        code_id=row.code_id,
        code_path=codebook.path_of(row.code_id),
        start_offset=row.start_offset,
        end_offset=row.end_offset,
        quote=row.quote,
        coder=row.coder,
        memo=row.memo,
        created_at=row.created_at,
        layer=row.layer,
    )


def code_point_span(
    session: Session, interview_id: str, start_utf16: int, end_utf16: int
) -> tuple[int, int]:
    """Translate a browser's UTF-16 span of a transcript into code points (the stored unit)."""
    index = Utf16Index(read_transcript(session, interview_id))
    try:
        return index.to_code_point(start_utf16), index.to_code_point(end_utf16)
    except OffsetError as error:
        raise OffsetError(f"interview {interview_id}: {error}", offset=error.offset) from error


def update_coding(
    session: Session,
    coding_id: int,
    *,
    code: str | None = None,
    start_offset: int | None = None,
    end_offset: int | None = None,
    quote: str | None = None,
    memo: str | None = None,
) -> CodingRecord:
    """Recode, resize (new offsets, checked against `quote`) or re-memo one coding."""
    row = session.get(CodingRow, coding_id)
    if row is None:
        raise NotFoundError(f"no coding {coding_id}")
    codebook = load_codebook(session)
    if code is not None:
        row.code_id = applicable(codebook, code).code_id
    if (start_offset is None) != (end_offset is None):
        raise SegmentError("a new span needs both its start and its end")
    if start_offset is not None and end_offset is not None:
        text = read_transcript(session, row.interview_id)
        try:
            row.quote = check_segment(text, start_offset, end_offset, quote)
        except SegmentError as error:
            raise type(error)(
                f"interview {row.interview_id}: {error}", start=start_offset, end=end_offset
            ) from error
        row.start_offset, row.end_offset = start_offset, end_offset
    if memo is not None:
        row.memo = checked_memo(memo) if memo else ""
    key = (row.interview_id, row.code_id, row.start_offset, row.end_offset, row.coder, row.layer)
    with session.no_autoflush:
        twin = session.scalar(
            select(CodingRow.coding_id).where(
                CodingRow.interview_id == key[0],
                CodingRow.code_id == key[1],
                CodingRow.start_offset == key[2],
                CodingRow.end_offset == key[3],
                CodingRow.coder == key[4],
                CodingRow.layer == key[5],
                CodingRow.coding_id != coding_id,
            )
        )
    if twin is not None:
        raise duplicate_error(codebook, key, coding_id=twin)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise ConflictError(
            f"coding {coding_id} cannot be changed so: it would repeat a stored coding"
        ) from error
    return get_coding(session, coding_id)


def recent_codes(session: Session, coder: str, *, limit: int = 8) -> list[str]:
    """The ids of the codes `coder` applied most recently, newest first."""
    last_used = func.max(CodingRow.created_at)
    rows = session.execute(
        select(CodingRow.code_id, last_used)
        .where(CodingRow.coder == coder)
        .group_by(CodingRow.code_id)
        .order_by(last_used.desc(), CodingRow.code_id)
        .limit(limit)
    )
    return [code_id for code_id, _ in rows]


def coders(session: Session, *, layer: str | None = None) -> list[str]:
    """Every coder who has stored a coding (in `layer`, if given), by name."""
    query = select(CodingRow.coder).distinct().order_by(CodingRow.coder)
    if layer is not None:
        query = query.where(CodingRow.layer == checked_layer(layer))
    return list(session.scalars(query))


IN_VIVO_PARENT = "in_vivo"
IN_VIVO_NAME_LENGTH = 60


def add_in_vivo_coding(
    session: Session,
    *,
    interview_id: str,
    start_offset: int,
    end_offset: int,
    coder: str,
    quote: str | None = None,
    name: str | None = None,
) -> CodingRecord:
    """Create a code named by the respondent's own words (under 'in_vivo') and apply it."""
    text = read_transcript(session, interview_id)
    try:
        segment = check_segment(text, start_offset, end_offset, quote)
    except SegmentError as error:
        raise type(error)(
            f"interview {interview_id}: {error}", start=start_offset, end=end_offset
        ) from error
    wanted = in_vivo_name(name if name is not None and name.strip() else segment)
    codebook = load_codebook(session)
    parent = _in_vivo_parent(session, codebook, changed_by=coder)
    codebook = load_codebook(session)
    existing = next((code for code in codebook.children(parent) if code.name == wanted), None)
    if existing is not None:
        # The same words again: the same in-vivo code, not a near-duplicate.
        code_id = existing.code_id
    else:
        change, _ = codebooks.run_operation(
            session,
            operations.add_code,
            name=wanted,
            parent=parent,
            code_id=_in_vivo_id(codebook, wanted),
            definition=f"In-vivo code: the respondent's own words in interview {interview_id}.",
            changed_by=coder,
        )
        code_id = change.code_id
    return add_coding(
        session,
        interview_id=interview_id,
        code=code_id,
        start_offset=start_offset,
        end_offset=end_offset,
        coder=coder,
        quote=segment,
    )


def in_vivo_name(segment: str) -> str:
    """A code name from quoted words: one line, no '/', at most IN_VIVO_NAME_LENGTH characters."""
    words = " ".join(segment.replace("/", " ").split())
    if len(words) > IN_VIVO_NAME_LENGTH:
        words = words[: IN_VIVO_NAME_LENGTH - 1].rstrip() + "…"
    return words


def _in_vivo_id(codebook: Codebook, name: str) -> str:
    """An unused id for an in-vivo code: its ASCII letters when it has some, else a number."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = "_".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))[:40]
    used = {code.code_id for code in codebook.codes}
    number = 1
    candidate = f"{IN_VIVO_PARENT}_{stem}" if stem else f"{IN_VIVO_PARENT}_{number}"
    while candidate in used:
        number += 1
        candidate = f"{IN_VIVO_PARENT}_{stem}_{number}" if stem else f"{IN_VIVO_PARENT}_{number}"
    return candidate


def _in_vivo_parent(session: Session, codebook: Codebook, *, changed_by: str) -> str:
    try:
        return codebook.resolve(IN_VIVO_PARENT).code_id
    except CodebookError:
        change, _ = codebooks.run_operation(
            session,
            operations.add_code,
            name=IN_VIVO_PARENT,
            code_id=IN_VIVO_PARENT,
            title="In-vivo codes",
            definition="Codes named with the respondents' own words, created while coding.",
            group_only=True,
            changed_by=changed_by,
        )
        return change.code_id


def transcript_text(session: Session, interview_id: str) -> str:
    """The canonical transcript of an interview; an error if it has none yet."""
    return read_transcript(session, interview_id)


def transcript_texts(session: Session, interview_ids: Iterable[str]) -> dict[str, str]:
    """The transcripts of several interviews, read in one query."""
    return read_transcripts(session, set(interview_ids))
