"""Logical backups: ``python -m bot backup | backups | restore <id>`` and ``migrate --backup``.

A backup ``<id>`` (a UTC timestamp such as ``20261129T031500Z``, with ``-xxxx`` appended when
that second is taken) is, in the backups bucket (``S3_BACKUP_BUCKET``) or, without one, under
``DATA_DIR``::

    backups/<id>/database.dump      pg_dump --format=custom --compress=6 (SQLite: database.sqlite3)
    backups/<id>/files/<key>        a copy of every object of the files bucket (full backups only)
    backups/<id>/manifest.json      written last: a backup without it is incomplete

The dump is always written to ``DATA_DIR/backups/<id>/`` first and then uploaded. The row counts
in the manifest are taken in the very snapshot pg_dump dumps (``pg_export_snapshot``), so a
restore can be checked against them exactly even if the bot was writing during the backup.

Restoring replaces the database in one transaction: the pg_restore script (``--clean
--if-exists --no-owner``) is applied by ``psql --single-transaction`` after emptying the public
schema in that same transaction, so a failed restore leaves the database as it was. Then the
files bucket is made equal to the backup's copy, and row counts and objects are verified.

Secrets: the database password reaches pg_dump/pg_restore/psql only through ``PGPASSWORD`` in
their environment, never their command line; printed URLs hide it, error text is redacted.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib.metadata
import json
import os
import re
import secrets
import shutil
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.config import Settings
from storage.db import create_engine, safe_url

PREFIX = "backups/"
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MANIFEST_FORMAT = 1
BACKUP_ID = re.compile(r"^\d{8}T\d{6}Z(?:-[0-9a-f]{4})?$")
COPY_CONCURRENCY = 16
COPY_OBJECT_LIMIT = 5 * 1024**3  # larger objects need a multipart copy
RELAY_CHUNK = 256 * 1024
ARCHIVED = {"GLACIER", "DEEP_ARCHIVE"}
FILES_SSE = {"ServerSideEncryption": "AES256"}  # as storage.files.S3FileStore writes them
# libpq variables inherited from the environment that could redirect the tools elsewhere.
PG_VARIABLES = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD",
                "PGSERVICE", "PGSSLMODE", "PGOPTIONS")

# Runs in the restore's transaction, before the pg_restore script: objects that the backup
# does not know (say, tables added by a later migration) must not survive the restore.
EMPTY_SCHEMA = """
SET LOCAL lock_timeout = '60s';
DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public;
DO $$ BEGIN
    ALTER SCHEMA public OWNER TO pg_database_owner;  -- PostgreSQL 14+ default
EXCEPTION WHEN undefined_object OR insufficient_privilege THEN NULL;
END $$;
GRANT USAGE ON SCHEMA public TO PUBLIC;
"""


class BackupError(Exception):
    """A backup or restore step failed; the message is one line, without secrets."""


# --- Database connection details ---------------------------------------------------------

def _backend(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError(f"unsupported database {backend!r}: PostgreSQL or SQLite only")
    return backend


def libpq_env(url: str) -> dict[str, str]:
    """Environment for pg_dump/pg_restore/psql: the SQLAlchemy URL as libpq variables."""
    parsed: URL = make_url(url)
    env = {k: v for k, v in os.environ.items() if k not in PG_VARIABLES}
    query = {k: (v[-1] if isinstance(v, tuple) else v) for k, v in parsed.query.items()}
    host = parsed.host or query.get("host")
    if host:
        env["PGHOST"] = host
    if parsed.port:
        env["PGPORT"] = str(parsed.port)
    if parsed.username:
        env["PGUSER"] = parsed.username
    if parsed.database:
        env["PGDATABASE"] = parsed.database
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    ssl = query.get("sslmode") or query.get("ssl")
    if ssl:
        env["PGSSLMODE"] = "require" if ssl.lower() in ("true", "1", "on") else ssl
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    env["PGAPPNAME"] = "thesis-supervisor-backup"
    return env


def _secrets(settings: Settings | None) -> list[str]:
    values = [os.environ.get("AWS_SECRET_ACCESS_KEY"), os.environ.get("AWS_SESSION_TOKEN"),
              os.environ.get("PGPASSWORD")]
    if settings is not None:
        with contextlib.suppress(Exception):
            values.append(make_url(settings.effective_database_url).password)
    return [str(v) for v in values if v and len(str(v)) >= 4]


def describe(exc: BaseException, settings: Settings | None = None) -> str:
    """One line about exc, with any known secret blanked out."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, BackupError):
        message = str(exc)
    else:
        orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's error
        inner = orig if orig is not None else exc
        first = next((line for line in str(inner).splitlines() if line.strip()), "")
        message = f"{type(inner).__name__}: {first}".rstrip(": ")
    for secret in _secrets(settings):
        message = message.replace(secret, "***")
    return message


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _app_version() -> str:
    try:
        return importlib.metadata.version("thesis-supervisor")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --- Where backups and files live ------------------------------------------------------------

