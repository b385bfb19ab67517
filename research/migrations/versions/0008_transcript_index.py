"""A full-text index of transcripts: passages, indexed by SQLite FTS5 or PostgreSQL full text.

Each transcript is cut into overlapping passages (`transcript_passages`, written by the
service layer from then on); this revision cuts the transcripts already stored.

- SQLite: a contentless FTS5 table `transcript_index` (rowid = passage_id), tokenizer
  unicode61 with diacritics kept (Russian "й" is not "и"), filled and emptied by triggers
  on `transcript_passages`, so that every way a passage is written or deleted (a replaced
  transcript, an interview removed, its cascade) keeps it in step. A SQLite built without
  FTS5 gets the passages but no index; search then reads every passage, and says so.
  A later revision that copies `transcript_passages` (Alembic's batch mode) drops these
  triggers and must make them again.
- PostgreSQL: a stored generated column `search_vector`, `to_tsvector('simple', ...)` of
  each passage with ASCII punctuation turned into spaces first, and a GIN index on it: no
  stemming and no stop words, so every language is indexed alike; lower-casing follows the
  database's LC_CTYPE (C.UTF-8 or a language locale handle Cyrillic and Armenian; a
  database whose LC_CTYPE is C does not).

Both index the body with the Armenian in-word marks (՛ ՜ ՞) left out, as the service's
tokens do.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The cut research.services.search.passages_of made at this revision (revisions import no
# application code).
PASSAGE_CHARACTERS = 3000
OVERLAP = 400
_WHITESPACE = re.compile(r"\s+")
MARKS = "\u055b\u055c\u055e"
BATCH = 200


def _stripped(column: str) -> str:
    """SQL for a body with the Armenian in-word marks left out."""
    expression = column
    for mark in MARKS:
        expression = f"replace({expression}, '{mark}', '')"
    return expression


SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER transcript_index_insert AFTER INSERT ON transcript_passages BEGIN
        INSERT INTO transcript_index(rowid, body)
        VALUES (new.passage_id, {_stripped("new.body")});
    END""",
    f"""CREATE TRIGGER transcript_index_delete AFTER DELETE ON transcript_passages BEGIN
        INSERT INTO transcript_index(transcript_index, rowid, body)
        VALUES ('delete', old.passage_id, {_stripped("old.body")});
    END""",
    f"""CREATE TRIGGER transcript_index_update AFTER UPDATE ON transcript_passages BEGIN
        INSERT INTO transcript_index(transcript_index, rowid, body)
        VALUES ('delete', old.passage_id, {_stripped("old.body")});
        INSERT INTO transcript_index(rowid, body)
        VALUES (new.passage_id, {_stripped("new.body")});
    END""",
)
# PostgreSQL's parser reads `<laughs>` as an XML tag (and drops it), `x@y.com` as one email,
# `a/b.c` as a path and `Ter-Petrosyan` as a compound: ASCII punctuation becomes a space, so
# that its words are what SQLite's tokenizer and the service's find.
PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
POSTGRES_TRANSLATE = (
    "translate(body, '"
    + (PUNCTUATION + MARKS).replace("'", "''")
    + "', '"
    + " " * len(PUNCTUATION)
    + "')"
)


def _passages(text: str) -> list[tuple[int, int, str]]:
    rows = []
    start = 0
    while start < len(text):
        own_end = _whitespace_at_or_after(text, start + PASSAGE_CHARACTERS)
        body_end = _whitespace_at_or_after(text, own_end + OVERLAP)
        rows.append((start, own_end, text[start:body_end]))
        start = own_end
    return rows


def _whitespace_at_or_after(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    found = _WHITESPACE.search(text, position)
    return found.start() if found else len(text)


def _sqlite_has_fts5(connection: sa.Connection) -> bool:
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(body)")
            connection.exec_driver_sql("DROP TABLE temp.fts5_probe")
    except sa.exc.OperationalError:
        return False
    return True


def upgrade() -> None:
    op.create_table(
        "transcript_passages",
        sa.Column("passage_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interview_id", sa.String(length=64), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("own_end_offset", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "start_offset >= 0", name=op.f("ck_transcript_passages_start_not_negative")
        ),
        sa.CheckConstraint(
            "own_end_offset > start_offset", name=op.f("ck_transcript_passages_span_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.interview_id"],
            name=op.f("fk_transcript_passages_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("passage_id", name=op.f("pk_transcript_passages")),
    )
    op.create_index(
        "ix_transcript_passages_interview",
        "transcript_passages",
        ["interview_id", "start_offset"],
        unique=False,
    )
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and _sqlite_has_fts5(connection):
        op.execute(
            "CREATE VIRTUAL TABLE transcript_index USING fts5("
            "body, content='', tokenize='unicode61 remove_diacritics 0')"
        )
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    _cut_stored_transcripts(connection)
    if connection.dialect.name == "postgresql":
        # Stored, not an expression index: a GIN index keeps no word positions, so every
        # row it returns for a phrase is checked again, and reading a stored vector is far
        # cheaper than parsing the passage anew.
        op.execute(
            "ALTER TABLE transcript_passages ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {POSTGRES_TRANSLATE})) STORED"
        )
        op.execute(
            "CREATE INDEX ix_transcript_passages_vector ON transcript_passages "
            "USING gin (search_vector)"
        )


def _cut_stored_transcripts(connection: sa.Connection) -> None:
    interviews = sa.table(
        "interviews", sa.column("interview_id", sa.String(64)), sa.column("transcript", sa.Text())
    )
    passages = sa.table(
        "transcript_passages",
        sa.column("interview_id", sa.String(64)),
        sa.column("start_offset", sa.Integer()),
        sa.column("own_end_offset", sa.Integer()),
        sa.column("body", sa.Text()),
    )
    ids = connection.execute(
        sa.select(interviews.c.interview_id)
        .where(interviews.c.transcript.is_not(None))
        .order_by(interviews.c.interview_id)
    ).scalars().all()
    # A batch of transcripts at a time: a large study is never read into memory at once.
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]
        rows: list[dict[str, Any]] = []
        for interview_id, text in connection.execute(
            sa.select(interviews.c.interview_id, interviews.c.transcript).where(
                interviews.c.interview_id.in_(batch)
            )
        ):
            rows.extend(
                {
                    "interview_id": interview_id,
                    "start_offset": start,
                    "own_end_offset": own_end,
                    "body": body,
                }
                for start, own_end, body in _passages(text)
            )
        if rows:
            connection.execute(sa.insert(passages), rows)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS transcript_index_{trigger}")
        op.execute("DROP TABLE IF EXISTS transcript_index")
    if connection.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_transcript_passages_vector")
        op.execute("ALTER TABLE transcript_passages DROP COLUMN IF EXISTS search_vector")
    op.drop_index("ix_transcript_passages_interview", table_name="transcript_passages")
    op.drop_table("transcript_passages")
