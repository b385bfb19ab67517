"""One coding stored in a SQLite study with the standard library alone.

`research code apply` stores one coding and exits; through SQLAlchemy it would spend most of
its time loading SQLAlchemy. For a study in a SQLite file at the newest revision this module
stores the coding with `sqlite3` under the same rules (`coding_rules`: the code, the coder,
the memo, the segment and its quote, a duplicate), in one IMMEDIATE transaction, and returns
the same record; anything else (a PostgreSQL study, an older revision) is left to
`codings.add_coding` and `codings.code_quote`. A test holds the two writers equal, refusals
included.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from codebook import Codebook
from interviews.layers import CODER_LAYER
from interviews.segments import find_quote
from research.services import study_facts
from research.services.coding_rules import (
    CODE_COLUMNS,
    applicable,
    checked_coder,
    checked_memo,
    checked_segment,
    codable_transcript,
    code_from_values,
    duplicate_error,
)
from research.services.records import CodingRecord
from research.storage import health

# As SQLAlchemy stores a DateTime in SQLite: text, microseconds, no zone (UTC by convention).
STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"


def add_coding_to_file(
    database: Path,
    *,
    interview_id: str,
    code: str,
    coder: str,
    start_offset: int | None = None,
    end_offset: int | None = None,
    quote: str | None = None,
    occurrence: int | None = None,
    memo: str = "",
    coded_at: datetime | None = None,
) -> CodingRecord | None:
    """Store a coding given by its span, or by `quote` found in the transcript (then
    `occurrence`, as `codings.code_quote`); None when the study needs the full path."""
    connection = study_facts.connect_at_head(database)
    if connection is None:
        return None
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        # As every connection to a study is set (a process that died in a bulk import may
        # have left it in rollback-journal mode).
        health.use_the_log(connection)
        connection.execute("PRAGMA synchronous = NORMAL")
        # The write lock first, as every writing transaction of a study takes it.
        connection.execute("BEGIN IMMEDIATE")
        if not study_facts.at_head(connection):
            return None  # rolled back below
        record = _store(
            connection,
            interview_id=interview_id,
            code=code,
            coder=coder,
            span=(start_offset, end_offset),
            quote=quote,
            occurrence=occurrence,
            memo=memo,
            moment=coded_at or datetime.now(UTC),
        )
        connection.execute("COMMIT")
        return record
    except sqlite3.Error as error:
        # A fault of the file or the disk is named as the full path names it.
        fault = health.sqlite_fault(error, database)
        if fault is not None:
            raise fault from error
        raise
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def _store(
    connection: sqlite3.Connection,
    *,
    interview_id: str,
    code: str,
    coder: str,
    span: tuple[int | None, int | None],
    quote: str | None,
    occurrence: int | None,
    memo: str,
    moment: datetime,
) -> CodingRecord:
    codebook = _codebook(connection)
    # In the order the service checks them, so that a coding wrong twice is refused alike.
    row = connection.execute(
        "SELECT transcript, respondent_id FROM interviews WHERE interview_id = ?",
        (interview_id,),
    ).fetchone()
    text = codable_transcript(
        interview_id, found=row is not None, transcript=None if row is None else row[0]
    )
    start, end = span
    if quote is not None:
        found = find_quote(text, quote, occurrence=occurrence, source=f"interview {interview_id}")
        start, end = found.start, found.end
    if start is None or end is None:
        raise ValueError("a coding needs its span or its quote")
    chosen = applicable(codebook, code)
    name = checked_coder(coder)
    note = checked_memo(memo) if memo else ""
    segment = checked_segment(text, interview_id, start, end, None)
    key = (interview_id, chosen.code_id, start, end, name)
    # A coder applies codes in their own layer; the consensus holds its own twins.
    (existing,) = connection.execute(
        "SELECT min(coding_id) FROM codings WHERE interview_id = ? AND code_id = ? "
        "AND start_offset = ? AND end_offset = ? AND coder = ? AND layer = ?",
        (*key, CODER_LAYER),
    ).fetchone()
    if existing is not None:
        raise duplicate_error(codebook, key, coding_id=existing)
    stamp = moment.astimezone(UTC).strftime(STORED_TIME)
    cursor = connection.execute(
        "INSERT INTO codings (interview_id, code_id, start_offset, end_offset, quote, coder, "
        "memo, created_at, layer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (interview_id, chosen.code_id, start, end, segment, name, note, stamp, CODER_LAYER),
    )
    return CodingRecord(
        coding_id=int(cursor.lastrowid or 0),
        interview_id=interview_id,
        respondent_id=row[1],
        code_id=chosen.code_id,
        code_path=codebook.path_of(chosen.code_id),
        start_offset=start,
        end_offset=end,
        quote=segment,
        coder=name,
        memo=note,
        created_at=datetime.strptime(stamp, STORED_TIME).replace(tzinfo=UTC),
        layer=CODER_LAYER,
    )


def _codebook(connection: sqlite3.Connection) -> Codebook:
    facts = dict(
        connection.execute(
            "SELECT key, value FROM study_info WHERE key IN (?, ?)",
            (study_facts.CODEBOOK_NAME, study_facts.CODEBOOK_VERSION),
        ).fetchall()
    )
    rows = connection.execute(
        f"SELECT {', '.join(CODE_COLUMNS)} FROM codes ORDER BY position"
    ).fetchall()
    codes = []
    for values in rows:
        fields = dict(zip(CODE_COLUMNS, values, strict=True))
        fields["examples"] = json.loads(fields["examples"] or "[]")
        fields["group_only"] = bool(fields["group_only"])
        fields["retired"] = bool(fields["retired"])
        codes.append(code_from_values(fields))
    return Codebook(
        name=facts[study_facts.CODEBOOK_NAME],
        version=int(facts[study_facts.CODEBOOK_VERSION]),
        codes=codes,
    )
