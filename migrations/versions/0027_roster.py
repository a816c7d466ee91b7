"""Roster import: the people of a department's roster (pending until they join), and the
personal links (invites) that join exactly one of them.

Revision ID: 0027
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roster_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("co_supervisor_ids", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("role IN ('supervisor', 'student')", name="ck_roster_people_role"),
        sa.ForeignKeyConstraint(["supervisor_id"], ["roster_people.id"], ondelete="SET NULL",
                                name="fk_roster_people_supervisor_id_roster_people"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL",
                                name="fk_roster_people_user_id_users"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL",
                                name="fk_roster_people_created_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_roster_people"),
        sa.UniqueConstraint("email", name="uq_roster_people_email"),
        sa.UniqueConstraint("user_id", name="uq_roster_people_user_id"),
    )
    op.create_index("ix_roster_people_supervisor_id", "roster_people", ["supervisor_id"])
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roster_person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_invites_roster_person_id_roster_people",
                                    "roster_people", ["roster_person_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_index("ix_invites_roster_person_id", ["roster_person_id"])


def downgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_index("ix_invites_roster_person_id")
        batch_op.drop_constraint("fk_invites_roster_person_id_roster_people", type_="foreignkey")
        batch_op.drop_column("roster_person_id")
    op.drop_index("ix_roster_people_supervisor_id", table_name="roster_people")
    op.drop_table("roster_people")
