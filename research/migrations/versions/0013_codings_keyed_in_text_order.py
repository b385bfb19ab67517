"""Codings: one index fewer to write, the unique key ordered as the text is read.

The unique key of a coding (its interview, span, code, coder and layer) now lists the span
right after the interview, so that one interview's codings in text order are a range of the
key's own index, and `ix_codings_interview_span`, which held the same three columns in the
same order, is dropped. Every coding stored is one index entry fewer to write: storing a
million codings wrote four indexes besides the table; now it writes three.

On SQLite the unique key is a table constraint, so the table is copied (Alembic's batch
mode); the file is backed up before any upgrade.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# As this revision knows them (revisions import no application code).
OLD_KEY = ["interview_id", "code_id", "start_offset", "end_offset", "coder", "layer"]
NEW_KEY = ["interview_id", "start_offset", "end_offset", "code_id", "coder", "layer"]
SPAN = ["interview_id", "start_offset", "end_offset"]


def upgrade() -> None:
    op.drop_index(op.f("ix_codings_interview_span"), table_name="codings")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_codings_no_duplicate"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_codings_no_duplicate"), NEW_KEY)


def downgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_codings_no_duplicate"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_codings_no_duplicate"), OLD_KEY)
    op.create_index(op.f("ix_codings_interview_span"), "codings", SPAN, unique=False)
