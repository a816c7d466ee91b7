"""The review desk: comments anchored to a passage of a version (page, quote, position),
sent as checklist items and relocated in later versions.

Revision ID: 0020
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rects", sa.JSON(), nullable=False),
        sa.Column("checklist_item_id", sa.Integer(), nullable=True),
        sa.Column("located_submission_id", sa.Integer(), nullable=True),
        sa.Column("located_state", sa.String(length=16), nullable=True),
        sa.Column("located_page", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("page >= 1", name="ck_anchors_page"),
        sa.CheckConstraint(
            "located_state IS NULL OR located_state IN ('unchanged', 'changed', 'removed')",
            name="ck_anchors_located_state"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE",
                                name="fk_anchors_submission_id_submissions"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL",
                                name="fk_anchors_author_id_users"),
        sa.ForeignKeyConstraint(["checklist_item_id"], ["checklist_items.id"],
                                ondelete="SET NULL",
                                name="fk_anchors_checklist_item_id_checklist_items"),
        sa.ForeignKeyConstraint(["located_submission_id"], ["submissions.id"],
                                ondelete="SET NULL",
                                name="fk_anchors_located_submission_id_submissions"),
        sa.PrimaryKeyConstraint("id", name="pk_anchors"),
    )
    op.create_index("ix_anchors_submission", "anchors", ["submission_id", "id"])
    op.create_index("ix_anchors_author_id", "anchors", ["author_id"])
    op.create_index("ix_anchors_checklist_item_id", "anchors", ["checklist_item_id"])
    op.create_index("ix_anchors_located_submission_id", "anchors", ["located_submission_id"])


def downgrade() -> None:
    op.drop_index("ix_anchors_located_submission_id", table_name="anchors")
    op.drop_index("ix_anchors_checklist_item_id", table_name="anchors")
    op.drop_index("ix_anchors_author_id", table_name="anchors")
    op.drop_index("ix_anchors_submission", table_name="anchors")
    op.drop_table("anchors")
