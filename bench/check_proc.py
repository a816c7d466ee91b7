"""Phase 10's background checks in a process of their own: as in a replica, the checks'
parent side (the look-up, the candidates' texts) is not on the load generator's event loop.
Prints one line per finished check until it is terminated.

    python -m bench.check_proc DATABASE_URL FOLDER TEXT_PATH SUBMISSION_ID
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def main(url: str, folder: Path, text: Path, submission_id: int) -> None:
    from bench.phases import _check_once
    from bot.isolation import ChildPool, JobFailed, Limits
    from services.base import ServiceConfig, ServiceDeps
    from storage.db import create_engine, create_session_factory
    from storage.files import LocalFileStore

    engine = create_engine(url)
    sessions = create_session_factory(engine)
    deps = ServiceDeps(files=LocalFileStore(folder / "files"), config=ServiceConfig())
    pool = ChildPool(1, Limits(timeout_seconds=120, memory_mb=512))
    try:
        while True:
            try:
                await _check_once(pool, sessions, deps, folder, text, submission_id)
            except JobFailed:  # a child starved of CPU at its start: the worker retries too
                await asyncio.sleep(0.5)
                continue
            sys.stdout.write("checked\n")
            sys.stdout.flush()
    finally:
        await pool.close()
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
