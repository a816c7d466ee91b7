"""Thesis teams looked up by member: a supervisor's /queue, /students and dashboards.

Revision ID: 0015
Revises: 0011
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_thesis_members_user", "thesis_members", ["user_id", "student_id"])


def downgrade() -> None:
    op.drop_index("ix_thesis_members_user", table_name="thesis_members")
