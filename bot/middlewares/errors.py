"""What happens when handling an update fails.

- A dependency is down (database, Redis, file store): the user hears the service is briefly
  unavailable and the error propagates, so that in webhook mode Telegram redelivers the
  update once we are back; ``RedeliveryBudget`` stops one poison update from coming back
  for ever.
- Anything else: an apology, an error log with the update id, a counted error; the update
  is acknowledged and not retried.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.metrics import APP_ERRORS, DEPENDENCY_FAILURES
from handlers.texts import Texts, language_of
from services.errors import StorageUnavailable

log = structlog.get_logger("bot.errors")


class DependencyDown(Exception):
    """Raised to the webhook so Telegram redelivers the update later."""


def dependency_of(exc: BaseException) -> str | None:
    """Which dependency an exception says is unavailable, if any."""
    if isinstance(exc, (RedisConnectionError, RedisTimeoutError)):
        return "redis"
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeoutError)):
        return "database"
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "database"
    if isinstance(exc, StorageUnavailable):
        return "files"
    if isinstance(exc, (ConnectionError, TimeoutError, OSError)) and \
            not isinstance(exc, TelegramAPIError):
        return "database"
    return None


class RedeliveryBudget:
    """How many times each update may fail on a dependency before we give it up."""

    def __init__(self, limit: int, remember: int = 10_000) -> None:
        self.limit = limit
        self._attempts: OrderedDict[int, int] = OrderedDict()
        self._remember = remember

    def spend(self, update_id: int) -> bool:
        """Count one failed attempt; True while the update may still be retried."""
        attempts = self._attempts.pop(update_id, 0) + 1
        self._attempts[update_id] = attempts
        while len(self._attempts) > self._remember:
            self._attempts.popitem(last=False)
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
                await self._tell(data, "error.unexpected")
                return None
            DEPENDENCY_FAILURES.labels(dependency=dependency).inc()
            APP_ERRORS.labels(error_type=f"dependency_{dependency}").inc()
            retry = self._retry and self._budget.spend(event.update_id)
            log.warning("dependency_unavailable", dependency=dependency,
                        error_type=type(exc).__name__, will_retry=retry)
            await self._tell(data, "error.unavailable")
            if retry:
                raise DependencyDown(dependency) from exc
            return None

    async def _tell(self, data: dict[str, Any], key: str) -> None:
        bot: Bot | None = data.get("bot")
        chat = data.get("event_chat")
        user = data.get("event_from_user")
        if bot is None or chat is None or chat.type != "private":
            return
        t: Texts = data.get("t") or Texts(language_of(user.language_code if user else None))
        try:
            await bot.send_message(chat.id, t(key))
        except Exception as exc:  # noqa: BLE001 - telling the user is best effort
            log.warning("apology_failed", error_type=type(exc).__name__)
