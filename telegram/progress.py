"""Progress on long work: the user always sees that something is happening, and how far.

One helper for every long operation (uploads today; comparisons and exports use the same).
The ``ProgressKit`` is in the dispatcher's workflow data: a handler takes it as a parameter
``progress: ProgressKit``; a worker gets the replica's kit from ``BotProcess.progress``.

    progress = kit.open(bot, chat_id, lambda step: t("export.progress", done=step.done,
                                                      total=step.total),
                        show=True, action="upload_document")
    await progress.start()                # the first text (Step(0, None)) and the chat action
    progress.update(done, total)          # cheap: call it after every item / chunk
    await progress.finish(result_text)    # the same message becomes the result
    # or: await progress.fail(apology)    # the same, for a failure (write the apology)

- An upload: ``async with kit.upload(...) as upload`` (below) does all of it.
- A comparison ("Comparing with v4…" until the summary replaces it): ``open(..., lambda
  _step: t("compare.running", version=4), show=True, action="typing")``, ``start()``, no
  ``update``, then ``finish(summary)`` (or ``fail(apology)``). To edit an existing card
  instead of sending a message, ``start(message_id=card_id)``.
- An export ("Preparing the export… 3 of 12 theses"): ``update(i, 12)`` after each thesis,
  ``finish``/``fail`` at the end; send the documents after ``finish``.
- A worker without an update: build texts with ``Texts(language, tz)``; the message id goes
  into its job row so that a retry (``start(message_id=...)``) edits the same message.
- Services never see any of this: they take a plain ``ProgressCallback``
  (``services/submissions.py``) and call it with numbers.

``update`` only records the numbers; a ticker task edits the message, at most once every
``edit_interval`` per chat (Telegram's edit limits), and renews the chat action (e.g.
``upload_document``) every ``action_interval``, so the work itself never waits for
Telegram. ``finish``/``fail`` keep the message's own pace (they wait what is left of the
interval since its last progress edit; the ticker makes no edit when the work will end
within an interval, so that wait is rare), are never held back by another message's edits,
and fall back to a new message when the old one cannot be edited, so a result is never
lost. Without a message (``show=False``, small files) they send the result as a message.
Progress edits are bot-side calls: they do not count in the users' flood control, nor in
the outbox's send rate. Counted: ``progress_edits_total``, ``progress_edit_failures_total``,
and ``progress_failures_total{operation}`` (work that ended in ``fail``: an apology).

For an upload, ``kit.upload(...)`` wraps all of it (see ``Upload``): the message only for
a file above ``PROGRESS_MIN_MB``, the ``/cancel`` flag checked between chunks, a refusal
edited into the same message, and the message remembered by the user's document message so
that a redelivered update edits it again instead of leaving it behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup, Message
from prometheus_client import Counter

from services.errors import DomainError, UploadCancelled
from services.metrics import REGISTRY
from storage.signals import UploadSignals
from telegram.cosmetic import CALL_ERRORS, failed
from telegram.render import error_text
from telegram.texts import Texts

log = structlog.get_logger("telegram.progress")
T = TypeVar("T")

PROGRESS_EDITS = Counter(
    "progress_edits_total", "Progress messages edited (progress and final edits)",
    registry=REGISTRY)
PROGRESS_EDIT_FAILURES = Counter(
    "progress_edit_failures_total", "Progress edits and chat actions Telegram refused or "
    "that failed on the way", registry=REGISTRY)
PROGRESS_FAILURES = Counter(
    "progress_failures_total", "Long operations whose progress ended in an apology (fail)",
    ["operation"], registry=REGISTRY)

MiB = 1024 * 1024
# One Bot API call of the helper may take this long before it is given up (the work goes on).
CALL_TIMEOUT_SECONDS = 5.0
# How often, at most, a running upload asks whether it was cancelled.
CANCEL_CHECK_SECONDS = 0.3


@dataclass(frozen=True)
class Step:
    """How far the work is: ``done`` of ``total`` (bytes, theses, …; total may be unknown)."""

    done: int
    total: int | None

    @property
    def percent(self) -> int:
        """0–99 while it runs: 100 % is the result itself."""
        if not self.total:
            return 0
        return max(0, min(99, self.done * 100 // self.total))


@dataclass(frozen=True)
class ProgressConfig:
    min_bytes: int = 5 * MiB
    edit_interval: float = 2.0
    action_interval: float = 4.0
    background_bytes: int = 50 * MiB


class ChatPacer:
    """When each chat's last edit ended, in this process (a user's updates are handled one at
    a time, so one chat rarely has two pieces of work in flight anyway)."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}

    def wait_for(self, chat_id: int, interval: float) -> float:
        last = self._last.get(chat_id)
        return 0.0 if last is None else max(0.0, last + interval - time.monotonic())

    def mark(self, chat_id: int, at: float | None = None) -> None:
        if len(self._last) > 10_000:
            horizon = time.monotonic() - 3600
            self._last = {k: v for k, v in self._last.items() if v > horizon}
        self._last[chat_id] = time.monotonic() if at is None else at


