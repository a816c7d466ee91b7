"""Migrations: the stairway (every revision up, down, up again) on PostgreSQL and SQLite,
the models matching the migrated schema, and ``migrate --verify-only`` as a command."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import inspect

from bot.ops.migrate import alembic_config, current_revision, downgrade, upgrade, verify
from storage.db import create_engine
from storage.models import Base
from tests.conftest import create_database, drop_database

ROOT = Path(__file__).resolve().parents[1]


def revisions() -> list[Script]:
    """Every revision, oldest first: new migrations are covered without touching this file."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}; merge them"
    return list(reversed(list(script.walk_revisions("base", "heads"))))


@pytest.fixture
async def pg_empty() -> AsyncIterator[str]:
    name = f"thesis_stairs_{os.getpid()}_{secrets.token_hex(3)}"
    url = await create_database(name)
    yield url
    await drop_database(name)


@pytest.fixture(params=["postgresql", "sqlite"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.sqlite3'}"
        return
    name = f"thesis_stairs_{os.getpid()}_{secrets.token_hex(3)}"
    url = await create_database(name)
    yield url
    await drop_database(name)


async def schema(url: str) -> dict[str, Any]:
    """Tables with their columns, keys, indexes and constraints, comparable with ==."""

    def read(sync_conn: Any) -> dict[str, Any]:
        inspector = inspect(sync_conn)
        found: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            if table == "alembic_version":
                continue
            found[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                            for c in inspector.get_columns(table)],
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted((str(fk["name"]), tuple(fk["constrained_columns"]),
                               fk["referred_table"], tuple(fk["referred_columns"]),
                               str(fk.get("options")))
                              for fk in inspector.get_foreign_keys(table)),
                "indexes": sorted((str(ix["name"]), tuple(map(str, ix["column_names"])),
                                   bool(ix["unique"]),
                                   sorted((k, " ".join(str(v).split())) for k, v in
                                          (ix.get("dialect_options") or {}).items()))
                                  for ix in inspector.get_indexes(table)),
                "uniques": sorted((str(u["name"]), tuple(u["column_names"]))
                                  for u in inspector.get_unique_constraints(table)),
                "checks": sorted((str(c["name"]), " ".join(c["sqltext"].split()))
                                 for c in inspector.get_check_constraints(table)),
            }
        return found

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(read)
    finally:
        await engine.dispose()


async def model_drift(url: str) -> list[Any]:
    """What autogenerate would put in a new migration: must be nothing at head."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync_conn: compare_metadata(
                MigrationContext.configure(sync_conn, opts={"compare_type": True}),
                Base.metadata))
    finally:
        await engine.dispose()


async def test_stairway(empty_url: str) -> None:
    """Each revision: up, down (schema exactly as before it), up again (exactly as after it)."""
    steps = revisions()
    assert steps, "no migrations found"
    before = await schema(empty_url)
    assert before == {}
    after: dict[str, dict[str, Any]] = {}
    for rev in steps:
        down = str(rev.down_revision or "base")
        await asyncio.to_thread(upgrade, empty_url, rev.revision)
        assert await current_revision(empty_url) == rev.revision
        after[rev.revision] = await schema(empty_url)
        await asyncio.to_thread(downgrade, empty_url, down)
        assert await schema(empty_url) == before, f"downgrade of {rev.revision} is incomplete"
        await asyncio.to_thread(upgrade, empty_url, rev.revision)
        assert await schema(empty_url) == after[rev.revision], f"{rev.revision} not repeatable"
        before = after[rev.revision]

    report = await verify(empty_url)
    assert report["ok"], report
    assert await model_drift(empty_url) == [], "models differ from the migrations"

    # All the way down one step at a time, then head → base → head in one go each.
    for rev in reversed(steps):
        down = str(rev.down_revision or "base")
        await asyncio.to_thread(downgrade, empty_url, down)
        expected = after.get(down, {})
        assert await schema(empty_url) == expected
    assert await current_revision(empty_url) is None
    await asyncio.to_thread(upgrade, empty_url, "head")
    await asyncio.to_thread(downgrade, empty_url, "base")
    assert await schema(empty_url) == {}
    await asyncio.to_thread(upgrade, empty_url, "head")
    assert await schema(empty_url) == after[steps[-1].revision]
    assert (await verify(empty_url))["ok"]


def verify_only(database_url: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=database_url, LOG_FORMAT="console")
    return subprocess.run([sys.executable, "-m", "bot", "migrate", "--verify-only"], cwd=ROOT,
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)


async def test_verify_only_command(pg_url: str, pg_empty: str) -> None:
    head = revisions()[-1].revision
    missing = pg_empty.rsplit("/", 1)[0] + "/no_such_db_" + secrets.token_hex(3)
    good, empty, gone = await asyncio.gather(*(
        asyncio.to_thread(verify_only, url) for url in (pg_url, pg_empty, missing)))
    assert good.returncode == 0, good
    assert f"schema at {head} (head {head}); missing: nothing" in good.stdout
    assert "users:" in good.stdout

    assert empty.returncode == 1, empty
    assert "schema at None" in empty.stdout and "users" in empty.stdout
    assert await current_revision(pg_empty) is None  # verifying changed nothing

    assert gone.returncode == 1 and "Traceback" not in gone.stderr
    assert "does not exist" in gone.stderr
