"""Per-user flood control: at most FLOOD_RATE updates per FLOOD_WINDOW_SECONDS.

A fixed window per user, counted in Redis with one atomic ``INCR`` + ``EXPIRE`` (MULTI),
so every replica shares it; in process memory while Redis is unreachable. The first
update over the limit gets one "slow down" answer, it and the rest of the window's updates
are dropped and counted (``flood_dropped_updates_total``). Administrators are exempt, and
so are updates that are not someone typing or pressing (e.g. a user blocking the bot).
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.metrics import FLOOD_DROPPED
from handlers.texts import Texts, language_of

log = structlog.get_logger("bot.flood")

THROTTLED = frozenset({"message", "edited_message", "callback_query", "inline_query"})


class FloodControl(BaseMiddleware):
    def __init__(self, redis: Redis | None, rate: int, window_seconds: float,
                 exempt: Iterable[int] = ()) -> None:
        self._redis = redis
        self.rate = rate
        self.window = window_seconds
        self._exempt = frozenset(exempt)
        self._local: dict[tuple[int, int], int] = {}

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user = data.get("event_from_user")
        if event.event_type not in THROTTLED or user is None or user.id in self._exempt:
            return await handler(event, data)
        bot: Bot | None = data.get("bot")
        count = await self._hit(bot.id if bot else 0, user.id)
        if count <= self.rate:
            return await handler(event, data)
        FLOOD_DROPPED.inc()
        log.info("flood_dropped", count=count, limit=self.rate)
        if count == self.rate + 1:
            await self._slow_down(event, data)
        return None

    async def _hit(self, bot_id: int, user_id: int) -> int:
        window = int(time.time() // self.window)
        if self._redis is not None:
            key = f"flood:{bot_id}:{user_id}:{window}"
            try:
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.incr(key)
                    pipe.expire(key, math.ceil(self.window) + 1)
                    count, _ = await pipe.execute()
                return int(count)
            except (RedisError, OSError) as exc:
                log.warning("flood_fallback", error_type=type(exc).__name__)
        for stale in [k for k in self._local if k[1] < window]:
            del self._local[stale]
        count = self._local.get((user_id, window), 0) + 1
        self._local[(user_id, window)] = count
        return count

    async def _slow_down(self, event: Update, data: dict[str, Any]) -> None:
        bot: Bot | None = data.get("bot")
        user = data.get("event_from_user")
        chat = data.get("event_chat")
        if bot is None:
            return
        t = Texts(language_of(user.language_code if user else None))
        try:
            if event.callback_query is not None:
                await bot.answer_callback_query(event.callback_query.id, t("error.slow_down"),
                                                show_alert=True)
            elif chat is not None and chat.type == "private":
                await bot.send_message(chat.id, t("error.slow_down"))
        except Exception as exc:  # noqa: BLE001 - the warning is best effort
            log.warning("slow_down_failed", error_type=type(exc).__name__)
