"""A thesis over months: the 'final' status, and one student's extension of a milestone

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-15 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "status IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected')"
AFTER = ("status IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', "
         "'final')")


def _status_check(sqltext: str) -> None:
    # batch: SQLite cannot alter a CHECK constraint, the table is copied with the new one.
    with op.batch_alter_table('theses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_theses_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_theses_status'), sqltext)


def upgrade() -> None:
    _status_check(AFTER)
    op.create_table(
        'milestone_extensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.BigInteger(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('granted_by', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True),
                  server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'],
                                name=op.f('fk_milestone_extensions_milestone_id_milestones'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['users.id'],
                                name=op.f('fk_milestone_extensions_student_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['granted_by'], ['users.id'],
                                name=op.f('fk_milestone_extensions_granted_by_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_extensions')),
        sa.UniqueConstraint('milestone_id', 'student_id',
                            name='uq_milestone_extensions_student'),
    )


def downgrade() -> None:
    op.drop_table('milestone_extensions')
    # A final thesis was an approved one; it becomes approved again.
    op.execute("UPDATE theses SET status = 'approved' WHERE status = 'final'")
    _status_check(BEFORE)
