"""Engines built by storage.db: a failed statement's error never carries its parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import create_engine

SECRET = "Zoë's unpublished thesis title 4f2a"


async def failing_statement_error(url: str) -> str:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.execute(text("INSERT INTO no_such_table (title) VALUES (:title)"),
                                   {"title": SECRET})
    finally:
        await engine.dispose()
    return str(caught.value)


async def test_sqlite_errors_hide_parameters(tmp_path: Path) -> None:
    error = await failing_statement_error(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    assert "no_such_table" in error  # the statement is there, its values are not
    assert SECRET not in error and "hidden" in error


async def test_postgres_errors_hide_parameters(pg_url: str) -> None:
    error = await failing_statement_error(pg_url)
    assert "no_such_table" in error
    assert SECRET not in error and "hidden" in error
