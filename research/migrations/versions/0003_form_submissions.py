"""Form submissions: the token of each entry form sent, so a double submit stores one record.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(kind) > 0", name=op.f("ck_form_submissions_kind_not_empty")),
        sa.CheckConstraint(
            "length(token) > 0", name=op.f("ck_form_submissions_token_not_empty")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submissions")),
    )


def downgrade() -> None:
    op.drop_table("form_submissions")
