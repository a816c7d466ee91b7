"""Every update is answered within aiogram's webhook window, with a 503 if need be.

aiogram waits 55 s for a webhook update; after that it answers Telegram 200 and lets the
handler go on in the background, where a later failure is only logged: the update is lost
after the user was told it would be handled. So each update gets ``seconds`` (45) for all of
it, the wait for the user's lock included; past that it is cancelled (the gate releases its
claim and lock on the way out, nothing is committed by halves since each step commits once at
its end) and answered 503, so Telegram redelivers it. The redelivery budget of
``ErrorMiddleware`` applies: an update that is always too slow is given up in the end.

Work that may rightly take longer than the window (a file of hundreds of MB from a
self-hosted Bot API server, above ``BACKGROUND_UPLOAD_MB``) never runs here: the handler
records an upload job and returns, and ``bot/workers/uploads.py`` receives the file under a
lease (``docs/life-of-an-update.md``, section 5).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

from bot.metrics import APP_ERRORS
from bot.middlewares.errors import RedeliveryBudget, RetryLater, tell

log = structlog.get_logger("bot.deadline")

# Telling the user must not push the answer past the window either.
TELL_TIMEOUT_SECONDS = 3.0


class TooSlow(RetryLater):
    """The update ran out of its time; Telegram should deliver it again."""


class DeadlineMiddleware(BaseMiddleware):
    def __init__(self, seconds: float, budget: RedeliveryBudget) -> None:
        self.seconds = seconds
        self._budget = budget

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        try:
            async with asyncio.timeout(self.seconds) as deadline:
                return await handler(event, data)
        except TimeoutError:
            if not deadline.expired():
                raise  # someone else's timeout, not ours
        APP_ERRORS.labels(error_type="deadline").inc()
        bot: Bot | None = data.get("bot")
        attempts = await self._budget.spend(event.update_id, bot.id if bot else 0)
        retry = self._budget.allows(attempts)
        log.warning("update_too_slow", seconds=self.seconds, will_retry=retry, attempt=attempts)
        if not retry:
            log.error("update_given_up", dependency="deadline", attempts=attempts)
            await self._tell(data, "error.unavailable")
            return None
        if attempts == 1:
            await self._tell(data, "error.unavailable_retrying")
        raise TooSlow()

    @staticmethod
    async def _tell(data: dict[str, Any], key: str) -> None:
        try:
            async with asyncio.timeout(TELL_TIMEOUT_SECONDS):
                await tell(data, key)
        except TimeoutError:
            log.warning("apology_failed", error_type="TimeoutError")
