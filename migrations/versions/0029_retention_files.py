"""Retention keeps ``stored_files`` true: a version whose file retention deleted keeps its
row (number, size, SHA-256, time) with no file, so ``submissions.file_key`` may be NULL.

Why not a row in ``stored_files`` marked "deleted": that table is the record of the objects
in the store (every row's object is there); a row for an object that is not would make it
say two things. Why it happened is recorded already: the thesis's ``anonymised_at``.

Downgrade makes the column NOT NULL again; a database where retention has cleared a version's
file cannot go back (it is refused, nothing is changed).

Revision ID: 0029
Revises: 0028
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | Sequence[str] | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.alter_column('file_key', existing_type=sa.String(length=512), nullable=True)


def downgrade() -> None:
    cleared = op.get_bind().scalar(
        sa.text("SELECT COUNT(*) FROM submissions WHERE file_key IS NULL"))
    if cleared:
        raise RuntimeError(f"{cleared} versions have no file (deleted by retention): "
                           "submissions.file_key cannot be made NOT NULL again")
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.alter_column('file_key', existing_type=sa.String(length=512), nullable=False)
