"""Codings of one code in text order: an index that serves the first page of any code at once.

The listing order is (interview_id, start_offset, end_offset, coding_id); with the code in
front, one code's page is a range read of this index, and a code with children is one read
per code merged. It replaces the index on code_id alone, which is its prefix.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_codings_code_text_order",
            ["code_id", "interview_id", "start_offset", "end_offset", "coding_id"],
            unique=False,
        )
        batch_op.drop_index("ix_codings_code_id")


def downgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index("ix_codings_code_id", ["code_id"], unique=False)
        batch_op.drop_index("ix_codings_code_text_order")
