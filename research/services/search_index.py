"""Writing the full-text index: passages stored and indexed in bulk, and the index rebuilt.

A passage is stored as offsets into its transcript (revision 0014); its body, the text the
index reads, is given here by whoever cut it, and is not kept. On SQLite the index is an
FTS5 table (`transcript_index`, migration 0008). Passages are indexed here, in one
executemany a batch, rather than by a trigger per passage: inside a trigger each insert is
a statement that may need rolling back, and FTS5 writes its pending terms out at every such
statement, as a segment of its own to merge later, which made indexing cost twice as much
(revision 0011). Triggers take a deleted passage out of the index, and delete an
interview's passages before its text is replaced or it is deleted (revision 0014). On
PostgreSQL each passage's stored text-search vector is computed by the database from the
body given here. A SQLite built without FTS5 has no index to write.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, text

from research.services.search import ARMENIAN_WORD_MARKS, YE, YO, yo_as_ye

INDEX = "transcript_index"
_COLUMNS = "interview_id, start_offset, own_end_offset, end_offset"
_STRIPPED = str.maketrans("", "", ARMENIAN_WORD_MARKS)
# PostgreSQL's parser reads `<laughs>` as an XML tag (and drops it), `x@y.com` as one email,
# `a/b.c` as a path and `Ter-Petrosyan` as a compound: ASCII punctuation becomes a space (and
# the Armenian marks go), so that its words are what SQLite's tokenizer and `search` find.
_PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
POSTGRES_FROM = YO + _PUNCTUATION + ARMENIAN_WORD_MARKS
POSTGRES_TO = YE + " " * len(_PUNCTUATION)
# Interviews whose passages are indexed again at a time by `rebuild`.
_REBUILD_BATCH = 200


def has_fts(connection: Connection) -> bool:
    """Whether this is SQLite with its FTS5 index (the table the service writes)."""
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = ?", (INDEX,)
    ).scalar()
    return bool(found)


def indexed_text(body: str) -> str:
    """A passage's body as the index reads it: the Armenian in-word marks left out, ё as е
    (`search.search_fold`; revision 0015's trigger cuts the same text to delete it)."""
    if any(mark in body for mark in ARMENIAN_WORD_MARKS):
        body = body.translate(_STRIPPED)
    return yo_as_ye(body)


def store_passages(connection: Connection, passages: Sequence[tuple[str, int, int, str]]) -> None:
    """Insert passages (interview, start, own end, body) and index them; the body is kept
    as its end offset, `start + len(body)`."""
    if not passages:
        return
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"INSERT INTO transcript_passages ({_COLUMNS}, search_vector) "
            "VALUES (%s, %s, %s, %s, to_tsvector('simple', translate(%s, %s, %s)))",
            [
                (interview_id, start, own_end, start + len(body), body, POSTGRES_FROM, POSTGRES_TO)
                for interview_id, start, own_end, body in passages
            ],
        )
        return
    if not has_fts(connection):
        connection.exec_driver_sql(
            f"INSERT INTO transcript_passages ({_COLUMNS}) VALUES (?, ?, ?, ?)",
            [
                (interview_id, start, own_end, start + len(body))
                for interview_id, start, own_end, body in passages
            ],
        )
        return
    # The ids are given, so that the index rows can be written with them: one writer holds
    # SQLite's lock, and new ids follow the largest stored.
    (largest,) = connection.exec_driver_sql(
        "SELECT coalesce(max(passage_id), 0) FROM transcript_passages"
    ).one()
    first = int(largest) + 1
    connection.exec_driver_sql(
        f"INSERT INTO transcript_passages (passage_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
        [
            (passage_id, interview_id, start, own_end, start + len(body))
            for passage_id, (interview_id, start, own_end, body) in enumerate(passages, first)
        ],
    )
    connection.exec_driver_sql(
        f"INSERT INTO {INDEX} (rowid, body) VALUES (?, ?)",
        [
            (passage_id, indexed_text(passage[3]))
            for passage_id, passage in enumerate(passages, first)
        ],
    )


def rebuild(connection: Connection) -> None:
    """The index made anew from every stored passage and its transcript (after rows were
    loaded without it, as a restore does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "UPDATE transcript_passages AS p SET search_vector = to_tsvector('simple', "
                "translate(substr(i.transcript, p.start_offset + 1, "
                "p.end_offset - p.start_offset), :from_, :to_)) "
                "FROM interviews AS i WHERE i.interview_id = p.interview_id"
            ),
            {"from_": POSTGRES_FROM, "to_": POSTGRES_TO},
        )
        return
    if not has_fts(connection):
        return
    connection.exec_driver_sql(f"INSERT INTO {INDEX} ({INDEX}) VALUES ('delete-all')")
    for rows in _stored_bodies(connection):
        connection.exec_driver_sql(f"INSERT INTO {INDEX} (rowid, body) VALUES (?, ?)", rows)


def _stored_bodies(connection: Connection) -> Iterator[list[tuple[int, str]]]:
    """(passage id, indexed body) of every stored passage, a batch of interviews at a time,
    each transcript read once."""
    ids = connection.exec_driver_sql(
        "SELECT DISTINCT interview_id FROM transcript_passages ORDER BY interview_id"
    ).scalars().all()
    for begin in range(0, len(ids), _REBUILD_BATCH):
        batch = list(ids[begin : begin + _REBUILD_BATCH])
        marks = ", ".join("?" for _ in batch)
        texts: dict[str, str] = dict(
            connection.exec_driver_sql(
                f"SELECT interview_id, transcript FROM interviews WHERE interview_id IN ({marks})",
                tuple(batch),
            ).all()
        )
        passages = connection.exec_driver_sql(
            "SELECT passage_id, interview_id, start_offset, end_offset FROM transcript_passages "
            f"WHERE interview_id IN ({marks})",
            tuple(batch),
        ).all()
        yield [
            (passage_id, indexed_text(texts[interview_id][start:end]))
            for passage_id, interview_id, start, end in passages
        ]
