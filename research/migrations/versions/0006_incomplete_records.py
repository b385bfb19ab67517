"""Incomplete interview records: date and consent may be unknown; place, interviewer and
language move from fixed columns into the attributes the data dictionary defines.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MOVED = ("place", "interviewer", "language")


def _interviews(*columns: sa.ColumnClause[Any]) -> sa.TableClause:
    """The interviews table as this revision sees it (no application models in migrations)."""
    return sa.table(
        "interviews",
        sa.column("interview_id", sa.String(64)),
        sa.column("attributes", sa.JSON()),
        *columns,
    )


def upgrade() -> None:
    connection = op.get_bind()
    old = _interviews(
        sa.column("place", sa.String(100)),
        sa.column("interviewer", sa.String(200)),
        sa.column("language", sa.JSON()),
    )
    rows = connection.execute(
        sa.select(old.c.interview_id, old.c.attributes, *(old.c[name] for name in MOVED))
    ).all()
    for row in rows:
        attributes = dict(row.attributes or {})
        for name in MOVED:
            value = getattr(row, name)
            # The fixed columns were the record; an attribute of the same name never existed.
            if value is not None and value != []:
                attributes[name] = value
        connection.execute(
            sa.update(old)
            .where(old.c.interview_id == row.interview_id)
            .values(attributes=attributes)
        )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_interviews_consent_given"), type_="check")
        batch_op.alter_column("interview_date", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column("consent", existing_type=sa.Boolean(), nullable=True)
        for name in MOVED:
            batch_op.drop_column(name)
        batch_op.create_check_constraint(
            op.f("ck_interviews_consent_given"), "consent IS NULL OR consent"
        )


def downgrade() -> None:
    connection = op.get_bind()
    table = _interviews(
        sa.column("interview_date", sa.Date()),
        sa.column("consent", sa.Boolean()),
    )
    rows = connection.execute(
        sa.select(
            table.c.interview_id, table.c.attributes, table.c.interview_date, table.c.consent
        )
    ).all()
    unfit = sorted(
        row.interview_id
        for row in rows
        if row.interview_date is None
        or row.consent is not True
        or any((row.attributes or {}).get(name) in (None, "", []) for name in MOVED)
    )
    if unfit:
        # The older schema cannot hold an incomplete record; nothing is changed.
        shown = ", ".join(unfit[:10]) + (" ..." if len(unfit) > 10 else "")
        raise RuntimeError(
            f"cannot downgrade: {len(unfit)} interviews lack a date, consent, place, "
            f"interviewer or language ({shown}); complete or remove them first"
        )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_interviews_consent_given"), type_="check")
        batch_op.add_column(sa.Column("place", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("interviewer", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("language", sa.JSON(), nullable=True))
    new = _interviews(
        sa.column("place", sa.String(100)),
        sa.column("interviewer", sa.String(200)),
        sa.column("language", sa.JSON()),
    )
    for row in rows:
        attributes = dict(row.attributes or {})
        moved = {name: attributes.pop(name) for name in MOVED}
        language = moved["language"]
        connection.execute(
            sa.update(new)
            .where(new.c.interview_id == row.interview_id)
            .values(
                attributes=attributes,
                place=str(moved["place"]),
                interviewer=str(moved["interviewer"]),
                language=language if isinstance(language, list) else [language],
            )
        )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.alter_column("interview_date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("consent", existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column("place", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("interviewer", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("language", existing_type=sa.JSON(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_interviews_consent_given"), "consent")
