"""The scheduler: queues due reminders and digests, in every replica."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.applications import ApplicationService
from services.applications import run_due as applications_due
from services.assessment import AssessmentService
from services.base import ServiceDeps
from services.clock import Clock
from services.meetings import MeetingService
from services.metrics import REMINDERS_SENT
from services.promises import PromiseService
from services.reminders import ReminderService
from services.silence import SilenceService

log = structlog.get_logger("bot.outbox")


@dataclass(frozen=True)
class SchedulerConfig:
    interval_seconds: float = 30.0


class Scheduler:
    """Queues due reminders, digests and meeting reminders; runs in every replica, each
    goes out once.

    Exactly-once is the database's doing (see services/reminders.py): this loop only
    decides when to look.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], deps: ServiceDeps,
                 clock: Clock, config: SchedulerConfig | None = None,
                 on_queued: Callable[[], None] = lambda: None) -> None:
        self._sessions = session_factory
        self._deps = deps
        self._clock = clock
        self.config = config or SchedulerConfig()
        self._on_queued = on_queued

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as exc:  # noqa: BLE001 - the loop must survive a database outage
                log.warning("scheduler_cycle_failed", error_type=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.config.interval_seconds)

    async def run_once(self) -> int:
        """Queue whatever is due now; returns how many notifications were queued."""
        async with self._sessions() as session:
            now = self._clock.now()
            queued = await ReminderService(session, self._deps).run_due(now)
            # Meetings' reminders and record requests: the same log, the same exactly-once.
            queued += await MeetingService(session, self._deps).run_due(now)
            # Disagreements past AGREEMENT_DAYS: the admins are asked for a third marker.
            escalated = await AssessmentService(session, self._deps).escalate_overdue()
            if escalated:
                queued["third_marker_needed"] = queued.get("third_marker_needed", 0) + escalated
            # Review promises that passed, and Monday's digest of silent students.
            queued += await PromiseService(session, self._deps).run_due(now)
            queued += await SilenceService(session, self._deps).run_due(now)
            # Applications nobody answered: reminded, then declined on their own.
            queued += await applications_due(ApplicationService(session, self._deps), now)
        for kind, count in queued.items():
            REMINDERS_SENT.labels(kind=kind).inc(count)
        total = sum(queued.values())
        if total:
            log.info("reminders_queued", **dict(queued))
            self._on_queued()
        return total
