"""milestones: soft delete, when the due date was set, and the scheduler's index

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "submission_id IS NULL AND deleted_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_set_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    # Partial index: the scheduler scans only open milestones, by due time.
    op.create_index('ix_milestones_open_due', 'milestones', ['due_at'], unique=False,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('ix_milestones_open_due', table_name='milestones')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('due_set_at')
