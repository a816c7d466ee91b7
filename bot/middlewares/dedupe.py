"""Each update id is handled once, however often Telegram delivers it.

Telegram redelivers a webhook update it thinks failed (a timeout, a 5xx, a lost
connection), possibly to another replica while the first is still busy with it. Before an
update is handled it is *claimed*: ``SET dedupe:<bot>:<update> <token> NX EX <claim_ttl>``.

- claimed by us: handle it; on success the record becomes ``done`` for ``done_ttl``;
  if handling raised ``RetryLater`` (a dependency is down) the claim is released, so the
  redelivery goes through once the dependency is back;
- ``done``: a duplicate; skipped and counted (``duplicate_updates_total``);
- claimed by someone else: still in progress elsewhere; in webhook mode we answer
  "retry later" (so it is neither lost nor handled twice), in polling mode we skip it.

When Redis itself is down, an in-process LRU keeps the same records, so one replica
still never handles an update twice; Redis writes are best effort.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.metrics import DUPLICATE_UPDATES
from bot.middlewares.errors import RetryLater

log = structlog.get_logger("bot.dedupe")

DONE = "done"
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class InProgress(RetryLater):
    """The same update is being handled elsewhere right now; Telegram should come back."""


class LocalRecords:
    """A bounded, expiring map of update records: the fallback when Redis is down."""

    def __init__(self, remember: int = 20_000) -> None:
        self._items: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._remember = remember

    def get(self, key: str) -> str | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] < time.monotonic():
            del self._items[key]
            return None
        return item[0]

    def put(self, key: str, value: str, ttl: float) -> None:
        self._items.pop(key, None)
        self._items[key] = (value, time.monotonic() + ttl)
        while len(self._items) > self._remember:
            self._items.popitem(last=False)

    def drop(self, key: str, value: str | None = None) -> None:
        item = self._items.get(key)
        if item is not None and (value is None or item[0] == value):
            del self._items[key]


class UpdateDedupe(BaseMiddleware):
    def __init__(self, redis: Redis | None, *, retry_in_progress: bool,
                 done_ttl: int = 3600, claim_ttl: int = 150) -> None:
        self._redis = redis
        self._retry = retry_in_progress
        self._done_ttl = done_ttl
        self._claim_ttl = claim_ttl
        self.local = LocalRecords()

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        bot = data.get("bot")
        key = f"dedupe:{bot.id if bot else 0}:{event.update_id}"
        token = secrets.token_hex(8)
        seen = await self._claim(key, token)
        if seen is not None:
            DUPLICATE_UPDATES.inc()
            log.info("duplicate_update", state="done" if seen == DONE else "in_progress")
            if seen != DONE and self._retry:
                raise InProgress()
            return None
        try:
            result = await handler(event, data)
        except BaseException:
            # Not handled (a dependency is down, or we are being cancelled): let it come back.
            await self._release(key, token)
            raise
        await self._finish(key)
        return result

    async def _claim(self, key: str, token: str) -> str | None:
        """None when the update is ours to handle, else what is recorded for it."""
        local = self.local.get(key)
        if local is not None:
            return local
        self.local.put(key, token, self._claim_ttl)
        if self._redis is None:
            return None
        try:
            if await self._redis.set(key, token, nx=True, ex=self._claim_ttl):
                return None
            current = await self._redis.get(key)
        except (RedisError, OSError) as exc:
            log.warning("dedupe_fallback", error_type=type(exc).__name__)
            return None
        self.local.drop(key, token)
        if current is None:  # expired between the two calls: treat it as ours next time
            return "in_progress"
        value = current.decode() if isinstance(current, bytes) else str(current)
        if value == DONE:
            self.local.put(key, DONE, self._done_ttl)
        return value

    async def _finish(self, key: str) -> None:
        self.local.put(key, DONE, self._done_ttl)
        if self._redis is None:
            return
        try:
            await self._redis.set(key, DONE, ex=self._done_ttl)
        except (RedisError, OSError) as exc:
            log.warning("dedupe_fallback", error_type=type(exc).__name__)

    async def _release(self, key: str, token: str) -> None:
        self.local.drop(key, token)
        if self._redis is None:
            return
        try:
            await self._redis.eval(_RELEASE, 1, key, token)  # type: ignore[misc]
        except (RedisError, OSError) as exc:
            log.warning("dedupe_fallback", error_type=type(exc).__name__)
