"""Background loops that run in every replica: the outbox sender (and the scheduler).

Delivery is at-least-once with a tiny window: a row is marked sent right after Telegram
confirms it. If the process dies between that confirmation and the mark (one UPDATE), the
row's lease runs out and it is sent again. Nothing narrower is possible without Telegram
idempotency keys, which the Bot API does not offer.
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
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_RETRIED, OUTBOX_SENT
from handlers.notifications import Outgoing, render
from handlers.render import CAPTION_LIMIT
from handlers.texts import Texts
from services.clock import Clock
from services.notifications import Kind, notify
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


class RateLimiter:
    """Paces sends: at most ``rate`` a second overall and ``chat_rate`` a second per chat."""

    def __init__(self, rate: float, chat_rate: float) -> None:
        self._interval = 1.0 / rate
        self._chat_interval = 1.0 / chat_rate
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def acquire(self, chat_id: int) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next_global, self._next_chat.get(chat_id, 0.0))
            self._next_global = start + self._interval
            self._next_chat[chat_id] = start + self._chat_interval
            if len(self._next_chat) > 10_000:
                self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        await asyncio.sleep(max(start - time.monotonic(), 0.0))

    def pause(self, seconds: float) -> None:
        """Telegram asked us to wait: hold every send, not just this chat's."""
        self._next_global = max(self._next_global, time.monotonic() + seconds)


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

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
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
        semaphore = asyncio.Semaphore(self.config.concurrency)

        async def deliver(row: OutboxMessage) -> None:
            async with semaphore:
                await self._deliver(row)

        await asyncio.gather(*(deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, row: OutboxMessage) -> None:
        await self._limiter.acquire(row.chat_id)
        try:
            await self._send(row.chat_id, render(row.kind, row.payload, self._t))
        except TelegramRetryAfter as exc:
            self._limiter.pause(exc.retry_after)
            OUTBOX_RETRIED.labels(reason="429").inc()
            await self._reschedule(row, exc.retry_after, "429 retry_after")
        except (TelegramServerError, TelegramNetworkError, OSError, TimeoutError) as exc:
            await self._retry_or_fail(row, type(exc).__name__)
        except TelegramForbiddenError:
            await self._unreachable(row)
        except TelegramBadRequest as exc:
            OUTBOX_FAILED.labels(reason="bad_request").inc()
            log.error("outbox_bad_request", outbox_id=row.id, kind=row.kind,
                      description=exc.message)
            await self._write(lambda s: outbox.mark_failed(s, row.id, exc.message))
        else:
            OUTBOX_SENT.inc()
            await self._write(lambda s: outbox.mark_sent(s, [row.id], self._clock.now()))

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
            await self._write(lambda s: outbox.mark_failed(s, row.id, reason))
            return
        OUTBOX_RETRIED.labels(reason="server").inc()
        await self._reschedule(row, min(2 ** row.attempts, 300), reason)

    async def _reschedule(self, row: OutboxMessage, seconds: float, reason: str) -> None:
        at = self._clock.now() + timedelta(seconds=seconds)
        await self._write(lambda s: outbox.reschedule(s, row.id, at, reason))

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
                notify(session, user.supervisor_id, Kind.STUDENT_UNREACHABLE, self._clock.now(),
                       student_name=user.full_name)

        await self._write(apply)
        log.warning("outbox_user_unreachable", chat_id=row.chat_id)

    async def _write(self, change: Callable[[AsyncSession], Awaitable[Any]]) -> None:
        async with self._sessions() as session, session.begin():
            await change(session)


async def _first(*awaitables: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
