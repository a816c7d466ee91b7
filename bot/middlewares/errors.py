"""What happens when handling an update fails.

- A dependency is down (database, Redis, file store): the user hears the service is briefly
  unavailable and the error propagates, so that in webhook mode Telegram redelivers the
  update once we are back; ``RedeliveryBudget`` stops one poison update from coming back
  for ever (its attempt count lives in Redis, shared by the replicas, with an in-process
  fallback). The user hears it once, on the first failed attempt, and again if we give up.
- Anything else: an apology, an error log with the update id, a counted error; the update
  is acknowledged and not retried.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.metrics import APP_ERRORS, DEPENDENCY_FAILURES
from services.errors import DependencyError
from telegram.texts import Texts, language_of

log = structlog.get_logger("bot.errors")


class RetryLater(Exception):
    """Raised to the webhook so Telegram redelivers the update later (answered 503)."""


class DependencyDown(RetryLater):
    """A dependency is down; the update is to be handled once it is back."""


class QuietRetryLater(logging.Filter):
    """Drop aiogram's traceback for ``RetryLater``: we logged and counted it already."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, RetryLater)


def quiet_retry_later(logger_name: str = "aiogram.event") -> None:
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, QuietRetryLater) for f in logger.filters):
        logger.addFilter(QuietRetryLater())


@web.middleware
async def webhook_retry_later(request: web.Request,
                              handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                              ) -> web.StreamResponse:
    """Answer ``RetryLater`` with a bare 503: Telegram retries; already logged and counted."""
    try:
        return await handler(request)
    except RetryLater:
        return web.Response(status=503, text="retry later")


def dependency_of(exc: BaseException) -> str | None:
    """Which dependency an exception says is unavailable, if any."""
    if isinstance(exc, (RedisConnectionError, RedisTimeoutError)):
        return "redis"
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeoutError)):
        return "database"
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "database"
    if isinstance(exc, DependencyError):
        return exc.dependency
    if isinstance(exc, (ConnectionError, TimeoutError, OSError)) and \
            not isinstance(exc, TelegramAPIError):
        return "database"
    return None


class RedeliveryBudget:
    """How many times each update may fail on a dependency before we give it up.

    Counted in Redis (``INCR`` + ``EXPIRE``) so that redeliveries landing on different
    replicas share one budget; in process memory while Redis is unreachable.
    """

    TTL_SECONDS = 86_400

    def __init__(self, limit: int, redis: Redis | None = None, remember: int = 10_000) -> None:
        self.limit = limit
        self._redis = redis
        self._attempts: OrderedDict[str, int] = OrderedDict()
        self._remember = remember

    async def spend(self, update_id: int, bot_id: int = 0) -> int:
        """Count one failed attempt; returns the attempts so far (retry while < limit)."""
        key = f"redeliveries:{bot_id}:{update_id}"
        local = self._attempts.pop(key, 0) + 1
        self._attempts[key] = local
        while len(self._attempts) > self._remember:
            self._attempts.popitem(last=False)
        if self._redis is None:
            return local
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, self.TTL_SECONDS)
                shared, _ = await pipe.execute()
        except (RedisError, OSError):
            return local
        return max(int(shared), local)

    def allows(self, attempts: int) -> bool:
        return attempts < self.limit


class ErrorMiddleware(BaseMiddleware):
    def __init__(self, budget: RedeliveryBudget, retry_on_dependency: bool) -> None:
        self._budget = budget
        self._retry = retry_on_dependency

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Exception as exc:
            assert isinstance(event, Update)
            dependency = dependency_of(exc)
            if dependency is None:
                APP_ERRORS.labels(error_type=type(exc).__name__).inc()
                log.error("update_failed", error_type=type(exc).__name__, exc_info=exc)
                await tell(data, "error.unexpected", event)
                return None
            DEPENDENCY_FAILURES.labels(dependency=dependency).inc()
            APP_ERRORS.labels(error_type=f"dependency_{dependency}").inc()
            sorry = "error.storage_unavailable" if dependency == "files" else "error.unavailable"
            if not self._retry:
                log.warning("dependency_unavailable", dependency=dependency,
                            error_type=type(exc).__name__, will_retry=False)
                await tell(data, sorry, event)
                return None
            bot: Bot | None = data.get("bot")
            attempts = await self._budget.spend(event.update_id, bot.id if bot else 0)
            retry = self._budget.allows(attempts)
            log.warning("dependency_unavailable", dependency=dependency,
                        error_type=type(exc).__name__, will_retry=retry, attempt=attempts)
            if not retry:
                log.error("update_given_up", dependency=dependency, attempts=attempts)
                await tell(data, sorry, event)
                return None
            if attempts == 1:
                # Once, not on every redelivery: the update will be handled when we are back.
                await tell(data, "error.unavailable_retrying")
            raise DependencyDown(dependency) from exc


async def tell(data: dict[str, Any], key: str, event: Update | None = None) -> None:
    """Say ``key`` to the user of the update, if it came from a private chat (best effort).
    A button press is answered too, a failed one included: no spinner left turning."""
    bot: Bot | None = data.get("bot")
    chat = data.get("event_chat")
    user = data.get("event_from_user")
    if bot is None or chat is None or chat.type != "private":
        return
    t: Texts = data.get("t") or Texts(language_of(user.language_code if user else None))
    if event is not None and event.callback_query is not None:
        try:
            await bot.answer_callback_query(event.callback_query.id, t(key))
        except Exception:  # noqa: BLE001 - it may have been answered before the failure
            pass
    try:
        await bot.send_message(chat.id, t(key))
    except Exception as exc:  # noqa: BLE001 - telling the user is best effort
        log.warning("apology_failed", error_type=type(exc).__name__)
