"""Feedback as a conversation: a thread per version, supervisor-only notes, and the
requested changes of a review as checklist items.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def _created_at() -> sa.Column[sa.DateTime]:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW,
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "thread_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("file_key", sa.String(length=512), nullable=True),
        sa.Column("file_name", sa.String(length=256), nullable=True),
        sa.Column("telegram_file_id", sa.String(length=256), nullable=True),
        _created_at(),
        sa.CheckConstraint("body IS NOT NULL OR file_key IS NOT NULL",
                           name=op.f("ck_thread_messages_content")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_thread_messages_submission_id_submissions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_thread_messages_author_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_messages")),
    )
    op.create_index("ix_thread_messages_submission", "thread_messages",
                    ["submission_id", "id"])
    op.create_index(op.f("ix_thread_messages_author_id"), "thread_messages", ["author_id"])
    op.create_index(op.f("ix_thread_messages_file_key"), "thread_messages", ["file_key"])

    op.create_table(
        "supervisor_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["student_id"], ["users.id"],
                                name=op.f("fk_supervisor_notes_student_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_supervisor_notes_author_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor_notes")),
    )
    op.create_index(op.f("ix_supervisor_notes_student_id"), "supervisor_notes",
                    ["student_id"])

    op.create_table(
        "checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thesis_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("addressed_submission_id", sa.Integer(), nullable=True),
        _created_at(),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f("ck_checklist_items_state")),
        sa.ForeignKeyConstraint(["thesis_id"], ["theses.id"],
                                name=op.f("fk_checklist_items_thesis_id_theses"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"],
                                name=op.f("fk_checklist_items_review_id_reviews"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["addressed_submission_id"], ["submissions.id"],
            name=op.f("fk_checklist_items_addressed_submission_id_submissions"),
            ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_items")),
        sa.UniqueConstraint("review_id", "position", name="uq_checklist_items_review_position"),
    )
    op.create_index("ix_checklist_items_thesis_state", "checklist_items",
                    ["thesis_id", "state"])
    op.create_index(op.f("ix_checklist_items_addressed_submission_id"), "checklist_items",
                    ["addressed_submission_id"])


def downgrade() -> None:
    op.drop_table("checklist_items")
    op.drop_table("supervisor_notes")
    op.drop_table("thread_messages")
