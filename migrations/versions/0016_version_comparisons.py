"""What changed since the last version: each version's extracted text, and the comparison
job with its outcome (summary, the detailed HTML's key).

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "version_texts",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE",
                                name="fk_version_texts_submission_id_submissions"),
        sa.PrimaryKeyConstraint("submission_id", name="pk_version_texts"),
    )
    op.create_table(
        "version_comparisons",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("base_submission_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("html_key", sa.String(length=512), nullable=True),
        sa.Column("edited", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'editing', 'done', 'failed')",
            name="ck_version_comparisons_status"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE",
                                name="fk_version_comparisons_submission_id_submissions"),
        sa.ForeignKeyConstraint(["base_submission_id"], ["submissions.id"], ondelete="SET NULL",
                                name="fk_version_comparisons_base_submission_id_submissions"),
        sa.PrimaryKeyConstraint("submission_id", name="pk_version_comparisons"),
    )
    op.create_index("ix_version_comparisons_due", "version_comparisons",
                    ["status", "next_attempt_at"])
    op.create_index("ix_version_comparisons_html_key", "version_comparisons", ["html_key"])


def downgrade() -> None:
    op.drop_index("ix_version_comparisons_html_key", table_name="version_comparisons")
    op.drop_index("ix_version_comparisons_due", table_name="version_comparisons")
    op.drop_table("version_comparisons")
    op.drop_table("version_texts")
