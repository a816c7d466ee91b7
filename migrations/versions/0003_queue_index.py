"""Index the review queue: theses by status, oldest change first.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("theses", schema=None) as batch_op:
        batch_op.create_index("ix_theses_status_updated", ["status", "updated_at", "id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("theses", schema=None) as batch_op:
        batch_op.drop_index("ix_theses_status_updated")
