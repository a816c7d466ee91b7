"""Stored files: one row per object in the file store (key, stored name, kind, size, sha256,
state staged/attached, created), and every column that holds a file's key becomes a foreign
key to it (versions, feedback files of decisions and votes, examiner and marker reports,
thread attachments, comparison and shared-text reports, assessment protocols, applicants'
CVs).

Data: every key already held gets its row, ``attached`` (a row refers to it), with the name,
size and digest its owner knew. Idempotent: a key that has its row already is left as it is.
Downgrade drops the foreign keys and the table; the owners' key columns are untouched, so
every key is kept. (On SQLite the batch copies run with foreign keys off: migrations/env.py.)

Revision ID: 0023
Revises: 0025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, key column, kind, name expression, size expression, sha256 expression, created)
OWNERS = (
    ("submissions", "file_key", "version", "file_name", "file_size", "sha256",
     "submitted_at"),
    ("reviews", "feedback_file_key", "feedback", "feedback_file_name", "NULL", "NULL",
     "created_at"),
    ("review_votes", "feedback_file_key", "feedback", "feedback_file_name", "NULL", "NULL",
     "created_at"),
    ("examiner_grades", "report_file_key", "report", "report_file_name", "NULL", "NULL",
     "created_at"),
    ("thread_messages", "file_key", "attachment", "file_name", "NULL", "NULL", "created_at"),
    ("version_comparisons", "html_key", "comparison", "'comparison.html'", "NULL", "NULL",
     "created_at"),
    ("version_similarity", "html_key", "similarity", "'shared-text.html'", "NULL", "NULL",
     "checked_at"),
    ("assessments", "protocol_key", "protocol", "'protocol.pdf'", "NULL", "NULL",
     "created_at"),
    ("assessment_marks", "report_file_key", "report", "report_file_name", "NULL", "NULL",
     "submitted_at"),
    ("applications", "cv_key", "cv", "cv_name", "NULL", "NULL", "created_at"),
)
KINDS = ("version", "feedback", "attachment", "report", "comparison", "similarity", "protocol",
         "cv")


def _present() -> list[tuple[str, str, str, str, str, str, str]]:
    """The owners this database has (a later revision may have merged or dropped one)."""
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    return [owner for owner in OWNERS if owner[0] in tables and owner[1] in
            {c["name"] for c in inspector.get_columns(owner[0])}]


def _fk(table: str, column: str) -> str:
    return f"fk_{table}_{column}_stored_files"


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("state IN ('staged', 'attached')",
                           name=op.f("ck_stored_files_state")),
        sa.CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")",
                           name=op.f("ck_stored_files_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("key", name=op.f("uq_stored_files_key")),
    )
    op.create_index("ix_stored_files_state_created", "stored_files", ["state", "created_at"],
                    unique=False)
    owners = _present()
    fill(owners)
    for table, column, *_rest in owners:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(op.f(_fk(table, column)), "stored_files", [column],
                                        ["key"])


def fill(owners: Sequence[tuple[str, str, str, str, str, str, str]]) -> None:
    """Every key an owner holds gets its row (once: run again, it adds nothing)."""
    for table, column, kind, name, size, sha256, created in owners:
        op.execute(
            f"INSERT INTO stored_files (key, name, kind, size, sha256, state, created_at) "
            f"SELECT {column}, MIN({name}), '{kind}', MAX(CAST({size} AS BIGINT)), MAX({sha256}), 'attached', "
            f"COALESCE(MIN({created}), CURRENT_TIMESTAMP) FROM {table} "
            f"WHERE {column} IS NOT NULL GROUP BY {column} "
            f"ON CONFLICT (key) DO NOTHING")


def downgrade() -> None:
    for table, column, *_rest in _present():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(_fk(table, column)), type_="foreignkey")
    op.drop_index("ix_stored_files_state_created", table_name="stored_files")
    op.drop_table("stored_files")