class Obj(NamedTuple):
    size: int
    archived: bool = False


class LocalPlace:
    """A folder; keys are paths below it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __str__(self) -> str:
        return str(self.root)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if path == self.root or not path.is_relative_to(self.root):
            raise BackupError(f"object key {key!r} escapes {self.root}")
        return path

    async def objects(self, prefix: str = "") -> dict[str, Obj]:
        def walk() -> dict[str, Obj]:
            base = self.root / prefix
            found: dict[str, Obj] = {}
            if not base.is_dir():
                return found
            for dirpath, _dirs, names in os.walk(base):
                for name in names:
                    if name.endswith(".part"):  # an upload in progress
                        continue
                    full = Path(dirpath) / name
                    found[full.relative_to(self.root).as_posix()] = Obj(full.stat().st_size)
            return found

        return await asyncio.to_thread(walk)

    async def list_ids(self) -> list[str]:
        base = self.root / PREFIX
        if not base.is_dir():
            return []
        return [p.name for p in base.iterdir() if p.is_dir() and BACKUP_ID.match(p.name)]

    async def has_prefix(self, prefix: str) -> bool:
        return (self.root / prefix).exists()

    async def read_bytes(self, key: str) -> bytes | None:
        path = self.path(key)
        return await asyncio.to_thread(path.read_bytes) if path.is_file() else None

    async def write_bytes(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(_atomic_write, self.path(key), data)

    async def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.path(key).unlink(missing_ok=True)

    async def delete_prefix(self, prefix: str) -> None:
        await asyncio.to_thread(shutil.rmtree, self.root / prefix, True)


class S3Place:
    """A bucket; ``extra`` goes with every write (server-side encryption)."""

    def __init__(self, s3: Any, bucket: str, extra: dict[str, str] | None = None) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.extra = extra or {}

    def __str__(self) -> str:
        return f"s3://{self.bucket}"

    async def objects(self, prefix: str = "") -> dict[str, Obj]:
        found: dict[str, Obj] = {}
        async for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = Obj(int(item["Size"]),
                                         item.get("StorageClass") in ARCHIVED)
        return found

    async def list_ids(self) -> list[str]:
        ids: list[str] = []
        async for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=PREFIX, Delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                name = common["Prefix"][len(PREFIX):].rstrip("/")
                if BACKUP_ID.match(name):
                    ids.append(name)
        return ids

    async def has_prefix(self, prefix: str) -> bool:
        response = await self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix, MaxKeys=1)
        return bool(response.get("KeyCount") or response.get("Contents"))

    async def read_bytes(self, key: str) -> bytes | None:
        try:
            response = await self.s3.get_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _status(exc) == 404:
                return None
            raise
        async with response["Body"] as body:
            return bytes(await body.read())

    async def write_bytes(self, key: str, data: bytes) -> None:
        await self.s3.put_object(Bucket=self.bucket, Key=key, Body=data,
                                 ContentType="application/json", **self.extra)

    async def upload(self, key: str, path: Path) -> None:
        await self.s3.upload_file(str(path), self.bucket, key, ExtraArgs=self.extra or None)

    async def download(self, key: str, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        try:
            await self.s3.download_file(self.bucket, key, str(partial))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    async def delete(self, keys: Iterable[str]) -> None:
        batch = list(keys)
        for start in range(0, len(batch), 1000):
            chunk = batch[start:start + 1000]
            response = await self.s3.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
            if response.get("Errors"):
                error = response["Errors"][0]
                raise BackupError(f"cannot delete {error.get('Key')} from {self}: "
                                  f"{error.get('Code')}")

    async def delete_prefix(self, prefix: str) -> None:
        await self.delete(list(await self.objects(prefix)))


Place = LocalPlace | S3Place


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(code) if code is not None else None
    return None


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def _atomic_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


async def transfer(src: Place, src_key: str, dst: Place, dst_key: str, size: int) -> None:
    """Copy one object: server-side between buckets, streamed through disk otherwise."""
    if isinstance(src, S3Place) and isinstance(dst, S3Place):
        source = {"Bucket": src.bucket, "Key": src_key}
        if size <= COPY_OBJECT_LIMIT:
            await dst.s3.copy_object(CopySource=source, Bucket=dst.bucket, Key=dst_key,
                                     **dst.extra)
        else:
            await dst.s3.copy(source, dst.bucket, dst_key, ExtraArgs=dst.extra or None)
    elif isinstance(src, S3Place):
        assert isinstance(dst, LocalPlace)
        await src.download(src_key, dst.path(dst_key))
    elif isinstance(dst, S3Place):
        await dst.upload(dst_key, src.path(src_key))
    else:
        await asyncio.to_thread(_atomic_copy, src.path(src_key), dst.path(dst_key))


async def _each(items: Iterable[Any], fn: Callable[[Any], Awaitable[None]],
                limit: int = COPY_CONCURRENCY) -> None:
    iterator = iter(items)

    async def worker() -> None:
        for item in iterator:  # shared: each item goes to exactly one worker
            await fn(item)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(limit):
                group.create_task(worker())
    except BaseExceptionGroup as group_error:
        first: BaseException = group_error
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None


_session: Any = None


def _boto_session() -> Any:
    # One session per process: it caches the parsed service models between clients.
    global _session
    if _session is None:
        import aioboto3

        _session = aioboto3.Session()
    return _session


@contextlib.asynccontextmanager
async def _s3_client(settings: Settings) -> AsyncIterator[Any]:
    if not (settings.s3_bucket or settings.s3_backup_bucket):
        yield None
        return
    from botocore.config import Config as BotoConfig

    config = BotoConfig(
        connect_timeout=10, read_timeout=120, retries={"max_attempts": 5, "mode": "standard"},
        s3={"addressing_style": "path"} if settings.s3_endpoint_url else None,
        max_pool_connections=COPY_CONCURRENCY + 4,
    )
    async with _boto_session().client(
            "s3", region_name=settings.s3_region, endpoint_url=settings.s3_endpoint_url,
            config=config) as s3:
        yield s3


def _backup_place(settings: Settings, s3: Any) -> Place:
    if settings.s3_backup_bucket:
        if settings.s3_backup_bucket == settings.s3_bucket:
            raise BackupError("S3_BACKUP_BUCKET must not be the files bucket S3_BUCKET")
        return S3Place(s3, settings.s3_backup_bucket)
    return LocalPlace(settings.data_dir)  # keys backups/<id>/... land in DATA_DIR/backups/<id>/


def _files_place(settings: Settings, s3: Any) -> Place:
    if settings.s3_bucket:
        return S3Place(s3, settings.s3_bucket, FILES_SSE)
    return LocalPlace(settings.data_dir / "files")  # as bot.deps.create_file_store


def _staging(settings: Settings, backup_id: str) -> Path:
    return (settings.data_dir / "backups" / backup_id).resolve()


# --- Subprocesses ------------------------------------------------------------------------------

async def _spawn(argv: list[str], env: dict[str, str], **kw: Any) -> asyncio.subprocess.Process:
    try:
        return await asyncio.create_subprocess_exec(*argv, env=env, **kw)
    except FileNotFoundError:
        raise BackupError(f"{argv[0]} not found on PATH (install the PostgreSQL client)") from None


def _tool_error(stderr: bytes) -> str:
    lines = [" ".join(line.split()) for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip()]
    for line in lines:
        if any(mark in line for mark in ("error:", "ERROR:", "FATAL:")):
            return line[:500]
    return lines[-1][:500] if lines else "no error output"


async def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


async def _run(argv: list[str], env: dict[str, str]) -> None:
    proc = await _spawn(argv, env, stdin=asyncio.subprocess.DEVNULL,
                        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        _, stderr = await proc.communicate()
    except BaseException:
        await _kill(proc)
        raise
    if proc.returncode != 0:
        raise BackupError(f"{argv[0]} failed (exit {proc.returncode}): {_tool_error(stderr)}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# --- Dumping the database ------------------------------------------------------------------------

async def _pg_counts(conn: Any) -> tuple[dict[str, int], str | None]:
    quote = conn.dialect.identifier_preparer.quote
    tables = (await conn.execute(text(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' "
        "ORDER BY tablename"))).scalars().all()
    counts = {}
    for table in tables:
        counts[table] = int((await conn.execute(
            text(f"SELECT count(*) FROM public.{quote(table)}"))).scalar_one())
    revision = None
    if "alembic_version" in counts:
        revision = ",".join((await conn.execute(
            text("SELECT version_num FROM public.alembic_version ORDER BY 1"))).scalars().all())
    return counts, revision or None


async def database_counts(url: str) -> dict[str, int]:
    """Rows per table now (public schema for PostgreSQL)."""
    if _backend(url) == "sqlite":
        path = Path(str(make_url(url).database))
        return (await asyncio.to_thread(_sqlite_counts, path))[0]
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await _pg_counts(conn))[0]
    finally:
        await engine.dispose()


async def _dump_postgres(url: str, target: Path) -> dict[str, Any]:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            await conn.begin()
            # Counted in the snapshot pg_dump then dumps: the two agree exactly.
            snapshot = (await conn.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
            counts, revision = await _pg_counts(conn)
            server = (await conn.execute(text("SHOW server_version"))).scalar_one()
            await _run(["pg_dump", "--format=custom", "--compress=6", "--no-password",
                        f"--snapshot={snapshot}", f"--file={target}"], libpq_env(url))
            await conn.rollback()
    finally:
        await engine.dispose()
    return {"format": "pg_dump custom, compress 6", "server_version": str(server),
            "row_counts": counts, "alembic_revision": revision}


def _sqlite_counts(path: Path) -> tuple[dict[str, int], str | None]:
    conn = sqlite3.connect(path)
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                  for t in tables}
        revision = None
        if "alembic_version" in counts:
            revision = ",".join(r[0] for r in conn.execute(
                "SELECT version_num FROM alembic_version ORDER BY 1"))
        return counts, revision or None
    finally:
        conn.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """The online backup API: a consistent copy even while the bot writes."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


