"""The staged-file sweeper: a loop in every replica, deleting uploads nothing refers to.

The rule (what may be deleted, and the reference check before every delete) lives in
services/staged_files.py; this loop only decides when to look. Replicas sweep side by side
without coordination: a second delete of an object is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import STAGED_FILES_SWEPT
from services.base import ServiceDeps
from services.clock import Clock
from services.staged_files import StagedFileService

log = structlog.get_logger("bot.workers.sweeper")


@dataclass(frozen=True)
class SweeperConfig:
    ttl: timedelta = timedelta(hours=24)
    interval_seconds: float = 600.0


class StagedFileSweeper:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], deps: ServiceDeps,
                 clock: Clock, config: SweeperConfig | None = None) -> None:
        self._sessions = session_factory
        self._deps = deps
        self._clock = clock
        self.config = config or SweeperConfig()

    async def run(self, stop: asyncio.Event) -> None:
        # Replicas started together would list the bucket at the same moment: spread them.
        first = random.uniform(0, min(self.config.interval_seconds, 60.0))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), first)
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as exc:  # noqa: BLE001 - the loop must survive an outage
                log.warning("sweep_failed", error_type=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.config.interval_seconds)

    async def run_once(self) -> int:
        """One sweep; returns how many objects were deleted."""
        async with self._sessions() as session:
            swept = await StagedFileService(session, self._deps).sweep(
                self._clock.now(), self.config.ttl, on_deleted=STAGED_FILES_SWEPT.inc)
        if swept:
            log.info("staged_files_swept", count=swept)
        return swept
