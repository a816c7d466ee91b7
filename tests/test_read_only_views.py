"""Views that only read give their database connection back as soon as they have read, so a
slow Telegram call after them holds none (against the real PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from services.context import ServiceConfig, ServiceDeps, Services
from storage.db import create_engine, create_session_factory
from storage.files import LocalFileStore
from storage.models import User
from tests.people import ALICE, SUPERVISOR, seed


async def test_views_hold_no_connection_after_reading(db: str, tmp_path: Path) -> None:
    await seed(db)
    engine = create_engine(db, pool_size=1)
    deps = ServiceDeps(files=LocalFileStore(tmp_path), config=ServiceConfig())
    try:
        async with create_session_factory(engine)() as session:
            services = Services(session, deps)
            alice = await session.get(User, ALICE)
            sam = await session.get(User, SUPERVISOR)
            assert alice is not None and sam is not None
            for read in (lambda: services.overview.status(alice),
                         lambda: services.overview.history(sam, ALICE),
                         lambda: services.overview.queue(sam),
                         lambda: services.overview.students(sam),
                         lambda: services.deadlines.of_student(alice)):
                await read()
                assert not session.in_transaction()
                assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
                # What was read stays readable without the connection.
                assert alice.full_name == "Alice A"
    finally:
        await engine.dispose()
