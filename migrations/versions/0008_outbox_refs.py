"""Outbox rows keep what they are about and the message they became.

A card can then be found again to be edited, and a reply to a notification tells which
version it answers.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_outbox_chat_message", ["chat_id", "message_id"])
        batch_op.create_index("ix_outbox_ref", ["ref"])


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_ref")
        batch_op.drop_index("ix_outbox_chat_message")
        batch_op.drop_column("message_id")
        batch_op.drop_column("ref")
