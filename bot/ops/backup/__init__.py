"""Logical backups: ``python -m bot backup | backups | restore <id>`` and ``migrate --backup``.

    manifest   what a backup holds (manifest.json), and the checks before a restore trusts it
    dumps      PostgreSQL (pg_dump / pg_restore through psql) and SQLite, row counts
    places     where backups and files live, as storage.files stores; copying between them
    jobs       taking, listing and restoring, step by step
    cli        the commands' output and exit statuses
"""

from bot.ops.backup.cli import backup_command, list_command, restore_command
from bot.ops.backup.dumps import database_counts, libpq_env
from bot.ops.backup.errors import BackupError, describe
from bot.ops.backup.jobs import (
    backup_database_for_migration,
    create_backup,
    list_backups,
    restore_backup,
)
from bot.ops.backup.manifest import BACKUP_ID

__all__ = [
    "BACKUP_ID", "BackupError", "backup_command", "backup_database_for_migration",
    "create_backup", "database_counts", "describe", "libpq_env", "list_backups",
    "list_command", "restore_backup", "restore_command",
]
