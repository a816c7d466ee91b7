"""``python -m bot backup | backups | restore <id>``: what the operator reads, exit statuses."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from bot.config import Settings
from bot.ops.backup.errors import describe, say
from bot.ops.backup.jobs import Declined, create_backup, list_backups, restore_backup
from storage.db import safe_url


def size_text(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


async def backup_command(settings: Settings) -> int:
    """Full backup; prints the id alone on stdout (progress goes to stderr)."""
    try:
        if not settings.s3_backup_bucket:
            say(f"note: S3_BACKUP_BUCKET is not set; the backup stays in "
                f"{(settings.data_dir / 'backups').resolve()} on this machine")
        manifest = await create_backup(settings, include_files=True, reason="manual")
    except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
        print(f"backup failed: {describe(exc, settings)}", file=sys.stderr)
        return 1
    files = manifest["files"]
    say(f"backup {manifest['id']} done: {sum(manifest['database']['row_counts'].values())} rows "
        f"in {len(manifest['database']['row_counts'])} tables, {files['count']} objects "
        f"({size_text(files['bytes'])})")
    print(manifest["id"], flush=True)
    return 0


def _row(m: dict[str, Any]) -> str:
    if m.get("incomplete"):
        return f"{m['id']:<22} {'-':<20} {'-':<9} {'incomplete':<14}"
    files = m.get("files") or {}
    created = m["created_at"].replace("T", " ")[:19]
    size = m["database"]["size"] + int(files.get("bytes", 0))
    rows = sum(m["database"]["row_counts"].values())
    objects = str(files["count"]) if files else "-"
    return (f"{m['id']:<22} {created:<20} {m['kind']:<9} {m['reason']:<14} "
            f"{size_text(size):>10} {rows:>8} {objects:>8}  {m.get('alembic_revision') or '-'}")


async def list_command(settings: Settings) -> int:
    try:
        backups = await list_backups(settings)
        where = settings.s3_backup_bucket and f"s3://{settings.s3_backup_bucket}"
    except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
        print(f"listing backups failed: {describe(exc, settings)}", file=sys.stderr)
        return 1
    where = where or str((settings.data_dir / "backups").resolve())
    if not backups:
        print(f"no backups in {where}")
        return 0
    print(f"{'ID':<22} {'CREATED (UTC)':<20} {'KIND':<9} {'REASON':<14} {'SIZE':>10} "
          f"{'ROWS':>8} {'OBJECTS':>8}  REVISION")
    for m in backups:
        print(_row(m))
    print(f"({len(backups)} in {where})")
    return 0


def _confirmer(settings: Settings) -> Any:
    async def confirm(manifest: dict[str, Any]) -> bool:
        files = manifest.get("files")
        say(f"Backup {manifest['id']} ({manifest['kind']}, {manifest['reason']}) taken "
            f"{manifest['created_at']}, revision {manifest.get('alembic_revision') or '-'}.")
        say(f"This REPLACES the database {safe_url(settings.effective_database_url)}"
            + (f" and makes the files store equal to the backup's {files['count']} objects"
               if files else " (files are not touched: database-only backup)") + ".")
        try:
            answer = await asyncio.to_thread(input, "Type the backup id to continue: ")
        except EOFError:
            return False
        return bool(answer.strip() == manifest["id"])

    return confirm


async def restore_command(settings: Settings, backup_id: str, *, assume_yes: bool = False) -> int:
    if not assume_yes and not (sys.stdin and sys.stdin.isatty()):
        print("restore refused: it replaces the database and files; no terminal to confirm "
              "on, so pass --yes", file=sys.stderr)
        return 2
    try:
        manifest = await restore_backup(
            settings, backup_id, confirm=None if assume_yes else _confirmer(settings))
    except Declined:
        print("restore cancelled: the answer was not the backup id", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
        print(f"restore failed: {describe(exc, settings)}", file=sys.stderr)
        return 1
    rows = sum(manifest["database"]["row_counts"].values())
    files = manifest.get("files")
    print(f"restored {backup_id}: {rows} rows verified"
          + (f", {files['count']} objects" if files else ", files untouched"), flush=True)
    anonymised = manifest["database"].get("anonymised_theses") or []
    # Retention's removals after this backup was taken are undone by the restore.
    print(f"this backup holds {len(anonymised)} theses anonymised by retention; run "
          "`python -m bot retention` now to anonymise again any that retention removed "
          "after it was taken", file=sys.stderr, flush=True)
    return 0
