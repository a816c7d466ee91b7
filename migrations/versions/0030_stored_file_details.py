"""A stored file's row says all a conversation needs of it: its format (pdf, docx, voice,
photo) and Telegram's copy (``telegram_file_id``), so a conversation waiting on a staged file
holds only the row's id (issue 25) and the recording step reads the rest from the row it
attaches.

Existing staged rows get their format from their name (the stored name always ends in the
format's suffix); Telegram's copy of them is not known, and such a file is sent from the
store instead. Downgrade drops both columns.

Revision ID: 0030
Revises: 0029
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0030'
down_revision: str | Sequence[str] | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('format', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('telegram_file_id', sa.String(length=256),
                                      nullable=True))
    op.execute(sa.text(
        "UPDATE stored_files SET format = CASE "
        "WHEN lower(name) LIKE '%.pdf' THEN 'pdf' "
        "WHEN lower(name) LIKE '%.docx' THEN 'docx' END "
        "WHERE name IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_column('telegram_file_id')
        batch_op.drop_column('format')
