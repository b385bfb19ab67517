"""Initial schema: study facts, codebook and its history, respondents, interviews, codings.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "codebook_changes",
        sa.Column("change_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code_id", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("code_id_map", sa.JSON(), nullable=False),
        sa.Column("codings_moved", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_codebook_changes")),
    )
    op.create_table(
        "codes",
        sa.Column("code_id", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("inclusion", sa.Text(), nullable=False),
        sa.Column("exclusion", sa.Text(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=True),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("group_only", sa.Boolean(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "colour IS NULL OR length(colour) = 7", name=op.f("ck_codes_colour_is_hex")
        ),
        sa.CheckConstraint("length(code_id) > 0", name=op.f("ck_codes_code_id_not_empty")),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_codes_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["codes.code_id"],
            name=op.f("fk_codes_parent_id_codes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("code_id", name=op.f("pk_codes")),
        sa.UniqueConstraint("path", name=op.f("uq_codes_path")),
    )
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codes_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "respondents",
        sa.Column("respondent_id", sa.String(length=64), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(respondent_id) > 0", name=op.f("ck_respondents_id_not_empty")),
        sa.PrimaryKeyConstraint("respondent_id", name=op.f("pk_respondents")),
    )
    op.create_table(
        "study_info",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_study_info")),
    )
    op.create_table(
        "interviews",
        sa.Column("interview_id", sa.String(length=64), nullable=False),
        sa.Column("respondent_id", sa.String(length=64), nullable=False),
        sa.Column("interview_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("interviewer", sa.String(length=200), nullable=False),
        sa.Column("language", sa.JSON(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("transcript_sha256", sa.String(length=64), nullable=True),
        sa.Column("source_name", sa.String(length=500), nullable=True),
        sa.Column("source_encoding", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("consent", name=op.f("ck_interviews_consent_given")),
        sa.CheckConstraint("length(interview_id) > 0", name=op.f("ck_interviews_id_not_empty")),
        sa.CheckConstraint(
            "transcript IS NULL OR length(transcript) > 0",
            name=op.f("ck_interviews_transcript_not_empty"),
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["respondents.respondent_id"],
            name=op.f("fk_interviews_respondent_id_respondents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("interview_id", name=op.f("pk_interviews")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interviews_respondent_id"), ["respondent_id"], unique=False
        )

    op.create_table(
        "codings",
        sa.Column("coding_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interview_id", sa.String(length=64), nullable=False),
        sa.Column("code_id", sa.String(length=64), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("coder", sa.String(length=100), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_offset > start_offset", name=op.f("ck_codings_span_not_empty")),
        sa.CheckConstraint("length(coder) > 0", name=op.f("ck_codings_coder_not_empty")),
        sa.CheckConstraint(
            "length(quote) = end_offset - start_offset", name=op.f("ck_codings_quote_matches_span")
        ),
        sa.CheckConstraint("start_offset >= 0", name=op.f("ck_codings_start_not_negative")),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["codes.code_id"],
            name=op.f("fk_codings_code_id_codes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.interview_id"],
            name=op.f("fk_codings_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coding_id", name=op.f("pk_codings")),
        sa.UniqueConstraint(
            "interview_id",
            "code_id",
            "start_offset",
            "end_offset",
            "coder",
            name=op.f("uq_codings_no_duplicate"),
        ),
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index("ix_codings_code_id", ["code_id"], unique=False)
        batch_op.create_index(
            "ix_codings_interview_span",
            ["interview_id", "start_offset", "end_offset"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index("ix_codings_interview_span")
        batch_op.drop_index("ix_codings_code_id")

    op.drop_table("codings")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interviews_respondent_id"))

    op.drop_table("interviews")
    op.drop_table("study_info")
    op.drop_table("respondents")
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codes_parent_id"))

    op.drop_table("codes")
    op.drop_table("codebook_changes")
