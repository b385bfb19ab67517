"""PostgreSQL: each passage's text-search vector kept in the table's own rows.

A GIN index on a tsvector keeps no word positions, so every passage it returns for a
phrase is checked again against its stored vector; a phrase of common words returns
nearly every passage. Stored the default way (EXTENDED), a vector of a few kilobytes went
to the TOAST table with the body, and each check fetched it from there: about a second for
a three-word phrase at 10,000 interviews. With storage MAIN the vector stays in the row
(the body, larger, still moves out), and the checks read the table alone.

Rows already stored are rewritten (their vector recomputed) so that they are kept the new
way. SQLite has nothing to change: its FTS5 index keeps positions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE transcript_passages ALTER COLUMN search_vector SET STORAGE MAIN")
    # A new row version recomputes the generated vector, stored as the column now says.
    op.execute("UPDATE transcript_passages SET body = body")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Rows keep their vectors where they are; later writes store them the default way.
    op.execute("ALTER TABLE transcript_passages ALTER COLUMN search_vector SET STORAGE EXTENDED")
