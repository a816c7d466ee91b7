"""Taking, listing and restoring backups: the steps in order, each checked before the next.

A backup ``<id>`` (a UTC timestamp such as ``20261129T031500Z``, with ``-xxxx`` appended when
that second is taken) is::

    backups/<id>/database.dump      pg_dump --format=custom --compress=6 (SQLite: database.sqlite3)
    backups/<id>/files/<key>        a copy of every object a row refers to (full backups only)
    backups/<id>/manifest.json      written last: a backup without it is incomplete

The dump is written to ``DATA_DIR/backups/<id>/`` first and then uploaded. Row counts and the
referenced keys are read in the very snapshot that is dumped, so a restore can be checked
against them exactly even if the bot was writing during the backup.

Restoring checks the manifest, the dump's and every object's sha256 first, then replaces the
database in one transaction (a failure leaves it as it was), then makes the files store equal
to the backup's objects, then verifies row counts and objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.ops.backup import dumps, manifest, places
from bot.ops.backup.errors import BackupError, describe, say
from bot.ops.backup.places import Places
from storage.db import safe_url


class Declined(Exception):
    """The operator did not confirm a restore."""


async def _new_id(p: Places) -> tuple[str, Path]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    p.staging_root.mkdir(mode=0o700, parents=True, exist_ok=True)  # dumps are readable data
    for attempt in range(8):
        backup_id = stamp if attempt == 0 else f"{stamp}-{secrets.token_hex(2)}"
        staging = p.staging(backup_id)
        try:
            staging.mkdir(mode=0o700)
        except FileExistsError:
            continue
        if not p.local and await places.has_prefix(p.backups, manifest.backup_prefix(backup_id)):
            staging.rmdir()
            continue
        return backup_id, staging
    raise BackupError("could not find a free backup id")


async def _copy_files(p: Places, backup_id: str, keys: set[str]) -> dict[str, Any]:
    """Copy the referenced objects, hashing each; unreferenced ones are left out."""
    stored = await places.listing(p.files)
    archived = sorted(k for k in keys if k in stored and stored[k].archived)
    if archived:
        raise BackupError(f"{len(archived)} objects in {p.files} are archived "
                          f"(e.g. {archived[0]}); restore them from Glacier first")
    missing = sorted(keys - set(stored))
    if missing:  # the rows stay restorable; the report says which files were already gone
        say(f"backup {backup_id}: {len(missing)} referenced objects are not in {p.files} "
            f"(e.g. {missing[0]}); backing up the rest")
    unsafe = sorted(k for k in keys if not manifest.safe_key(k))
    if unsafe:  # a restore would refuse such a name: leave it out rather than the backup
        say(f"backup {backup_id}: {len(unsafe)} referenced keys are not plain relative keys "
            f"(e.g. {unsafe[0]!r}); left out")
    wanted = sorted(k for k in keys if k in stored and manifest.safe_key(k))
    say(f"backup {backup_id}: copying {len(wanted)} referenced objects from {p.files} "
        f"({len(stored) - len(wanted)} unreferenced left out)")
    prefix = manifest.files_prefix(backup_id)
    objects: dict[str, dict[str, Any]] = {}

    async def copy_one(key: str) -> None:
        size, digest = await places.copy(p.files, key, p.backups, prefix + key)
        objects[key] = {"key": key, "size": size, "sha256": digest}

    await places.each(wanted, copy_one)
    listed = [objects[k] for k in sorted(objects)]
    return {"source": str(p.files), "count": len(listed),
            "bytes": sum(o["size"] for o in listed), "objects": listed,
            "missing": missing, "unreferenced_skipped": len(set(stored) - keys)}


async def create_backup(settings: Settings, *, include_files: bool,
                        reason: str) -> dict[str, Any]:
    """Take a backup and return its manifest. Leaves nothing behind on failure (locally; in
    a bucket the application cannot delete from, an incomplete backup is listed as such)."""
    url = settings.effective_database_url
    backend = dumps.backend_of(url)
    async with places.open_places(settings) as p:
        backup_id, staging = await _new_id(p)
        prefix = manifest.backup_prefix(backup_id)
        try:
            say(f"backup {backup_id}: dumping {safe_url(url)}")
            name = manifest.DUMP_FILES[backend]
            dump = staging / name
            dumper = dumps.dump_postgres if backend == "postgresql" else dumps.dump_sqlite
            database, keys = await dumper(url, dump)
            database.update(url=safe_url(url), backend=backend, file=name,
                            size=dump.stat().st_size,
                            sha256=await asyncio.to_thread(dumps.sha256_file, dump))
            if not p.local:
                say(f"backup {backup_id}: uploading the dump to {p.backups}")
                await places.upload(p.backups, prefix + name, dump)
            files = await _copy_files(p, backup_id, keys) if include_files else None
            result = manifest.build(backup_id, reason=reason, database=database, files=files)
            await places.write_bytes(p.backups, prefix + manifest.MANIFEST,
                                     manifest.encode(result))
        except BaseException:
            await asyncio.shield(places.discard(p, backup_id, prefix))
            raise
        if not p.local:
            shutil.rmtree(staging, ignore_errors=True)
    return result


async def backup_database_for_migration(settings: Settings) -> str:
    """Database-only backup before ``migrate``; raises BackupError so the migration aborts."""
    try:
        taken = await create_backup(settings, include_files=False, reason="pre-migration")
    except BackupError:
        raise
    except Exception as exc:
        raise BackupError(describe(exc, settings)) from exc
    return str(taken["id"])


async def _read_manifest(p: Places, backup_id: str) -> dict[str, Any] | None:
    raw = await places.read_bytes(p.backups, manifest.backup_prefix(backup_id) + manifest.MANIFEST)
    return None if raw is None else manifest.decode(raw, backup_id)


async def list_backups(settings: Settings) -> list[dict[str, Any]]:
    """Manifests, newest first; incomplete backups appear as ``{"id", "incomplete": True}``."""
    async with places.open_places(settings) as p:
        found = []
        for backup_id in sorted(await places.list_ids(p.backups), reverse=True):
            try:
                stored = await _read_manifest(p, backup_id)
            except BackupError:
                stored = None
            found.append(stored or {"id": backup_id, "incomplete": True})
        return found


async def _check_objects(p: Places, backup_id: str, files: dict[str, Any]) -> None:
    """Every object the manifest lists is there, readable, of its size and sha256."""
    prefix = manifest.files_prefix(backup_id)
    stored = {k[len(prefix):]: o for k, o in (await places.listing(p.backups, prefix)).items()}
    wanted = {o["key"]: o for o in files["objects"]}
    missing = [k for k, o in wanted.items() if k not in stored or stored[k].size != o["size"]]
    if missing:
        raise BackupError(f"backup {backup_id}: {len(missing)} objects missing or "
                          f"truncated (e.g. {missing[0]}); nothing was changed")
    if any(stored[k].archived for k in wanted):
        raise BackupError(f"backup {backup_id}: objects are archived in Glacier; "
                          "restore them to S3 first; nothing was changed")
    extra = sorted(set(stored) - set(wanted))
    if extra:
        say(f"restore {backup_id}: ignoring {len(extra)} objects not in the manifest "
            f"(e.g. files/{extra[0]})")
    say(f"restore {backup_id}: checking the sha256 of {len(wanted)} objects")
    bad: list[str] = []

    async def check(key: str) -> None:
        if await places.sha256_of(p.backups, prefix + key) != wanted[key]["sha256"]:
            bad.append(key)

    await places.each(sorted(wanted), check)
    if bad:
        raise BackupError(f"backup {backup_id}: {len(bad)} objects do not match the sha256 in "
                          f"the manifest (e.g. files/{sorted(bad)[0]}); nothing was restored")


async def _restore_files(p: Places, backup_id: str, files: dict[str, Any]) -> None:
    prefix = manifest.files_prefix(backup_id)
    wanted = {o["key"]: o for o in files["objects"]}
    say(f"restore {backup_id}: copying {len(wanted)} objects back to {p.files}")

    async def put_back(key: str) -> None:
        await places.copy(p.backups, prefix + key, p.files, key,
                          expected=wanted[key]["sha256"])

    await places.each(sorted(wanted), put_back)
    extra = sorted(set(await places.listing(p.files)) - set(wanted))
    if extra:
        say(f"restore {backup_id}: deleting {len(extra)} objects not in the backup")
        await places.each(extra, p.files.delete)
    now = await places.listing(p.files)
    differ = sorted(k for k in set(now) | set(wanted)
                    if k not in now or k not in wanted or now[k].size != wanted[k]["size"])
    if differ:
        raise BackupError(f"files differ after the restore (e.g. {differ[0]})")


def _verify_counts(expected: dict[str, int], actual: dict[str, int]) -> None:
    problems = [f"{t}: {actual.get(t, 'missing')} rows, backup has {n}"
                for t, n in sorted(expected.items()) if actual.get(t) != n]
    problems += [f"{t}: not in the backup" for t in sorted(set(actual) - set(expected))]
    if problems:
        raise BackupError("row counts differ after the restore: " + "; ".join(problems))


async def restore_backup(settings: Settings, backup_id: str, *, confirm: Any = None
                         ) -> dict[str, Any]:
    """Check everything first, then replace the database, then the files, then verify.

    confirm: an async callable given the manifest, returning whether to go on (None: go on).
    """
    manifest.check_id(backup_id)
    url = settings.effective_database_url
    backend = dumps.backend_of(url)
    async with places.open_places(settings) as p:
        found = await _read_manifest(p, backup_id)
        if found is None:
            where = p.staging(backup_id) if p.local else p.backups
            raise BackupError(f"no complete backup {backup_id} in {where}")
        manifest.validate(found, backup_id)
        database, files = found["database"], found["files"]
        if database["backend"] != backend:
            raise BackupError(f"backup {backup_id} is of a {database['backend']} database, "
                              f"DATABASE_URL is {backend}")
        if confirm is not None and not await confirm(found):
            raise Declined
        name = manifest.DUMP_FILES[backend]  # validated: the manifest names this very file
        dump = p.staging(backup_id) / name
        try:
            if not p.local:
                say(f"restore {backup_id}: downloading the dump from {p.backups}")
                await places.download(p.backups, manifest.backup_prefix(backup_id) + name, dump)
            if not dump.is_file():
                raise BackupError(f"backup {backup_id}: {name} is missing")
            if await asyncio.to_thread(dumps.sha256_file, dump) != database["sha256"]:
                raise BackupError(f"backup {backup_id}: {name} does not match "
                                  "the sha256 in the manifest")
            if files is not None:
                await _check_objects(p, backup_id, files)
            say(f"restore {backup_id}: replacing the database {safe_url(url)}")
            restorer = dumps.restore_postgres if backend == "postgresql" else dumps.restore_sqlite
            await restorer(url, dump)
        finally:
            if not p.local:
                with contextlib.suppress(OSError):
                    shutil.rmtree(p.staging(backup_id))
        if files is not None:
            await _restore_files(p, backup_id, files)
        _verify_counts(database["row_counts"], await dumps.database_counts(url))
    return found
