"""Voice messages and photos as thread comments: what the attachment is, a voice message's
duration and the attachment's size.

Revision ID: 0028
Revises: 0027
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | Sequence[str] | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('thread_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('media_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file_size', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('thread_messages', schema=None) as batch_op:
        batch_op.drop_column('file_size')
        batch_op.drop_column('media_seconds')
        batch_op.drop_column('media')
