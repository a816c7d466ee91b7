"""Assessment: versioned schemes, each final thesis's assessment, the markers' marks, the
student's authorship declaration (and an admin's own statement per language), and two
thesis statuses (waiting for the declaration; released).

Revision ID: 0021
Revises: 0020
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | Sequence[str] | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("status IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', "
          "'final')")
AFTER = ("status IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', "
         "'final', 'declaration', 'released')")


def _status_check(sqltext: str) -> None:
    # batch: SQLite cannot alter a CHECK constraint, the table is copied with the new one.
    with op.batch_alter_table('theses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_theses_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_theses_status'), sqltext)


def upgrade() -> None:
    _status_check(AFTER)
    op.create_table('assessment_schemes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('scale', sa.String(length=8), nullable=False),
    sa.Column('tolerance', sa.Double(), nullable=False),
    sa.Column('releaser', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_assessment_schemes_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_schemes')),
    sa.UniqueConstraint('version', name=op.f('uq_assessment_schemes_version'))
    )
    op.create_table('declaration_texts',
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('set_by', sa.BigInteger(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_declaration_texts_set_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('language', name=op.f('pk_declaration_texts'))
    )
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thesis_id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('disagreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('third_marker_id', sa.BigInteger(), nullable=True),
    sa.Column('proposal', sa.Double(), nullable=True),
    sa.Column('proposed_by', sa.BigInteger(), nullable=True),
    sa.Column('accepted_by', sa.JSON(), nullable=True),
    sa.Column('agreed_total', sa.Double(), nullable=True),
    sa.Column('agreed_how', sa.String(length=16), nullable=True),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by', sa.BigInteger(), nullable=True),
    sa.Column('protocol_key', sa.String(length=512), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("state IN ('marking', 'disagreed', 'third_marker', 'agreed', 'released')", name=op.f('ck_assessments_state')),
    sa.ForeignKeyConstraint(['proposed_by'], ['users.id'], name=op.f('fk_assessments_proposed_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['released_by'], ['users.id'], name=op.f('fk_assessments_released_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_schemes.id'], name=op.f('fk_assessments_scheme_id_assessment_schemes')),
    sa.ForeignKeyConstraint(['thesis_id'], ['theses.id'], name=op.f('fk_assessments_thesis_id_theses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['third_marker_id'], ['users.id'], name=op.f('fk_assessments_third_marker_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('thesis_id', name=op.f('uq_assessments_thesis_id'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_protocol_key'), ['protocol_key'], unique=False)

    op.create_table('assessment_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('marker_id', sa.BigInteger(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('marks', sa.JSON(), nullable=False),
    sa.Column('total', sa.Double(), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('report_file_key', sa.String(length=512), nullable=True),
    sa.Column('report_file_name', sa.String(length=256), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("role IN ('supervisor', 'examiner', 'third')", name=op.f('ck_assessment_marks_role')),
    sa.CheckConstraint('total >= 0 AND total <= 100', name=op.f('ck_assessment_marks_total')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_marks_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marker_id'], ['users.id'], name=op.f('fk_assessment_marks_marker_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_marks')),
    sa.UniqueConstraint('assessment_id', 'marker_id', name='uq_assessment_marks_marker')
    )
    with op.batch_alter_table('assessment_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_marks_marker_id'), ['marker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_marks_report_file_key'), ['report_file_key'], unique=False)

    op.create_table('declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thesis_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.BigInteger(), nullable=True),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_declarations_student_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_declarations_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thesis_id'], ['theses.id'], name=op.f('fk_declarations_thesis_id_theses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations'))
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declarations_thesis_id'), ['thesis_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declarations_thesis_id'))

    op.drop_table('declarations')
    with op.batch_alter_table('assessment_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_marks_report_file_key'))
        batch_op.drop_index(batch_op.f('ix_assessment_marks_marker_id'))

    op.drop_table('assessment_marks')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_protocol_key'))

    op.drop_table('assessments')
    op.drop_table('declaration_texts')
    op.drop_table('assessment_schemes')
    # Waiting for a declaration was an approved thesis; a released one was final.
    op.execute("UPDATE theses SET status = 'approved' WHERE status = 'declaration'")
    op.execute("UPDATE theses SET status = 'final' WHERE status = 'released'")
    _status_check(BEFORE)
