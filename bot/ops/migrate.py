"""``python -m bot migrate``: upgrade the schema, optionally after a backup, then verify."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.config import Settings
from storage.db import create_engine, safe_url
from storage.models import Base

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


async def verify(database_url: str) -> dict[str, Any]:
    """The database is at head and has every table and column the models declare."""
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            def inspect_sync(sync_conn: Any) -> dict[str, Any]:
                current = MigrationContext.configure(sync_conn).get_current_revision()
                inspector = inspect(sync_conn)
                missing = []
                for table in Base.metadata.sorted_tables:
                    if not inspector.has_table(table.name):
                        missing.append(table.name)
                        continue
                    have = {c["name"] for c in inspector.get_columns(table.name)}
                    missing += [f"{table.name}.{c.name}" for c in table.columns
                                if c.name not in have]
                return {"current": current, "missing": missing}

            found = await conn.run_sync(inspect_sync)
            counts = {}
            if not found["missing"]:
                from sqlalchemy import func, select

                for table in Base.metadata.sorted_tables:
                    counts[table.name] = int(
                        (await conn.execute(select(func.count()).select_from(table))).scalar_one())
    finally:
        await engine.dispose()
    return {"head": head, "current": found["current"], "missing": found["missing"],
            "counts": counts, "ok": found["current"] == head and not found["missing"]}


async def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None: no alembic_version, i.e. base)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync_conn: MigrationContext.configure(sync_conn).get_current_revision())
    finally:
        await engine.dispose()


def _fail(message: str) -> int:
    print(message, file=sys.stderr, flush=True)
    return 1


async def migrate_command(settings: Settings, *, backup: bool = False,
                          verify_only: bool = False) -> int:
    """Back up (optionally), upgrade to head, verify. Non-zero with one line on any failure.

    PostgreSQL runs the whole upgrade in one transaction (transactional DDL), so a failing
    migration leaves the schema and data as they were; the message says where it stands.
    """
    from bot.ops.backup import backup_database_for_migration, describe

    url = settings.effective_database_url
    try:
        if not verify_only:
            backup_id = None
            if backup:
                try:
                    backup_id = await backup_database_for_migration(settings)
                except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
                    return _fail(f"backup failed, migration not started: "
                                 f"{describe(exc, settings)}")
                print(f"backup taken: {backup_id}", flush=True)
            before = await current_revision(url)
            print(f"upgrading {safe_url(url)} from {before or 'base'} to head", flush=True)
            try:
                await asyncio.to_thread(upgrade, url)
            except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
                try:
                    after: str | None = await current_revision(url)
                    state = ("unchanged" if after == before else "CHANGED") + \
                        f", at {after or 'base'}"
                except Exception:  # noqa: BLE001 - best effort while reporting
                    state = "state unknown: check with migrate --verify-only"
                hint = (f"; backup {backup_id}: python -m bot restore {backup_id}"
                        if backup_id else "")
                return _fail(f"migration failed: {describe(exc, settings)}; "
                             f"database {state}{hint}")
        report = await verify(url)
    except Exception as exc:  # noqa: BLE001 - CLI boundary: one line, no traceback
        return _fail(f"migrate failed: {describe(exc, settings)}")
    print(f"schema at {report['current']} (head {report['head']}); missing: "
          f"{', '.join(report['missing']) or 'nothing'}")
    for table, count in report["counts"].items():
        print(f"  {table}: {count} rows")
    return 0 if report["ok"] else 1
