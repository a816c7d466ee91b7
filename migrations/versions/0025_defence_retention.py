"""Defence and retention: the defence of a final thesis and its participants; the
assessment's written total (kept until the defence gives the Defence component) and its
state ``defence``; when retention anonymised a thesis.

Revision ID: 0025
Revises: 0026
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | Sequence[str] | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "state IN ('marking', 'disagreed', 'third_marker', 'agreed', 'released')"
AFTER = "state IN ('marking', 'disagreed', 'third_marker', 'defence', 'agreed', 'released')"


def _state_check(sqltext: str) -> None:
    # batch: SQLite cannot alter a CHECK constraint, the table is copied with the new one.
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assessments_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_assessments_state'), sqltext)


def upgrade() -> None:
    _state_check(AFTER)
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_total', sa.Double(), nullable=True))
    with op.batch_alter_table('theses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True),
                                      nullable=True))
    op.create_table('defences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thesis_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=500), nullable=False),
    sa.Column('minute_taker_id', sa.BigInteger(), nullable=True),
    sa.Column('scheduled_by', sa.BigInteger(), nullable=True),
    sa.Column('time_set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('defence_mark', sa.Integer(), nullable=True),
    sa.Column('minutes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('defence_mark IS NULL OR (defence_mark >= 0 AND defence_mark <= 100)', name=op.f('ck_defences_defence_mark')),
    sa.ForeignKeyConstraint(['minute_taker_id'], ['users.id'], name=op.f('fk_defences_minute_taker_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheduled_by'], ['users.id'], name=op.f('fk_defences_scheduled_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thesis_id'], ['theses.id'], name=op.f('fk_defences_thesis_id_theses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_defences')),
    sa.UniqueConstraint('thesis_id', name=op.f('uq_defences_thesis_id'))
    )
    with op.batch_alter_table('defences', schema=None) as batch_op:
        batch_op.create_index('ix_defences_starts_at', ['starts_at'], unique=False)
    op.create_table('defence_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('defence_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('student', 'committee', 'external')", name=op.f('ck_defence_members_role')),
    sa.CheckConstraint("answer IN ('pending', 'confirmed', 'declined')", name=op.f('ck_defence_members_answer')),
    sa.ForeignKeyConstraint(['defence_id'], ['defences.id'], name=op.f('fk_defence_members_defence_id_defences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_defence_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_defence_members')),
    sa.UniqueConstraint('defence_id', 'user_id', name='uq_defence_members_user')
    )
    with op.batch_alter_table('defence_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_defence_members_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('defence_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_defence_members_user_id'))
    op.drop_table('defence_members')
    with op.batch_alter_table('defences', schema=None) as batch_op:
        batch_op.drop_index('ix_defences_starts_at')
    op.drop_table('defences')
    with op.batch_alter_table('theses', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    # Waiting for the defence was agreeing: the markers agree again on the written marks.
    op.execute("UPDATE assessments SET state = 'disagreed' WHERE state = 'defence'")
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('written_total')
    _state_check(BEFORE)
