"""Topics, applications and the proposal: the topics supervisors advertise, applications for
them, a thesis's stage (proposal, then thesis) and the kind of each uploaded version.

Revision ID: 0026
Revises: 0021
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0026'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('theses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=16),
                                      server_default=sa.text("'thesis'"), nullable=False))
        batch_op.create_check_constraint(op.f('ck_theses_stage'),
                                         "stage IN ('proposal', 'thesis')")
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16),
                                      server_default=sa.text("'thesis'"), nullable=False))
        batch_op.create_check_constraint(op.f('ck_submissions_kind'),
                                         "kind IN ('proposal', 'thesis')")
        batch_op.drop_constraint('uq_submissions_thesis_version', type_='unique')
        batch_op.create_unique_constraint('uq_submissions_thesis_version',
                                          ['thesis_id', 'kind', 'version'])
    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('supervisor_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=True),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('needs_proposal', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('co_supervisors', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_topics_state')),
    sa.CheckConstraint('places >= 1', name=op.f('ck_topics_places')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_topics_supervisor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('code', name=op.f('uq_topics_code'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topics_supervisor_id'), ['supervisor_id'], unique=False)
        batch_op.create_index('ix_topics_state_created', ['state', 'created_at'], unique=False)
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.BigInteger(), nullable=False),
    sa.Column('applicant_name', sa.String(length=256), nullable=False),
    sa.Column('applicant_username', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('cv_key', sa.String(length=512), nullable=True),
    sa.Column('cv_name', sa.String(length=256), nullable=True),
    sa.Column('cv_telegram_file_id', sa.String(length=256), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('reason_key', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("state IN ('open', 'interview', 'accepted', 'declined')", name=op.f('ck_applications_state')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_applications_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_applications_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_applications_decided_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_cv_key'), ['cv_key'], unique=False)
        batch_op.create_index('ix_applications_applicant', ['applicant_id', 'state'], unique=False)
        batch_op.create_index('ix_applications_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index('uq_applications_open', ['topic_id', 'applicant_id'], unique=True,
                              postgresql_where=sa.text("state IN ('open', 'interview')"),
                              sqlite_where=sa.text("state IN ('open', 'interview')"))


def downgrade() -> None:
    op.drop_table('applications')
    op.drop_table('topics')
    # A proposal's versions have no place among the thesis's: they go.
    op.execute("DELETE FROM submissions WHERE kind = 'proposal'")
    op.execute("UPDATE theses SET latest_version = 0 WHERE stage = 'proposal'")
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_submissions_thesis_version', type_='unique')
        batch_op.create_unique_constraint('uq_submissions_thesis_version',
                                          ['thesis_id', 'version'])
        batch_op.drop_constraint(op.f('ck_submissions_kind'), type_='check')
        batch_op.drop_column('kind')
    with op.batch_alter_table('theses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_theses_stage'), type_='check')
        batch_op.drop_column('stage')
