"""The outbox sender: delivers the notifications the services queued, in every replica.

Delivery is at-least-once with a tiny window: a row is marked sent right after Telegram
confirms it. If the process dies between that confirmation and the mark (one UPDATE), the
row's lease runs out and it is sent again. Nothing narrower is possible without Telegram
idempotency keys, which the Bot API does not offer. Every write after a claim is fenced by
the claim's attempt number, so a sender that stalled past its lease cannot undo what the
replica that took the row over did; and a row whose lease is nearly spent is given back
unsent rather than risk being sent by two replicas. A message that goes out in two parts
(a text too long for a caption, then the document) records the first part, so a retry
sends only what is missing.

Every read and write of the outbox goes through ``services/delivery.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
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
from aiogram.types import Message
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import (
    OUTBOX_FAILED,
    OUTBOX_MALFORMED,
    OUTBOX_PENDING,
    OUTBOX_RETRIED,
    OUTBOX_SENT,
)
from bot.workers.rate import Limiter, RateLimiter, SharedRateLimiter
from services import delivery
from services.clock import Clock
from services.notifications import MalformedPayload, NewSubmission, Payload, parse
from storage.files import FileStore
from storage.models import OutboxMessage
from telegram.files import StoredInputFile
from telegram.notifications import Outgoing, StoredDocument, render
from telegram.render import CAPTION_LIMIT
from telegram.texts import Texts, language_of

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


class OutboxSender:
    def __init__(self, bot: Bot, session_factory: async_sessionmaker[AsyncSession],
                 clock: Clock, texts: Texts, config: SenderConfig | None = None,
                 redis: Redis | None = None, files: FileStore | None = None) -> None:
        self._bot = bot
        self._files = files  # documents sent from the store (under the name we stored)
        self._sessions = session_factory
        self._clock = clock
        self._t = texts
        self.config = config or SenderConfig()
        # Telegram's limits are per bot: shared by the replicas when there is a Redis.
        self._limiter: Limiter = RateLimiter(self.config.rate_per_second,
                                             self.config.chat_rate_per_second) \
            if redis is None else SharedRateLimiter(redis, self.config.rate_per_second,
                                                    self.config.chat_rate_per_second,
                                                    scope=str(bot.id))
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
            claimed = await delivery.claim(session, self._clock.now(), self.config.batch,
                                           self.config.lease)
            rows = list(claimed.rows)
        # Each message in its recipient's language, known from the claim's one users query.
        languages = claimed.languages
        OUTBOX_PENDING.set(claimed.pending)
        if claimed.withheld:
            OUTBOX_FAILED.labels(reason="deactivated").inc(claimed.withheld)
            log.info("outbox_withheld", reason=delivery.DEACTIVATED, count=claimed.withheld)
        if not rows:
            return claimed.withheld
        # One chat's messages go one after another, in order; chats go side by side.
        by_chat: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        semaphore = asyncio.Semaphore(self.config.concurrency)

        async def deliver(chat_rows: list[OutboxMessage]) -> None:
            texts = self._t.for_language(language_of(languages.get(chat_rows[0].chat_id)))
            async with semaphore:
                for row in chat_rows:
                    try:
                        reachable = await self._deliver(row, self._texts_for(row, texts,
                                                                             languages))
                    except Exception as exc:  # noqa: BLE001 - one row must not stop the rest
                        log.error("outbox_delivery_error", outbox_id=row.id,
                                  error_type=type(exc).__name__)
                        continue
                    if not reachable:
                        # The user blocked the bot: the chat's other rows are failed already.
                        break

        await asyncio.gather(*(deliver(chat_rows) for chat_rows in by_chat.values()))
        return len(rows) + claimed.withheld

    def _texts_for(self, row: OutboxMessage, texts: Texts, languages: dict[int, str]) -> Texts:
        """Someone the bot has no user for (an applicant) is told in the language the
        payload carries (the one they applied in)."""
        own = row.payload.get("language") if isinstance(row.payload, dict) else None
        if row.chat_id in languages or not isinstance(own, str):
            return texts
        return self._t.for_language(language_of(own))

    async def _deliver(self, row: OutboxMessage, texts: Texts) -> bool:
        """Send one row, rendered with ``texts`` (the recipient's language), and record the
        outcome; False when the chat is unreachable."""
        if row.attempts > self.config.max_attempts:
            # Claimed again and again without an outcome: its senders keep dying on it.
            OUTBOX_FAILED.labels(reason="gave_up").inc()
            log.error("outbox_gave_up", outbox_id=row.id, kind=row.kind, reason="lease")
            await self._write(lambda s: delivery.failed(s, row, "lease expired too often"))
            return True
        try:
            payload = parse(row.kind, row.payload)
        except MalformedPayload as exc:
            # No schema reads it, now or on any retry: failed at once, with the reason.
            OUTBOX_MALFORMED.labels(kind=row.kind[:64]).inc()
            OUTBOX_FAILED.labels(reason="malformed").inc()
            log.error("outbox_malformed", outbox_id=row.id, kind=row.kind, reason=exc.reason)
            reason = f"malformed: {exc.reason}"
            await self._write(lambda s: delivery.failed(s, row, reason))
            return True
        try:
            message = render(payload, texts)
        except Exception as exc:  # noqa: BLE001 - a bad payload will never render
            OUTBOX_FAILED.labels(reason="render").inc()
            log.error("outbox_render_failed", outbox_id=row.id, kind=row.kind,
                      error_type=type(exc).__name__)
            error = f"render: {type(exc).__name__}: {exc}"
            await self._write(lambda s: delivery.failed(s, row, error))
            return True
        await self._limiter.acquire(row.chat_id)
        if not self._still_ours(row):
            await self._write(lambda s: delivery.retry_at(
                s, row, self._clock.now(), "lease ran short before sending", refund=True))
            return True
        try:
            card = await self._send(row, message)
        except TelegramRetryAfter as exc:
            await self._limiter.pause(exc.retry_after)
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
            await self._write(lambda s: delivery.failed(s, row, description))
        except (TelegramServerError, TelegramNetworkError, OSError, TimeoutError) as exc:
            await self._retry_or_fail(row, type(exc).__name__)
        except TelegramAPIError as exc:
            # Anything else Telegram answered (404, 409, 401…): retried, then given up.
            await self._retry_or_fail(row, f"{type(exc).__name__}: {exc.message}")
        else:
            OUTBOX_SENT.inc()
            await self._write(lambda s: self._sent(s, row, payload, card))
        return True

    async def _sent(self, session: AsyncSession, row: OutboxMessage, payload: Payload,
                    card: Message | None) -> None:
        await delivery.sent(session, row, self._clock.now(),
                            card.message_id if card is not None else row.message_id)
        if isinstance(payload, NewSubmission) and card is not None:
            await delivery.card_sent(session, payload.submission_id, row.chat_id,
                                     card.message_id, caption=card.document is not None)

    def _still_ours(self, row: OutboxMessage) -> bool:
        if self._stop is not None and self._stop.is_set():
            return False
        return row.claimed_until is None or \
            self._clock.now() < row.claimed_until - self._lease_margin

    async def _send(self, row: OutboxMessage, message: Outgoing) -> Message | None:
        """Send the row; the message that carries its text and buttons (None if that part
        went out in an earlier attempt)."""
        chat_id = row.chat_id
        if message.document is None:
            return await self._bot.send_message(chat_id, message.text,
                                                reply_markup=message.markup)
        document = self._upload(message.document)
        send = self._bot.send_document
        if message.media == "voice":
            send = self._bot.send_voice  # type: ignore[assignment]
        elif message.media == "photo":
            send = self._bot.send_photo  # type: ignore[assignment]
        if len(message.text) <= CAPTION_LIMIT:
            return await send(chat_id, document, caption=message.text,
                              reply_markup=message.markup)
        sent = None
        if row.parts_sent < 1:
            sent = await self._bot.send_message(chat_id, message.text,
                                                reply_markup=message.markup)
            first = sent.message_id
            # Recorded before the document goes: if the document fails, the retry sends
            # only the document, not the text a second time.
            await self._write(lambda s: delivery.part_sent(s, row, 1, first))
        await send(chat_id, document)
        return sent

    def _upload(self, document: str | StoredDocument) -> str | StoredInputFile:
        if isinstance(document, str):
            return document
        files = self._files
        if files is None:
            raise RuntimeError("a stored document to send, and no file store")
        return StoredInputFile(lambda: files.read(document.key), document.file_name)

    async def _retry_or_fail(self, row: OutboxMessage, reason: str) -> None:
        if row.attempts >= self.config.max_attempts:
            OUTBOX_FAILED.labels(reason="gave_up").inc()
            log.error("outbox_gave_up", outbox_id=row.id, kind=row.kind, reason=reason)
            await self._write(lambda s: delivery.failed(s, row, reason))
            return
        OUTBOX_RETRIED.labels(reason="server").inc()
        delay = min(self.config.backoff_base * 2 ** max(row.attempts - 1, 0),
                    self.config.backoff_max)
        await self._reschedule(row, delay, reason)

    async def _reschedule(self, row: OutboxMessage, seconds: float, reason: str,
                          refund: bool = False) -> None:
        at = self._clock.now() + timedelta(seconds=seconds)
        await self._write(lambda s: delivery.retry_at(s, row, at, reason, refund=refund))

    async def _unreachable(self, row: OutboxMessage) -> None:
        """The user blocked the bot: stop writing to them and tell their supervisor."""
        OUTBOX_FAILED.labels(reason="forbidden").inc()

        now = self._clock.now()
        await self._write(lambda s: delivery.unreachable(s, row.chat_id, now))
        self.wake()
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
