"""Coding layers and completed passes.

Every coding belongs to a layer: a coder's own ('coder', every coding stored before this
revision) or the team's 'consensus'. The same span may carry the same code from the same
coder once per layer, so the uniqueness of a coding includes its layer. `coding_passes`
records that a coder finished an interview: in a completed pass a code not applied is a 0.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# As this revision knows them (revisions import no application code).
LAYERS = ("coder", "consensus")
UNIQUE = ["interview_id", "code_id", "start_offset", "end_offset", "coder"]


def upgrade() -> None:
    names = ", ".join(f"'{layer}'" for layer in LAYERS)
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("layer", sa.String(length=20), nullable=False, server_default="coder")
        )
        batch_op.create_check_constraint(op.f("ck_codings_layer_known"), f"layer IN ({names})")
        batch_op.drop_constraint(op.f("uq_codings_no_duplicate"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_codings_no_duplicate"), [*UNIQUE, "layer"]
        )
    op.create_table(
        "coding_passes",
        sa.Column("interview_id", sa.String(length=64), nullable=False),
        sa.Column("coder", sa.String(length=100), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(coder) > 0", name=op.f("ck_coding_passes_coder_not_empty")),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.interview_id"],
            name=op.f("fk_coding_passes_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interview_id", "coder", name=op.f("pk_coding_passes")),
    )


def downgrade() -> None:
    op.drop_table("coding_passes")
    connection = op.get_bind()
    consensus = connection.execute(
        sa.text("SELECT count(*) FROM codings WHERE layer <> 'coder'")
    ).scalar()
    if consensus:
        raise RuntimeError(
            f"{consensus} consensus codings have no place before revision 0012; "
            "export or remove them first"
        )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_codings_no_duplicate"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_codings_no_duplicate"), UNIQUE)
        batch_op.drop_constraint(op.f("ck_codings_layer_known"), type_="check")
        batch_op.drop_column("layer")