class Progress:
    def __init__(self, bot: Bot, chat_id: int, kit: ProgressKit,
                 render: Callable[[Step], str], *, show: bool,
                 action: str = "upload_document", operation: str = "upload") -> None:
        self._bot = bot
        self.operation = operation
        self.chat_id = chat_id
        self._kit = kit
        self._render = render
        self.show = show
        self._action = action
        self.message_id: int | None = None
        self._done = 0
        self._total: int | None = None
        self._shown = ""
        self._started = 0.0
        self._last_edit = 0.0
        self._edits = 0  # of this message, by this helper
        self._ticker: asyncio.Task[None] | None = None
        self.closed = False

    # ------------------------------------------------------------------ the caller's side

    async def start(self, message_id: int | None = None) -> None:
        """Show the message (or adopt ``message_id``, already shown) and start the ticker."""
        self._started = self._last_edit = time.monotonic()
        first = self._render(Step(0, None))
        if self.show and message_id is not None:
            self.message_id = message_id
            await self._edit(first)
            self._shown = first
        elif self.show:
            sent = await self._call(self._bot.send_message(self.chat_id, first))
            if isinstance(sent, Message):
                self.message_id = sent.message_id
                self._shown = first
        await self._send_action()
        self._ticker = asyncio.create_task(self._tick(), name="progress-ticker")

    def update(self, done: int, total: int | None) -> None:
        self._done, self._total = done, total

    async def finish(self, text: str, reply_markup: InlineKeyboardMarkup | None = None, *,
                     paced: bool = True) -> None:
        """The message becomes ``text`` (a new message when there is none to edit)."""
        await self._stop_ticker()
        if self.closed:
            return
        self.closed = True
        if self.message_id is not None:
            if paced and self._edits:
                # Kept apart from this message's own last edit; the result is not held back
                # for another message's edits (the chat's previous upload, say).
                await asyncio.sleep(max(0.0, self._last_edit + self._kit.config.edit_interval
                                        - time.monotonic()))
            if await self._edit(text, reply_markup):
                return
        await self._bot.send_message(self.chat_id, text, reply_markup=reply_markup)

    async def fail(self, text: str) -> None:
        PROGRESS_FAILURES.labels(operation=self.operation).inc()
        log.info("progress_failed", operation=self.operation,
                 chat_shown=self.message_id is not None)
        await self.finish(text)

    async def detach(self) -> None:
        """Stop ticking and leave the message as it is: someone else finishes it (a worker)."""
        await self._stop_ticker()
        self.closed = True

    # ------------------------------------------------------------------ the ticker

    def _ends_soon(self, now: float) -> bool:
        """At the current rate the work ends within an interval: the final edit will come
        then, and an edit now would only make it wait."""
        elapsed = now - self._started
        if not self._total or self._done <= 0 or elapsed <= 0:
            return False
        remaining = (self._total - self._done) / (self._done / elapsed)
        return remaining < self._kit.config.edit_interval

    async def _tick(self) -> None:
        cfg = self._kit.config
        next_action = time.monotonic() + cfg.action_interval
        period = min(cfg.edit_interval, cfg.action_interval, 1.0) / 4
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            if now >= next_action:
                next_action = now + cfg.action_interval
                await self._send_action()
            if (self.message_id is None or now - self._last_edit < cfg.edit_interval
                    or self._kit.pacer.wait_for(self.chat_id, cfg.edit_interval) > 0
                    or self._ends_soon(now)):
                continue
            text = self._render(Step(self._done, self._total))
            if text != self._shown and await self._edit(text):
                self._shown = text

    async def _stop_ticker(self) -> None:
        if self._ticker is None:
            return
        self._ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._ticker
        self._ticker = None

    # ------------------------------------------------------------------ Bot API calls

    async def _edit(self, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> bool:
        assert self.message_id is not None
        try:
            async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                await self._bot.edit_message_text(text=text, chat_id=self.chat_id,
                                                  message_id=self.message_id,
                                                  reply_markup=reply_markup)
        except TelegramRetryAfter as exc:
            PROGRESS_EDIT_FAILURES.inc()
            # Keep off this chat for as long as Telegram asks.
            self._kit.pacer.mark(self.chat_id, time.monotonic() + exc.retry_after)
            return False
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return True
            PROGRESS_EDIT_FAILURES.inc()
            log.info("progress_edit_refused", error_type=type(exc).__name__)
            return False
        except CALL_ERRORS as exc:  # a ClientDecodeError (an HTML 502 page) included
            PROGRESS_EDIT_FAILURES.inc()
            failed("editMessageText", exc)
            return False
        finally:
            # Paced from the end of the call: the next edit reaches Telegram at least an
            # interval after this one did.
            self._last_edit = time.monotonic()
            self._kit.pacer.mark(self.chat_id)
        PROGRESS_EDITS.inc()
        self._edits += 1
        return True

    async def _send_action(self) -> None:
        await self._call(self._bot.send_chat_action(self.chat_id, self._action),
                         "sendChatAction")

    async def _call(self, call: Awaitable[T], method: str = "sendMessage") -> T | None:
        """A best-effort Bot API call: progress must never break the work it reports."""
        try:
            async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                return await call
        except CALL_ERRORS as exc:  # a ClientDecodeError (an HTML 502 page) included
            PROGRESS_EDIT_FAILURES.inc()
            failed(method, exc)
            return None


@dataclass
class Upload:
    """A file arriving in a chat: its progress, and whether the user cancelled it."""

    progress: Progress
    signals: UploadSignals
    token: str
    # The first look for a cancel flag comes one period after the start: a file received
    # sooner costs no Redis round trip for it (a /cancel sent meanwhile still ends the step,
    # handled after the upload).
    _checked: float = field(default_factory=time.monotonic)

    async def on_progress(self, done: int, total: int | None) -> None:
        """The services' progress callback: record, and stop here if /cancel was sent."""
        self.progress.update(done, total)
        now = time.monotonic()
        if now - self._checked < CANCEL_CHECK_SECONDS:
            return
        self._checked = now
        if await self.signals.cancelled(self.token):
            raise UploadCancelled()

    async def finish(self, text: str) -> None:
        await self.progress.finish(text)

    async def settle(self, text: str) -> None:
        """End a progress message that was shown with ``text``; when none was shown (a small
        file), just stop: the next step's own message says what comes next."""
        if self.progress.message_id is None:
            await self.progress.detach()
        else:
            await self.progress.finish(text)


class ProgressKit:
    """What the handlers and workers share: the settings, the per-chat pace, the signals."""

    def __init__(self, config: ProgressConfig, signals: UploadSignals) -> None:
        self.config = config
        self.signals = signals
        self.pacer = ChatPacer()

    def open(self, bot: Bot, chat_id: int, render: Callable[[Step], str], *, show: bool,
             action: str = "upload_document", operation: str = "upload") -> Progress:
        return Progress(bot, chat_id, self, render, show=show, action=action,
                        operation=operation)

    def in_background(self, size: int | None) -> bool:
        return size is not None and size > self.config.background_bytes

    def shows_message(self, size: int | None) -> bool:
        return size is not None and size > self.config.min_bytes

    @asynccontextmanager
    async def upload(self, bot: Bot, chat_id: int, user_id: int, source_message_id: int,
                     t: Texts, size: int | None, key: str = "progress.upload",
                     adopt: int | None = None) -> AsyncIterator[Upload]:
        """Receive a file in a chat with progress shown; the body calls ``finish``.

        A ``DomainError`` in the body (a refusal, a duplicate, ``/cancel``) is told *in the
        progress message* and ends the body here: it is not raised further, since it has
        been rendered. Anything else (an outage, the deadline, a bug) leaves the message
        saying the upload was interrupted and is raised on: the redelivered update finds the
        message again (remembered by the document message) and edits it.
        """
        progress = self.open(bot, chat_id, lambda step: t(key, percent=step.percent),
                             show=self.shows_message(size))
        if progress.show and adopt is None:
            adopt = await self.signals.progress_message(chat_id, source_message_id)
        async with self.signals.running(chat_id, user_id) as token:
            await progress.start(adopt)
            if progress.message_id is not None and progress.message_id != adopt:
                await self.signals.remember_progress(chat_id, source_message_id,
                                                     progress.message_id)
            upload = Upload(progress, self.signals, token)
            try:
                yield upload
            except DomainError as error:
                await progress.fail(error_text(t, error))
            except BaseException:
                await self._interrupted(progress, t)
                raise
            finally:
                await progress.detach()

    @staticmethod
    async def _interrupted(progress: Progress, t: Texts) -> None:
        if progress.message_id is None or progress.closed:
            return
        # Best effort and short: the update is on its way out (an outage, the deadline).
        with contextlib.suppress(BaseException):
            async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                await progress.finish(t("progress.interrupted"), paced=False)
