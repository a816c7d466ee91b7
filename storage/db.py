"""Engine and session factory: one session (unit of work) per update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(url: str, *, pool_size: int = 20) -> AsyncEngine:
    parsed = make_url(url)
    # hide_parameters: a failed statement's error (and so a log line) never carries user text.
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.update(connect_args={"timeout": 30})
    else:
        # No pre-ping: it costs a round trip on every checkout. After a database restart the
        # first statement on a dead connection fails as a disconnect, SQLAlchemy then drops
        # every pooled connection, and the update is retried (ErrorMiddleware).
        # No overflow: connections beyond pool_size would be closed on every return and
        # opened again on the next busy moment (a TCP and auth handshake each), exactly when
        # the replica is busiest. An update waits for a pooled one instead (pool_timeout).
        kwargs.update(pool_size=pool_size, max_overflow=0, pool_recycle=1800,
                      pool_timeout=10, connect_args={"timeout": 5, "command_timeout": 30})
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


def safe_url(url: str) -> str:
    """The URL with its password hidden, for logs."""
    return make_url(url).render_as_string(hide_password=True)