async def _dump_sqlite(url: str, target: Path) -> dict[str, Any]:
    source = Path(str(make_url(url).database))
    if not await asyncio.to_thread(source.is_file):
        raise BackupError(f"SQLite database {source} does not exist")
    await asyncio.to_thread(_sqlite_copy, source, target)
    counts, revision = await asyncio.to_thread(_sqlite_counts, target)
    return {"format": "sqlite3 database", "server_version": sqlite3.sqlite_version,
            "row_counts": counts, "alembic_revision": revision}


# --- Taking a backup -------------------------------------------------------------------------

async def _new_id(settings: Settings, dest: Place) -> tuple[str, Path]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (settings.data_dir / "backups").mkdir(parents=True, exist_ok=True)
    for attempt in range(8):
        backup_id = stamp if attempt == 0 else f"{stamp}-{secrets.token_hex(2)}"
        staging = _staging(settings, backup_id)
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        if isinstance(dest, S3Place) and await dest.has_prefix(f"{PREFIX}{backup_id}/"):
            staging.rmdir()
            continue
        return backup_id, staging
    raise BackupError("could not find a free backup id")


async def create_backup(settings: Settings, *, include_files: bool,
                        reason: str) -> dict[str, Any]:
    """Take a backup and return its manifest. Leaves nothing behind on failure."""
    url = settings.effective_database_url
    backend = _backend(url)
    async with _s3_client(settings) as s3:
        dest = _backup_place(settings, s3)
        files = _files_place(settings, s3) if include_files else None
        backup_id, staging = await _new_id(settings, dest)
        prefix = f"{PREFIX}{backup_id}/"
        try:
            _say(f"backup {backup_id}: dumping {safe_url(url)}")
            name = PG_DUMP_FILE if backend == "postgresql" else SQLITE_FILE
            dump = staging / name
            if backend == "postgresql":
                database = await _dump_postgres(url, dump)
            else:
                database = await _dump_sqlite(url, dump)
            database.update(url=safe_url(url), backend=backend, file=name,
                            size=dump.stat().st_size,
                            sha256=await asyncio.to_thread(_sha256, dump))
            if isinstance(dest, S3Place):
                _say(f"backup {backup_id}: uploading the dump to {dest}")
                await dest.upload(prefix + name, dump)
            files_info = None
            if files is not None:
                objects = await files.objects("")
                _say(f"backup {backup_id}: copying {len(objects)} objects from {files}")
                archived = [k for k, o in objects.items() if o.archived]
                if archived:
                    raise BackupError(f"{len(archived)} objects in {files} are archived "
                                      f"(e.g. {archived[0]}); restore them from Glacier first")
                await _each(sorted(objects.items()), lambda item: transfer(
                    files, item[0], dest, f"{prefix}files/{item[0]}", item[1].size))
                files_info = {
                    "source": str(files), "count": len(objects),
                    "bytes": sum(o.size for o in objects.values()),
                    "objects": [{"key": k, "size": o.size} for k, o in sorted(objects.items())],
                }
            manifest = {
                "format": MANIFEST_FORMAT,
                "id": backup_id,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "kind": "full" if include_files else "database",
                "reason": reason,
                "app_version": _app_version(),
                "alembic_revision": database["alembic_revision"],
                "database": database,
                "files": files_info,
            }
            await dest.write_bytes(prefix + MANIFEST,
                                   json.dumps(manifest, indent=2, sort_keys=True).encode())
        except BaseException:
            with contextlib.suppress(Exception):
                await asyncio.shield(dest.delete_prefix(prefix))
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if isinstance(dest, S3Place):
            shutil.rmtree(staging, ignore_errors=True)
    return manifest


