"""Passages point into the transcript instead of holding a copy of its text.

A passage was stored with its body, a second copy of the transcript (an eighth more, for
the overlaps): half of a study's file, and about a fifth of the time of importing 10,000
transcripts. A passage is now its interview and three offsets: the start, the end of the
part it owns, and the end of its body (`end_offset`); its text is
`transcript[start_offset:end_offset]`, read from the interview when a search shows a hit.

- SQLite: the FTS5 index is contentless, so deleting a passage from it needs the text it
  was indexed with. Revision 0008's triggers read it from the passage's body; the delete
  trigger now cuts it from the interview's transcript by the passage's offsets. So that
  the transcript still holds that text whenever a passage is deleted, triggers on
  `interviews` delete an interview's passages before its transcript is replaced
  (`UPDATE OF transcript`) or the interview deleted (the cascade from a respondent
  included): a passage can never outlive the text it was cut from. The service indexes
  new passages itself (revision 0011). A later revision that copies `interviews` or
  `transcript_passages` (Alembic's batch mode) drops these triggers and must make them
  again.
- PostgreSQL: the stored vector was generated from the body; it becomes a plain column
  the service fills when it stores a passage (`research.services.search_index`). Its
  values stay as they were computed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# As this revision knows them (revisions import no application code).
MARKS = "\u055b\u055c\u055e"
PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())


def _stripped(expression: str) -> str:
    """SQL for a text with the Armenian in-word marks left out, as the index reads it."""
    for mark in MARKS:
        expression = f"replace({expression}, '{mark}', '')"
    return expression


def _forget(event: str) -> str:
    """A trigger that deletes an interview's passages before its text changes or it goes."""
    name = "retext" if event.startswith("UPDATE") else "forget"
    return (
        f"CREATE TRIGGER transcript_index_{name} BEFORE {event} ON interviews BEGIN "
        "DELETE FROM transcript_passages WHERE interview_id = old.interview_id; END"
    )


INTERVIEW_TRIGGERS = (_forget("UPDATE OF transcript"), _forget("DELETE"))
# A passage deleted in any way (by the triggers above, by the service that replaces a text
# with the same text, which changes no column) leaves the index. Its text is cut from its
# interview's transcript, which still holds the text the passage was cut from: the
# triggers on interviews delete the passages before the text changes or the row goes.
_STORED_BODY = _stripped(
    "substr((SELECT transcript FROM interviews WHERE interview_id = old.interview_id), "
    "old.start_offset + 1, old.end_offset - old.start_offset)"
)
PASSAGE_DELETE = (
    "CREATE TRIGGER transcript_index_delete AFTER DELETE ON transcript_passages BEGIN "
    "INSERT INTO transcript_index(transcript_index, rowid, body) "
    f"VALUES ('delete', old.passage_id, {_STORED_BODY}); END"
)

# Revision 0008's triggers on passages, made again by a downgrade.
_OLD_BODY = _stripped("old.body")
_NEW_BODY = _stripped("new.body")
PASSAGE_TRIGGERS = (
    "CREATE TRIGGER transcript_index_delete AFTER DELETE ON transcript_passages BEGIN "
    "INSERT INTO transcript_index(transcript_index, rowid, body) "
    f"VALUES ('delete', old.passage_id, {_OLD_BODY}); END",
    "CREATE TRIGGER transcript_index_update AFTER UPDATE ON transcript_passages BEGIN "
    "INSERT INTO transcript_index(transcript_index, rowid, body) "
    f"VALUES ('delete', old.passage_id, {_OLD_BODY}); "
    f"INSERT INTO transcript_index(rowid, body) VALUES (new.passage_id, {_NEW_BODY}); END",
)
POSTGRES_TRANSLATE = (
    "translate(body, '"
    + (PUNCTUATION + MARKS).replace("'", "''")
    + "', '"
    + " " * len(PUNCTUATION)
    + "')"
)


def _has_fts(connection: sa.Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'transcript_index'"
    ).scalar()
    return bool(found)


def upgrade() -> None:
    connection = op.get_bind()
    fts = _has_fts(connection)
    if fts:
        for trigger in ("delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS transcript_index_{trigger}")
    op.add_column("transcript_passages", sa.Column("end_offset", sa.Integer(), nullable=True))
    length = "length" if connection.dialect.name == "sqlite" else "char_length"
    op.execute(f"UPDATE transcript_passages SET end_offset = start_offset + {length}(body)")
    if connection.dialect.name == "postgresql":
        op.execute("ALTER TABLE transcript_passages ALTER COLUMN search_vector DROP EXPRESSION")
    with op.batch_alter_table("transcript_passages", schema=None) as batch_op:
        batch_op.alter_column("end_offset", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("body")
        batch_op.create_check_constraint(
            op.f("ck_transcript_passages_body_covers_own_part"), "end_offset >= own_end_offset"
        )
    if fts:
        for trigger in (PASSAGE_DELETE, *INTERVIEW_TRIGGERS):
            op.execute(trigger)


def downgrade() -> None:
    connection = op.get_bind()
    fts = _has_fts(connection)
    if fts:
        for name in ("retext", "forget", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS transcript_index_{name}")
    op.add_column("transcript_passages", sa.Column("body", sa.Text(), nullable=True))
    op.execute(
        "UPDATE transcript_passages SET body = (SELECT substr(interviews.transcript, "
        "transcript_passages.start_offset + 1, "
        "transcript_passages.end_offset - transcript_passages.start_offset) "
        "FROM interviews WHERE interviews.interview_id = transcript_passages.interview_id)"
    )
    with op.batch_alter_table("transcript_passages", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=False)
        batch_op.drop_constraint(
            op.f("ck_transcript_passages_body_covers_own_part"), type_="check"
        )
        batch_op.drop_column("end_offset")
    if connection.dialect.name == "postgresql":
        # Generated from the body again, as revisions 0008 and 0010 made it.
        op.execute("DROP INDEX IF EXISTS ix_transcript_passages_vector")
        op.execute("ALTER TABLE transcript_passages DROP COLUMN search_vector")
        op.execute(
            "ALTER TABLE transcript_passages ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {POSTGRES_TRANSLATE})) STORED"
        )
        op.execute("ALTER TABLE transcript_passages ALTER COLUMN search_vector SET STORAGE MAIN")
        op.execute(
            "CREATE INDEX ix_transcript_passages_vector ON transcript_passages "
            "USING gin (search_vector)"
        )
    if fts:
        for trigger in PASSAGE_TRIGGERS:
            op.execute(trigger)
