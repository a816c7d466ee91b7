"""One record per fact: users.supervisor_id becomes users.invited_by_id (who invited them;
who supervises is the thesis team), and the role "member" for people who joined a team by
its invite (their power stays in their teams).

Data: every value is kept under its new name. A supervisor-side person who is only a
co-supervisor or examiner somewhere, supervises no thesis and never made an invite joined
through a team invite: they become a "member". Downgrade makes members supervisors again
(what they were before this revision).

Revision ID: 0017
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = "role IN ('admin', 'supervisor', 'student')"
NEW_ROLES = "role IN ('admin', 'supervisor', 'student', 'member')"


def _roles(check: str) -> None:
    for table in ("users", "invites"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_role"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_role"), check)


def _rename(old: str, new: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(op.f(f"ix_users_{old}"))
        batch_op.drop_constraint(op.f(f"fk_users_{old}_users"), type_="foreignkey")
        batch_op.alter_column(old, new_column_name=new, existing_type=sa.BigInteger(),
                              existing_nullable=True)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_foreign_key(op.f(f"fk_users_{new}_users"), "users", [new], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index(op.f(f"ix_users_{new}"), [new], unique=False)


def upgrade() -> None:
    _rename("supervisor_id", "invited_by_id")
    _roles(NEW_ROLES)
    op.execute(
        "UPDATE users SET role = 'member' WHERE role = 'supervisor'"
        " AND id IN (SELECT user_id FROM thesis_members WHERE role <> 'supervisor')"
        " AND id NOT IN (SELECT user_id FROM thesis_members WHERE role = 'supervisor')"
        " AND id NOT IN (SELECT created_by FROM invites)")
    op.execute("UPDATE invites SET role = 'member' WHERE team_role IS NOT NULL")


def downgrade() -> None:
    op.execute("UPDATE invites SET role = 'supervisor' WHERE role = 'member'")
    op.execute("UPDATE users SET role = 'supervisor' WHERE role = 'member'")
    _roles(OLD_ROLES)
    _rename("invited_by_id", "supervisor_id")