async def backup_command(settings: Settings) -> int:
    """Full backup; prints the id alone on stdout (progress goes to stderr)."""
    try:
        if not settings.s3_backup_bucket:
            _say(f"note: S3_BACKUP_BUCKET is not set; the backup stays in "
                 f"{(settings.data_dir / 'backups').resolve()} on this machine")
        manifest = await create_backup(settings, include_files=True, reason="manual")
    except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
        print(f"backup failed: {describe(exc, settings)}", file=sys.stderr)
        return 1
    files = manifest["files"]
    _say(f"backup {manifest['id']} done: {sum(manifest['database']['row_counts'].values())} rows "
         f"in {len(manifest['database']['row_counts'])} tables, {files['count']} objects "
         f"({_size(files['bytes'])})")
    print(manifest["id"], flush=True)
    return 0


async def backup_database_for_migration(settings: Settings) -> str:
    """Database-only backup before ``migrate``; raises BackupError so the migration aborts."""
    try:
        manifest = await create_backup(settings, include_files=False, reason="pre-migration")
    except BackupError:
        raise
    except Exception as exc:
        raise BackupError(describe(exc, settings)) from exc
    return str(manifest["id"])


# --- Listing --------------------------------------------------------------------------------

def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


async def _read_manifest(dest: Place, backup_id: str) -> dict[str, Any] | None:
    raw = await dest.read_bytes(f"{PREFIX}{backup_id}/{MANIFEST}")
    if raw is None:
        return None
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError(f"backup {backup_id}: manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("id") != backup_id:
        raise BackupError(f"backup {backup_id}: manifest.json does not describe this backup")
    return manifest


async def list_backups(settings: Settings) -> list[dict[str, Any]]:
    """Manifests, newest first; incomplete backups appear as ``{"id", "incomplete": True}``."""
    async with _s3_client(settings) as s3:
        dest = _backup_place(settings, s3)
        found = []
        for backup_id in sorted(await dest.list_ids(), reverse=True):
            try:
                manifest = await _read_manifest(dest, backup_id)
            except BackupError:
                manifest = None
            found.append(manifest or {"id": backup_id, "incomplete": True})
        return found


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
        if m.get("incomplete"):
            print(f"{m['id']:<22} {'-':<20} {'-':<9} {'incomplete':<14}")
            continue
        files = m.get("files") or {}
        created = m["created_at"].replace("T", " ")[:19]
        size = m["database"]["size"] + int(files.get("bytes", 0))
        rows = sum(m["database"]["row_counts"].values())
        objects = str(files["count"]) if files else "-"
        print(f"{m['id']:<22} {created:<20} {m['kind']:<9} {m['reason']:<14} "
              f"{_size(size):>10} {rows:>8} {objects:>8}  {m.get('alembic_revision') or '-'}")
    print(f"({len(backups)} in {where})")
    return 0


# --- Restoring ------------------------------------------------------------------------------

async def _restore_postgres(url: str, dump: Path) -> None:
    """pg_restore's script through ``psql --single-transaction``: all or nothing.

    The relay closes psql's input (which makes psql COMMIT) only after pg_restore has
    finished successfully; on any failure psql is killed first and the server rolls back.
    """
    env = libpq_env(url)
    restore = await _spawn(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--file=-", str(dump)], env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        psql = await _spawn(
            ["psql", "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1",
             "--single-transaction", f"--command={EMPTY_SCHEMA}", "--file=-"], env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
    except BaseException:
        await _kill(restore)
        raise
    assert restore.stdout and restore.stderr and psql.stdin and psql.stderr
    restore_err = asyncio.ensure_future(restore.stderr.read())
    psql_err = asyncio.ensure_future(psql.stderr.read())
    try:
        psql_gone = False
        while chunk := await restore.stdout.read(RELAY_CHUNK):
            try:
                psql.stdin.write(chunk)
                await psql.stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                psql_gone = True  # psql stopped at an error; its stderr says which
                break
        if not psql_gone:
            if await restore.wait() != 0:
                await _kill(psql)  # before EOF, so no COMMIT
                raise BackupError(f"pg_restore failed: {_tool_error(await restore_err)}; "
                                  "the database was not changed")
            psql.stdin.close()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                await psql.stdin.wait_closed()
        if await psql.wait() != 0 or psql_gone:
            raise BackupError(f"restoring the dump failed: {_tool_error(await psql_err)}; "
                              "rolled back, the database was not changed")
    finally:
        await _kill(psql)
        await _kill(restore)
        for task in (restore_err, psql_err):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


def _check_id(backup_id: str) -> None:
    if not BACKUP_ID.match(backup_id):
        raise BackupError(f"{backup_id!r} is not a backup id (like 20261129T031500Z); "
                          "see python -m bot backups")


async def _confirm(settings: Settings, manifest: dict[str, Any]) -> bool:
    files = manifest.get("files")
    _say(f"Backup {manifest['id']} ({manifest['kind']}, {manifest['reason']}) taken "
         f"{manifest['created_at']}, revision {manifest.get('alembic_revision') or '-'}.")
    _say(f"This REPLACES the database {safe_url(settings.effective_database_url)}"
         + (f" and makes the files store equal to the backup's {files['count']} objects"
            if files else " (files are not touched: database-only backup)") + ".")
    try:
        answer = await asyncio.to_thread(input, "Type the backup id to continue: ")
    except EOFError:
        return False
    return bool(answer.strip() == manifest["id"])


def _verify_counts(expected: dict[str, int], actual: dict[str, int]) -> None:
    problems = [f"{t}: {actual.get(t, 'missing')} rows, backup has {n}"
                for t, n in sorted(expected.items()) if actual.get(t) != n]
    problems += [f"{t}: not in the backup" for t in sorted(set(actual) - set(expected))]
    if problems:
        raise BackupError("row counts differ after the restore: " + "; ".join(problems))


async def restore_backup(settings: Settings, backup_id: str, *, confirm: bool) -> dict[str, Any]:
    """Check everything first, then replace the database, then the files, then verify."""
    _check_id(backup_id)
    url = settings.effective_database_url
    backend = _backend(url)
    async with _s3_client(settings) as s3:
        dest = _backup_place(settings, s3)
        manifest = await _read_manifest(dest, backup_id)
        if manifest is None:
            where = dest if isinstance(dest, S3Place) else _staging(settings, backup_id)
            raise BackupError(f"no complete backup {backup_id} in {where}")
        database = manifest["database"]
        if database["backend"] != backend:
            raise BackupError(f"backup {backup_id} is of a {database['backend']} database, "
                              f"DATABASE_URL is {backend}")
        if confirm and not await _confirm(settings, manifest):
            raise _Declined
        prefix = f"{PREFIX}{backup_id}/"
        staging = _staging(settings, backup_id)
        dump = staging / database["file"]
        downloaded = isinstance(dest, S3Place)
        files = manifest.get("files")
        stored: dict[str, Obj] = {}
        target = _files_place(settings, s3)
        try:
            if isinstance(dest, S3Place):
                _say(f"restore {backup_id}: downloading the dump from {dest}")
                await dest.download(prefix + database["file"], dump)
            if not dump.is_file():
                raise BackupError(f"backup {backup_id}: {database['file']} is missing")
            if await asyncio.to_thread(_sha256, dump) != database["sha256"]:
                raise BackupError(f"backup {backup_id}: {database['file']} does not match "
                                  "the sha256 in the manifest")
            if files is not None:
                stored = {k[len(prefix + 'files/'):]: o
                          for k, o in (await dest.objects(prefix + "files/")).items()}
                wanted = {o["key"]: int(o["size"]) for o in files["objects"]}
                missing = [k for k, size in wanted.items()
                           if k not in stored or stored[k].size != size]
                if missing:
                    raise BackupError(f"backup {backup_id}: {len(missing)} objects missing or "
                                      f"truncated (e.g. {missing[0]}); nothing was changed")
                if any(o.archived for o in stored.values()):
                    raise BackupError(f"backup {backup_id}: objects are archived in Glacier; "
                                      "restore them to S3 first; nothing was changed")
            _say(f"restore {backup_id}: replacing the database {safe_url(url)}")
            if backend == "postgresql":
                await _restore_postgres(url, dump)
            else:
                path = Path(str(make_url(url).database))
                path.parent.mkdir(parents=True, exist_ok=True)
                await asyncio.to_thread(_sqlite_copy, dump, path)
        finally:
            if downloaded:
                shutil.rmtree(staging, ignore_errors=True)
        if files is not None:
            _say(f"restore {backup_id}: copying {len(stored)} objects back to {target}")
            await _each(sorted(stored.items()), lambda item: transfer(
                dest, f"{prefix}files/{item[0]}", target, item[0], item[1].size))
            extra = sorted(set(await target.objects("")) - set(stored))
            if extra:
                _say(f"restore {backup_id}: deleting {len(extra)} objects not in the backup")
                await target.delete(extra)
            now = await target.objects("")
            differ = sorted(k for k in set(now) | set(stored)
                            if k not in now or k not in stored or now[k].size != stored[k].size)
            if differ:
                raise BackupError(f"files differ after the restore (e.g. {differ[0]})")
        _verify_counts(database["row_counts"], await database_counts(url))
    return manifest


class _Declined(Exception):
    pass


async def restore_command(settings: Settings, backup_id: str, *, assume_yes: bool = False) -> int:
    if not assume_yes and not (sys.stdin and sys.stdin.isatty()):
        print("restore refused: it replaces the database and files; no terminal to confirm "
              "on, so pass --yes", file=sys.stderr)
        return 2
    try:
        manifest = await restore_backup(settings, backup_id, confirm=not assume_yes)
    except _Declined:
        print("restore cancelled: the answer was not the backup id", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
        print(f"restore failed: {describe(exc, settings)}", file=sys.stderr)
        return 1
    rows = sum(manifest["database"]["row_counts"].values())
    files = manifest.get("files")
    print(f"restored {backup_id}: {rows} rows verified"
          + (f", {files['count']} objects" if files else ", files untouched"), flush=True)
    return 0
