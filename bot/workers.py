"""Background loops that run in every replica: the outbox sender (and the scheduler).

Delivery is at-least-once with a tiny window: a row is marked sent right after Telegram
confirms it. If the process dies between that confirmation and the mark (one UPDATE), the
row's lease runs out and it is sent again. Nothing narrower is possible without Telegram
idempotency keys, which the Bot API does not offer. Every write after a claim is fenced by
the claim's attempt number, so a sender that stalled past its lease cannot undo what the
replica that took the row over did; and a row whose lease is nearly spent is given back
unsent rather than risk being sent by two replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import (
    OUTBOX_FAILED,
    OUTBOX_MALFORMED,
    OUTBOX_PENDING,
    OUTBOX_RETRIED,
    OUTBOX_SENT,
)
from handlers.notifications import Outgoing, render
from handlers.render import CAPTION_LIMIT
from handlers.texts import Texts
from services.base import ServiceDeps
from services.clock import Clock
from services.metrics import REMINDERS_SENT
from services.notifications import MalformedPayload, StudentUnreachable, notify, parse
from services.reminders import ReminderService
from storage.models import OutboxMessage, Role
from storage.repositories import outbox, users

log = structlog.get_logger("bot.outbox")


@dataclass(frozen=True)
class SenderConfig:
    rate_per_second: float = 25.0
    chat_rate_per_second: float = 1.0
    max_attempts: int = 8
    batch: int = 50
    lease: timedelta = timedelta(minutes=2)
    poll_seconds: float = 1.0
    concurrency: int = 8
    # Retry after a 5xx or a network error: base * 2**(attempt-1), at most backoff_max.
    backoff_base: float = 1.0
    backoff_max: float = 300.0


class RateLimiter:
    """Paces sends: at most ``rate`` a second overall and ``chat_rate`` a second per chat.

    A send first waits until its chat may receive again and only then reserves a global
    slot, so one busy chat never holds back the others. A 429 holds every send, including
    those already waiting for their slot.
    """

    def __init__(self, rate: float, chat_rate: float) -> None:
        self._interval = 1.0 / rate
        self._chat_interval = 1.0 / chat_rate
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._hold_until = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self, chat_id: int) -> None:
        while True:
            async with self._lock:
                now = time.monotonic()
                blocked = max(self._hold_until, self._next_chat.get(chat_id, 0.0))
                start = None
                if blocked <= now:
                    start = max(now, self._next_global)
                    self._next_global = start + self._interval
                    self._next_chat[chat_id] = start + self._chat_interval
                    if len(self._next_chat) > 10_000:
                        self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
            if start is None:
                await asyncio.sleep(blocked - now)
                continue
            await asyncio.sleep(max(start - time.monotonic(), 0.0))
            if self._hold_until <= time.monotonic():
                return
            # Telegram asked us to wait while we waited for our slot: queue again after it.

    def pause(self, seconds: float) -> None:
        """Telegram asked us to wait: hold every send, not just this chat's."""
        self._hold_until = max(self._hold_until, time.monotonic() + seconds)


