"""``manifest.json``: what a backup holds, written last, and checked before a restore trusts it.

The backups bucket accepts new objects from the application role (it writes backups), so a
manifest is input, not a fact: before a restore uses it, every name in it must be one a backup
writes (``database.dump``, ``database.sqlite3``, objects below the backup's own ``files/``),
never absolute or with a ``..`` component, and every object carries the sha256 recorded when
it was copied, which the restore checks before it changes anything.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from datetime import UTC, datetime
from typing import Any

from bot.ops.backup.errors import BackupError

PREFIX = "backups/"
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
DUMP_FILES = {"postgresql": PG_DUMP_FILE, "sqlite": SQLITE_FILE}
# 2: a sha256 per file object. Format 1 had none: its objects cannot be checked, so refused.
MANIFEST_FORMAT = 2
BACKUP_ID = re.compile(r"^\d{8}T\d{6}Z(?:-[0-9a-f]{4})?$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_KEY = 1024  # S3's limit on a key, in bytes


def backup_prefix(backup_id: str) -> str:
    return f"{PREFIX}{backup_id}/"


def files_prefix(backup_id: str) -> str:
    return f"{backup_prefix(backup_id)}files/"


def check_id(backup_id: str) -> None:
    if not BACKUP_ID.match(backup_id):
        raise BackupError(f"{backup_id!r} is not a backup id (like 20261129T031500Z); "
                          "see python -m bot backups")


def safe_key(key: object) -> bool:
    """A relative object key: no absolute path, no empty, '.' or '..' component, no control
    characters or backslashes (which some tools read as separators)."""
    if not isinstance(key, str) or not key or len(key.encode()) > MAX_KEY:
        return False
    if key.startswith("/") or "\\" in key or any(ord(c) < 32 or ord(c) == 127 for c in key):
        return False
    return all(part not in ("", ".", "..") for part in key.split("/"))


def app_version() -> str:
    try:
        return importlib.metadata.version("thesis-supervisor")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def build(backup_id: str, *, reason: str, database: dict[str, Any],
          files: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "id": backup_id,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": "database" if files is None else "full",
        "reason": reason,
        "app_version": app_version(),
        "alembic_revision": database["alembic_revision"],
        "database": database,
        "files": files,
    }


def encode(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, indent=2, sort_keys=True).encode()


def decode(raw: bytes, backup_id: str) -> dict[str, Any]:
    """The manifest as stored, if it describes this backup (enough to list it)."""
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError(f"backup {backup_id}: manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("id") != backup_id:
        raise BackupError(f"backup {backup_id}: manifest.json does not describe this backup")
    return manifest


def validate(manifest: dict[str, Any], backup_id: str) -> None:
    """Refuse a manifest that a restore must not act on; the message says what is wrong."""
    problem = _problem(manifest)
    if problem:
        raise BackupError(f"backup {backup_id}: manifest.json refused ({problem}); "
                          "nothing was restored")


def _problem(manifest: dict[str, Any]) -> str | None:
    if manifest.get("format") != MANIFEST_FORMAT:
        return (f"format {manifest.get('format')!r}, this version restores format "
                f"{MANIFEST_FORMAT} (with a sha256 per file)")
    database = manifest.get("database")
    if not isinstance(database, dict):
        return "no database section"
    backend = database.get("backend")
    if backend not in DUMP_FILES:
        return f"unknown database backend {backend!r}"
    if database.get("file") != DUMP_FILES[backend]:
        return f"database file {database.get('file')!r} is not {DUMP_FILES[backend]}"
    if not isinstance(database.get("sha256"), str) or not SHA256.match(database["sha256"]):
        return "the database dump has no sha256"
    counts = database.get("row_counts")
    if not isinstance(counts, dict) or not all(
            isinstance(t, str) and type(n) is int for t, n in counts.items()):
        return "row counts are not a table → count map"
    files = manifest.get("files")
    if (manifest.get("kind") == "full") != (files is not None):
        return f"kind {manifest.get('kind')!r} does not match its files section"
    return None if files is None else _files_problem(files)


def _files_problem(files: Any) -> str | None:
    objects = files.get("objects") if isinstance(files, dict) else None
    if not isinstance(objects, list):
        return "files section without a list of objects"
    seen: set[str] = set()
    for item in objects:
        key = item.get("key") if isinstance(item, dict) else None
        if not safe_key(key):
            return f"object name {key!r} is not a relative key below the backup's files/"
        assert isinstance(key, str) and isinstance(item, dict)
        if key in seen:
            return f"object {key!r} is listed twice"
        seen.add(key)
        if type(item.get("size")) is not int or item["size"] < 0:
            return f"object {key!r} has no size"
        if not isinstance(item.get("sha256"), str) or not SHA256.match(item["sha256"]):
            return f"object {key!r} has no sha256"
    if files.get("count") != len(objects):
        return "the object count does not match the list"
    return None
