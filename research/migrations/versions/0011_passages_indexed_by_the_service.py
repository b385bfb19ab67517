"""SQLite: passages are indexed by the service that stores them, not by a trigger.

Inside a trigger each passage's insert into the FTS5 table is a statement that may need
rolling back, and FTS5 writes its pending terms out at every such statement, as a segment
of its own that must be merged later: indexing through the trigger cost about twice as
much as inserting the same rows into the index directly, most of the time of importing
10,000 transcripts. From this revision the service writes the index rows itself
(`research.services.search_index`, for imports and restores); the triggers that delete
and update stay, so that a passage deleted in any way (a replaced transcript, an interview
removed and its cascade) still leaves the index. PostgreSQL has nothing to change.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# As revision 0008 made it (revisions import no application code).
MARKS = "\u055b\u055c\u055e"
_BODY = "new.body"
for _mark in MARKS:
    _BODY = f"replace({_BODY}, '{_mark}', '')"
INSERT_TRIGGER = (
    "CREATE TRIGGER transcript_index_insert AFTER INSERT ON transcript_passages BEGIN "
    f"INSERT INTO transcript_index(rowid, body) VALUES (new.passage_id, {_BODY}); END"
)


def _has_index() -> bool:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'transcript_index'"
    ).scalar()
    return bool(found)


def upgrade() -> None:
    if _has_index():
        op.execute("DROP TRIGGER IF EXISTS transcript_index_insert")


def downgrade() -> None:
    if _has_index():
        op.execute(INSERT_TRIGGER)