class OutboxSender:
    def __init__(self, bot: Bot, session_factory: async_sessionmaker[AsyncSession],
                 clock: Clock, texts: Texts, config: SenderConfig | None = None) -> None:
        self._bot = bot
        self._sessions = session_factory
        self._clock = clock
        self._t = texts
        self.config = config or SenderConfig()
        self._limiter = RateLimiter(self.config.rate_per_second,
                                    self.config.chat_rate_per_second)
        self._wake = asyncio.Event()
        self._stop: asyncio.Event | None = None
        # A claimed row is given back instead of sent when less than this is left of its
        # lease: past the lease another replica may be sending it already.
        self._lease_margin = min(self.config.lease / 4, timedelta(seconds=30))

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception as exc:  # noqa: BLE001 - the loop must survive a database outage
                log.warning("outbox_cycle_failed", error_type=type(exc).__name__)
                sent = 0
            if sent == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(self._wake.wait(), stop.wait()),
                                           self.config.poll_seconds)

    async def run_once(self) -> int:
        """Claim a batch and deliver it; returns how many rows were handled."""
        async with self._sessions() as session, session.begin():
            rows = list(await outbox.claim(session, now=self._clock.now(),
                                           limit=self.config.batch, lease=self.config.lease))
            OUTBOX_PENDING.set(await outbox.count_pending(session))
        if not rows:
            return 0
        # One chat's messages go one after another, in order; chats go side by side.
        by_chat: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        semaphore = asyncio.Semaphore(self.config.concurrency)

        async def deliver(chat_rows: list[OutboxMessage]) -> None:
            async with semaphore:
                for row in chat_rows:
                    try:
                        reachable = await self._deliver(row)
                    except Exception as exc:  # noqa: BLE001 - one row must not stop the rest
                        log.error("outbox_delivery_error", outbox_id=row.id,
                                  error_type=type(exc).__name__)
                        continue
                    if not reachable:
                        # The user blocked the bot: the chat's other rows are failed already.
                        break

        await asyncio.gather(*(deliver(chat_rows) for chat_rows in by_chat.values()))
        return len(rows)

    async def _deliver(self, row: OutboxMessage) -> bool:
        """Send one row and record the outcome; False when the chat is unreachable."""
        if row.attempts > self.config.max_attempts:
            # Claimed again and again without an outcome: its senders keep dying on it.
            OUTBOX_FAILED.labels(reason="gave_up").inc()
            log.error("outbox_gave_up", outbox_id=row.id, kind=row.kind, reason="lease")
            await self._write(lambda s: outbox.mark_failed(s, row.id, "lease expired too often",
                                                           row.attempts))
            return True
        try:
            payload = parse(row.kind, row.payload)
        except MalformedPayload as exc:
            # No schema reads it, now or on any retry: failed at once, with the reason.
            OUTBOX_MALFORMED.labels(kind=row.kind[:64]).inc()
            OUTBOX_FAILED.labels(reason="malformed").inc()
            log.error("outbox_malformed", outbox_id=row.id, kind=row.kind, reason=exc.reason)
            reason = f"malformed: {exc.reason}"
            await self._write(lambda s: outbox.mark_failed(s, row.id, reason, row.attempts))
            return True
        try:
            message = render(payload, self._t)
        except Exception as exc:  # noqa: BLE001 - a bad payload will never render
            OUTBOX_FAILED.labels(reason="render").inc()
            log.error("outbox_render_failed", outbox_id=row.id, kind=row.kind,
                      error_type=type(exc).__name__)
            error = f"render: {type(exc).__name__}: {exc}"
            await self._write(lambda s: outbox.mark_failed(s, row.id, error, row.attempts))
            return True
        await self._limiter.acquire(row.chat_id)
        if not self._still_ours(row):
            await self._write(lambda s: outbox.reschedule(
                s, row.id, self._clock.now(), "lease ran short before sending", row.attempts,
                refund=True))
            return True
        try:
            await self._send(row.chat_id, message)
        except TelegramRetryAfter as exc:
            self._limiter.pause(exc.retry_after)
            OUTBOX_RETRIED.labels(reason="429").inc()
            await self._reschedule(row, exc.retry_after, "429 retry_after", refund=True)
        except TelegramForbiddenError:
            await self._unreachable(row)
            return False
        except TelegramBadRequest as exc:
            OUTBOX_FAILED.labels(reason="bad_request").inc()
            log.error("outbox_bad_request", outbox_id=row.id, kind=row.kind,
                      description=exc.message)
            description = exc.message
            await self._write(lambda s: outbox.mark_failed(s, row.id, description,
                                                           row.attempts))
        except (TelegramServerError, TelegramNetworkError, OSError, TimeoutError) as exc:
            await self._retry_or_fail(row, type(exc).__name__)
        except TelegramAPIError as exc:
            # Anything else Telegram answered (404, 409, 401…): retried, then given up.
            await self._retry_or_fail(row, f"{type(exc).__name__}: {exc.message}")
        else:
            OUTBOX_SENT.inc()
            await self._write(lambda s: outbox.mark_sent(s, [row.id], self._clock.now(),
                                                         row.attempts))
        return True

    def _still_ours(self, row: OutboxMessage) -> bool:
        if self._stop is not None and self._stop.is_set():
            return False
        return row.claimed_until is None or \
            self._clock.now() < row.claimed_until - self._lease_margin

    async def _send(self, chat_id: int, message: Outgoing) -> None:
        if message.document is None:
            await self._bot.send_message(chat_id, message.text, reply_markup=message.markup)
            return
        if len(message.text) <= CAPTION_LIMIT:
            await self._bot.send_document(chat_id, message.document, caption=message.text,
                                          reply_markup=message.markup)
            return
        await self._bot.send_message(chat_id, message.text, reply_markup=message.markup)
        await self._bot.send_document(chat_id, message.document)

    async def _retry_or_fail(self, row: OutboxMessage, reason: str) -> None:
        if row.attempts >= self.config.max_attempts:
            OUTBOX_FAILED.labels(reason="gave_up").inc()
            log.error("outbox_gave_up", outbox_id=row.id, kind=row.kind, reason=reason)
            await self._write(lambda s: outbox.mark_failed(s, row.id, reason, row.attempts))
            return
        OUTBOX_RETRIED.labels(reason="server").inc()
        delay = min(self.config.backoff_base * 2 ** max(row.attempts - 1, 0),
                    self.config.backoff_max)
        await self._reschedule(row, delay, reason)

    async def _reschedule(self, row: OutboxMessage, seconds: float, reason: str,
                          refund: bool = False) -> None:
        at = self._clock.now() + timedelta(seconds=seconds)
        await self._write(lambda s: outbox.reschedule(s, row.id, at, reason, row.attempts,
                                                      refund=refund))

    async def _unreachable(self, row: OutboxMessage) -> None:
        """The user blocked the bot: stop writing to them and tell their supervisor."""
        OUTBOX_FAILED.labels(reason="forbidden").inc()

        async def apply(session: AsyncSession) -> None:
            await outbox.fail_pending_for_chat(session, row.chat_id, "403 blocked by user")
            user = await users.get(session, row.chat_id)
            if user is None or not user.reachable:
                return
            await users.set_reachable(session, user.id, False)
            if user.role == Role.STUDENT.value and user.supervisor_id is not None:
                notify(session, user.supervisor_id, StudentUnreachable(
                    student_name=user.full_name), self._clock.now())

        await self._write(apply)
        self.wake()
        log.warning("outbox_user_unreachable", chat_id=row.chat_id)

    async def _write(self, change: Callable[[AsyncSession], Awaitable[Any]]) -> None:
        async with self._sessions() as session, session.begin():
            await change(session)


@dataclass(frozen=True)
class SchedulerConfig:
    interval_seconds: float = 30.0


class Scheduler:
    """Queues due reminders and digests; runs in every replica, each goes out once.

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
            queued = await ReminderService(session, self._deps).run_due(self._clock.now())
        for kind, count in queued.items():
            REMINDERS_SENT.labels(kind=kind).inc(count)
        total = sum(queued.values())
        if total:
            log.info("reminders_queued", **dict(queued))
            self._on_queued()
        return total


async def _first(*awaitables: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
