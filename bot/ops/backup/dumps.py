"""The database half of a backup: pg_dump / pg_restore for PostgreSQL, the online backup API
for SQLite, row counts to verify a restore against, and the object keys rows refer to.

Secrets: the database password reaches pg_dump/pg_restore/psql only through ``PGPASSWORD`` in
their environment, never their command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.ops.backup.errors import BackupError
from storage.db import create_engine

RELAY_CHUNK = 256 * 1024
# libpq variables inherited from the environment that could redirect the tools elsewhere.
PG_VARIABLES = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD",
                "PGSERVICE", "PGSSLMODE", "PGOPTIONS")
# The object keys rows refer to: a backup copies these and nothing else (staged uploads that
# never became a version or a feedback file are not worth keeping). A version's detailed
# comparison is kept too: it is made once, from files that may be gone by then.
REFERENCED = {"submissions": "file_key", "reviews": "feedback_file_key",
              "version_comparisons": "html_key"}

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


def backend_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError(f"unsupported database {backend!r}: PostgreSQL or SQLite only")
    return backend


def sqlite_path(url: str) -> Path:
    return Path(str(make_url(url).database))


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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


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


# --- PostgreSQL ----------------------------------------------------------------------------------

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


def _referenced_sql(tables: dict[str, int]) -> str | None:
    parts = [f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
             for table, column in REFERENCED.items() if table in tables]
    return " UNION ".join(parts) or None


async def database_counts(url: str) -> dict[str, int]:
    """Rows per table now (public schema for PostgreSQL)."""
    if backend_of(url) == "sqlite":
        return (await asyncio.to_thread(_sqlite_counts, sqlite_path(url)))[0]
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await _pg_counts(conn))[0]
    finally:
        await engine.dispose()


async def dump_postgres(url: str, target: Path) -> tuple[dict[str, Any], set[str]]:
    """pg_dump to target; the row counts and referenced keys are read in its very snapshot."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            await conn.begin()
            # Counted in the snapshot pg_dump then dumps: the two agree exactly.
            snapshot = (await conn.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
            counts, revision = await _pg_counts(conn)
            query = _referenced_sql(counts)
            keys = set((await conn.execute(text(query))).scalars()) if query else set()
            anonymised = await _pg_anonymised(conn)
            server = (await conn.execute(text("SHOW server_version"))).scalar_one()
            await _run(["pg_dump", "--format=custom", "--compress=6", "--no-password",
                        f"--snapshot={snapshot}", f"--file={target}"], libpq_env(url))
            await conn.rollback()
    finally:
        await engine.dispose()
    return {"format": "pg_dump custom, compress 6", "server_version": str(server),
            "row_counts": counts, "alembic_revision": revision,
            "anonymised_theses": anonymised}, keys


# Retention (bot/ops/retention.py) notes in each backup which theses it had anonymised by
# then: restoring an older backup brings back what was removed since, and the manifest says
# which (run `python -m bot retention` after a restore; docs/operations.md).
ANONYMISED_SQL = "SELECT id FROM theses WHERE anonymised_at IS NOT NULL ORDER BY id"


async def _pg_anonymised(conn: Any) -> list[int]:
    present = (await conn.execute(text(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = 'theses' AND column_name = 'anonymised_at'"))).scalar_one()
    if not present:
        return []
    return [int(i) for i in (await conn.execute(text(ANONYMISED_SQL))).scalars()]


def _sqlite_anonymised(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(theses)")}
        if "anonymised_at" not in columns:
            return []
        return [int(row[0]) for row in conn.execute(ANONYMISED_SQL)]
    finally:
        conn.close()


async def restore_postgres(url: str, dump: Path) -> None:
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


# --- SQLite ------------------------------------------------------------------------------------

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


def _sqlite_keys(path: Path, counts: dict[str, int]) -> set[str]:
    query = _referenced_sql(counts)
    if query is None:
        return set()
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute(query)}
    finally:
        conn.close()


def sqlite_copy(source: Path, target: Path) -> None:
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


async def dump_sqlite(url: str, target: Path) -> tuple[dict[str, Any], set[str]]:
    source = sqlite_path(url)
    if not await asyncio.to_thread(source.is_file):
        raise BackupError(f"SQLite database {source} does not exist")
    await asyncio.to_thread(sqlite_copy, source, target)
    # Counted and read in the copy, so they describe exactly what was backed up.
    counts, revision = await asyncio.to_thread(_sqlite_counts, target)
    keys = await asyncio.to_thread(_sqlite_keys, target, counts)
    anonymised = await asyncio.to_thread(_sqlite_anonymised, target)
    return {"format": "sqlite3 database", "server_version": sqlite3.sqlite_version,
            "row_counts": counts, "alembic_revision": revision,
            "anonymised_theses": anonymised}, keys


async def restore_sqlite(url: str, dump: Path) -> None:
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(sqlite_copy, dump, path)
