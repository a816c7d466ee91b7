"""Shared text with other theses: the index (LSH band hashes of each version's chunks) and
each version's check (its share, its sources, the report's key).

Revision ID: 0022
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "version_similarity",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("chunks", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("html_key", sa.String(length=512), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE",
                                name="fk_version_similarity_submission_id_submissions"),
        sa.PrimaryKeyConstraint("submission_id", name="pk_version_similarity"),
    )
    op.create_index("ix_version_similarity_html_key", "version_similarity", ["html_key"])
    op.create_table(
        "similarity_bands",
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("submission_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE",
                                name="fk_similarity_bands_submission_id_submissions"),
        sa.PrimaryKeyConstraint("hash", "submission_id", name="pk_similarity_bands"),
    )
    op.create_index("ix_similarity_bands_submission_id", "similarity_bands",
                    ["submission_id"])


def downgrade() -> None:
    op.drop_index("ix_similarity_bands_submission_id", table_name="similarity_bands")
    op.drop_table("similarity_bands")
    op.drop_index("ix_version_similarity_html_key", table_name="version_similarity")
    op.drop_table("version_similarity")
