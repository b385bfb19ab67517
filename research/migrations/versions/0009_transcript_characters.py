"""Each interview's transcript length in characters, stored beside the transcript.

Listing interviews shows how long each transcript is; counting the characters of every
transcript read them all (about five seconds at 10,000 interviews). The count is written
with the transcript from then on (`interview_rows.attach_transcripts`); this revision
counts the transcripts already stored. The check holds a count to its text: `length()`
counts characters (code points) on SQLite and PostgreSQL alike.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CHECK = "ck_interviews_transcript_characters_counted"


def upgrade() -> None:
    # Added with its check in one statement: SQLite adds a column without copying the table,
    # and a count left NULL until the UPDATE below passes the check.
    op.add_column(
        "interviews",
        sa.Column(
            "transcript_characters",
            sa.Integer(),
            sa.CheckConstraint(
                "transcript_characters IS NULL OR transcript_characters = length(transcript)",
                name=op.f(CHECK),
            ),
            nullable=True,
        ),
    )
    op.execute(
        "UPDATE interviews SET transcript_characters = length(transcript) "
        "WHERE transcript IS NOT NULL"
    )


def downgrade() -> None:
    # The check is the column's own, so both databases drop it with the column, and SQLite
    # drops the column in place: copying the table (Alembic's batch mode) would make it
    # drop `interviews`, which its codings and passages refer to.
    op.execute("ALTER TABLE interviews DROP COLUMN transcript_characters")
