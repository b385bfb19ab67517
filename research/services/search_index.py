"""Writing the full-text index: passages stored and indexed in bulk, and the index rebuilt.

On SQLite the index is an FTS5 table (`transcript_index`, migration 0008). Passages are
indexed here, in one executemany a batch, rather than by a trigger per passage: inside a
trigger each insert is a statement that may need rolling back, and FTS5 writes its
pending terms out at every such statement, as a segment of its own to merge later, which
made indexing cost twice as much (revision 0011 drops that trigger; those that delete
keep it in step when passages are deleted). On PostgreSQL the database computes each
passage's stored vector itself. A SQLite built without FTS5 has no index to write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from research.services.search import ARMENIAN_WORD_MARKS

INDEX = "transcript_index"
_COLUMNS = "interview_id, start_offset, own_end_offset, body"
_STRIPPED = str.maketrans("", "", ARMENIAN_WORD_MARKS)
# The same marks left out in SQL, as revision 0008's triggers do.
_STRIPPED_SQL = "body"
for _mark in ARMENIAN_WORD_MARKS:
    _STRIPPED_SQL = f"replace({_STRIPPED_SQL}, '{_mark}', '')"


def has_fts(connection: Connection) -> bool:
    """Whether this is SQLite with its FTS5 index (the table the service writes)."""
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = ?", (INDEX,)
    ).scalar()
    return bool(found)


def indexed_text(body: str) -> str:
    """A passage's body as the index reads it: the Armenian in-word marks left out."""
    if any(mark in body for mark in ARMENIAN_WORD_MARKS):
        return body.translate(_STRIPPED)
    return body


def store_passages(connection: Connection, passages: Sequence[tuple[str, int, int, str]]) -> None:
    """Insert passages (interview, start, own end, body) and index them."""
    if not passages:
        return
    if not has_fts(connection):
        marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(
            f"INSERT INTO transcript_passages ({_COLUMNS}) VALUES ({', '.join([marker] * 4)})",
            passages,
        )
        return
    # The ids are given, so that the index rows can be written with them: one writer holds
    # SQLite's lock, and new ids follow the largest stored.
    (largest,) = connection.exec_driver_sql(
        "SELECT coalesce(max(passage_id), 0) FROM transcript_passages"
    ).one()
    numbered: list[Any] = [
        (passage_id, *passage) for passage_id, passage in enumerate(passages, int(largest) + 1)
    ]
    connection.exec_driver_sql(
        f"INSERT INTO transcript_passages (passage_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
        numbered,
    )
    connection.exec_driver_sql(
        f"INSERT INTO {INDEX} (rowid, body) VALUES (?, ?)",
        [(row[0], indexed_text(row[4])) for row in numbered],
    )


def rebuild(connection: Connection) -> None:
    """SQLite: the index emptied and made again from every stored passage (after rows were
    loaded without it, as a restore does)."""
    if not has_fts(connection):
        return
    connection.exec_driver_sql(f"INSERT INTO {INDEX} ({INDEX}) VALUES ('delete-all')")
    connection.exec_driver_sql(
        f"INSERT INTO {INDEX} (rowid, body) SELECT passage_id, {_STRIPPED_SQL} "
        "FROM transcript_passages"
    )
