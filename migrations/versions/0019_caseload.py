"""A supervisor with many students: messages written through the bot (/message, nudges and
the answers), review promises ("I'll review by …"), and cohort milestones as rules.

Milestones set for all of a supervisor's students at once (more than one row of the same
supervisor, title and moment of creation) are marked ``cohort``.

Revision ID: 0019
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "direct_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.BigInteger(), nullable=True),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("telegram_file_id", sa.String(length=256), nullable=True),
        sa.Column("file_name", sa.String(length=256), nullable=True),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_direct_messages_recipient_id_users"),
        sa.ForeignKeyConstraint(["reply_to_id"], ["direct_messages.id"], ondelete="SET NULL",
                                name="fk_direct_messages_reply_to_id_direct_messages"),
        sa.ForeignKeyConstraint(["sender_id"], ["users.id"], ondelete="SET NULL",
                                name="fk_direct_messages_sender_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_direct_messages"),
        sa.UniqueConstraint("batch", "recipient_id", name="uq_direct_messages_batch_recipient"),
    )
    op.create_index("ix_direct_messages_recipient_id", "direct_messages", ["recipient_id"])
    op.create_table(
        "review_promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("promised_by", sa.BigInteger(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["promised_by"], ["users.id"], ondelete="SET NULL",
                                name="fk_review_promises_promised_by_users"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE",
                                name="fk_review_promises_submission_id_submissions"),
        sa.PrimaryKeyConstraint("id", name="pk_review_promises"),
        sa.UniqueConstraint("submission_id", name="uq_review_promises_submission_id"),
    )
    op.create_index("ix_review_promises_due_at", "review_promises", ["due_at"])
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.add_column(sa.Column("cohort", sa.Boolean(), server_default=sa.text("(false)"),
                                      nullable=False))
    # The cohorts set before: several rows of one supervisor, title and moment of creation.
    op.execute(sa.text(
        "UPDATE milestones SET cohort = (1 = 1) WHERE EXISTS (SELECT 1 FROM milestones other"
        " WHERE other.supervisor_id = milestones.supervisor_id"
        " AND other.title = milestones.title AND other.created_at = milestones.created_at"
        " AND other.id <> milestones.id)"))


def downgrade() -> None:
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.drop_column("cohort")
    op.drop_index("ix_review_promises_due_at", table_name="review_promises")
    op.drop_table("review_promises")
    op.drop_index("ix_direct_messages_recipient_id", table_name="direct_messages")
    op.drop_table("direct_messages")
