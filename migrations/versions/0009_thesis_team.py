"""Thesis teams: members (supervisor, co-supervisors, examiner), the approval rule, each
member's vote, the examiner's grade, team invites, and where review cards were delivered.

Every student's supervisor (users.supervisor_id) becomes the supervisor of their team, so
nobody is lost; users.supervisor_id stays as "the supervisor who invited them".

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "role IN ('supervisor', 'co_supervisor', 'examiner')"
DECISIONS = "decision IN ('approved', 'changes_requested', 'rejected')"
NOW = sa.text("(CURRENT_TIMESTAMP)")


def _created_at() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW,
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "thesis_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _created_at(),
        sa.CheckConstraint(ROLES, name=op.f("ck_thesis_members_role")),
        sa.ForeignKeyConstraint(["student_id"], ["users.id"],
                                name=op.f("fk_thesis_members_student_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_thesis_members_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thesis_members")),
        sa.UniqueConstraint("student_id", "user_id", name="uq_thesis_members_student_user"),
    )
    op.create_index(op.f("ix_thesis_members_user_id"), "thesis_members", ["user_id"])
    for role in ("supervisor", "examiner"):
        op.create_index(f"uq_thesis_members_one_{role}", "thesis_members", ["student_id"],
                        unique=True, postgresql_where=sa.text(f"role = '{role}'"),
                        sqlite_where=sa.text(f"role = '{role}'"))
    # Nobody lost: every student's supervisor heads their team.
    op.execute("INSERT INTO thesis_members (student_id, user_id, role, created_at) "
               "SELECT id, supervisor_id, 'supervisor', created_at FROM users "
               "WHERE role = 'student' AND supervisor_id IS NOT NULL")

    op.create_table(
        "review_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("feedback_file_key", sa.String(length=512), nullable=True),
        sa.Column("feedback_file_name", sa.String(length=256), nullable=True),
        sa.Column("feedback_telegram_file_id", sa.String(length=256), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        _created_at(),
        sa.CheckConstraint(DECISIONS, name=op.f("ck_review_votes_decision")),
        sa.CheckConstraint("grade IS NULL OR (grade >= 0 AND grade <= 100)",
                           name=op.f("ck_review_votes_grade")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_review_votes_submission_id_submissions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"],
                                name=op.f("fk_review_votes_member_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_votes")),
        sa.UniqueConstraint("submission_id", "member_id",
                            name="uq_review_votes_submission_member"),
    )
    op.create_index(op.f("ix_review_votes_member_id"), "review_votes", ["member_id"])
    op.create_index(op.f("ix_review_votes_feedback_file_key"), "review_votes",
                    ["feedback_file_key"])

    op.create_table(
        "examiner_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thesis_id", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.BigInteger(), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("report_file_key", sa.String(length=512), nullable=True),
        sa.Column("report_file_name", sa.String(length=256), nullable=True),
        sa.Column("report_telegram_file_id", sa.String(length=256), nullable=True),
        _created_at(),
        sa.CheckConstraint("grade >= 0 AND grade <= 100", name=op.f("ck_examiner_grades_grade")),
        sa.ForeignKeyConstraint(["thesis_id"], ["theses.id"],
                                name=op.f("fk_examiner_grades_thesis_id_theses"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["examiner_id"], ["users.id"],
                                name=op.f("fk_examiner_grades_examiner_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_examiner_grades")),
        sa.UniqueConstraint("thesis_id", name=op.f("uq_examiner_grades_thesis_id")),
    )
    op.create_index(op.f("ix_examiner_grades_report_file_key"), "examiner_grades",
                    ["report_file_key"])

    op.create_table(
        "review_cards",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("caption", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_review_cards_submission_id_submissions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("submission_id", "chat_id", name=op.f("pk_review_cards")),
    )

    with op.batch_alter_table("theses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approval_rule", sa.String(length=8), nullable=False,
                                      server_default=sa.text("'any'")))
        batch_op.create_check_constraint(op.f("ck_theses_approval_rule"),
                                         "approval_rule IN ('any', 'all')")
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("student_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("team_role", sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(op.f("fk_invites_student_id_users"), "users",
                                    ["student_id"], ["id"], ondelete="CASCADE")
        batch_op.create_check_constraint(
            op.f("ck_invites_team_role"),
            "team_role IS NULL OR team_role IN ('supervisor', 'co_supervisor', 'examiner')")


def downgrade() -> None:
    # Team invites cannot be kept as what they were: revoked, so nobody joins by them.
    op.execute("UPDATE invites SET revoked_at = CURRENT_TIMESTAMP "
               "WHERE team_role IS NOT NULL AND revoked_at IS NULL")
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invites_team_role"), type_="check")
        batch_op.drop_constraint(op.f("fk_invites_student_id_users"), type_="foreignkey")
        batch_op.drop_column("team_role")
        batch_op.drop_column("student_id")
    with op.batch_alter_table("theses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_theses_approval_rule"), type_="check")
        batch_op.drop_column("approval_rule")
    op.drop_table("review_cards")
    op.drop_index(op.f("ix_examiner_grades_report_file_key"), table_name="examiner_grades")
    op.drop_table("examiner_grades")
    op.drop_index(op.f("ix_review_votes_feedback_file_key"), table_name="review_votes")
    op.drop_index(op.f("ix_review_votes_member_id"), table_name="review_votes")
    op.drop_table("review_votes")
    for role in ("supervisor", "examiner"):
        op.drop_index(f"uq_thesis_members_one_{role}", table_name="thesis_members")
    op.drop_index(op.f("ix_thesis_members_user_id"), table_name="thesis_members")
    op.drop_table("thesis_members")
