"""Pacing the outbox: Telegram's limits are per bot, so the replicas share one budget.

``RateLimiter`` paces one process. ``SharedRateLimiter`` keeps the same two limits (overall
and per chat) in Redis, so that all replicas together stay within them: each send reserves
its slot with one script call (GCRA: the next free moment, not a counter, so there is no
burst at a window's edge), and a 429 seen by one replica holds them all. While Redis is
unreachable each replica falls back to its own ``RateLimiter``: per replica, as before the
sharing, rather than not sending at all.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("bot.outbox")


class Limiter(Protocol):
    async def acquire(self, chat_id: int) -> None: ...

    async def pause(self, seconds: float) -> None: ...


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

    async def pause(self, seconds: float) -> None:
        """Telegram asked us to wait: hold every send, not just this chat's."""
        self.hold(seconds)

    def hold(self, seconds: float) -> None:
        self._hold_until = max(self._hold_until, time.monotonic() + seconds)

    def held(self) -> bool:
        return self._hold_until > time.monotonic()


# Times in microseconds of the Redis server's clock, so that the replicas' clocks agree.
# KEYS: the next free global slot, the chat's next free slot, the hold after a 429.
# ARGV: global interval, chat interval (µs). Returns {1, wait} (slot reserved: send after
# wait µs) or {0, wait} (the chat or a hold blocks: ask again after wait µs).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local blocked = math.max(tonumber(redis.call('GET', KEYS[3]) or 0),
                         tonumber(redis.call('GET', KEYS[2]) or 0))
if blocked > now then
  return {0, blocked - now}
end
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0))
local global_next = start + tonumber(ARGV[1])
local chat_next = start + tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%.0f', global_next),
           'PX', math.floor((global_next - now) / 1000) + 1000)
redis.call('SET', KEYS[2], string.format('%.0f', chat_next),
           'PX', math.floor((chat_next - now) / 1000) + 1000)
return {1, start - now}
"""

# KEYS: the hold. ARGV: seconds to hold (µs). Extends the hold, never shortens it.
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or 0) then
  redis.call('SET', KEYS[1], string.format('%.0f', until_),
             'PX', math.floor(tonumber(ARGV[1]) / 1000) + 1000)
end
return 1
"""


class SharedRateLimiter:
    """The limits of ``RateLimiter``, held by all replicas together through Redis."""

    def __init__(self, redis: Redis, rate: float, chat_rate: float, scope: str) -> None:
        self._redis = redis
        self._interval_us = round(1_000_000 / rate)
        self._chat_interval_us = round(1_000_000 / chat_rate)
        self._prefix = f"outbox-rate:{scope}"
        self._reserve = redis.register_script(_RESERVE)
        self._hold = redis.register_script(_HOLD)
        self._local = RateLimiter(rate, chat_rate)
        self._degraded = False

    async def acquire(self, chat_id: int) -> None:
        while True:
            try:
                reserved, wait_us = await self._reserve(
                    keys=[f"{self._prefix}:next", f"{self._prefix}:chat:{chat_id}",
                          f"{self._prefix}:hold"],
                    args=[self._interval_us, self._chat_interval_us])
            except (RedisError, OSError) as exc:
                self._degrade(exc)
                await self._local.acquire(chat_id)
                return
            self._recover()
            await asyncio.sleep(int(wait_us) / 1_000_000)
            if int(reserved) and not self._local.held():
                return
            # Blocked, or this replica saw a 429 while we waited for the slot: ask again.

    async def pause(self, seconds: float) -> None:
        self._local.hold(seconds)
        try:
            await self._hold(keys=[f"{self._prefix}:hold"], args=[round(seconds * 1_000_000)])
        except (RedisError, OSError) as exc:
            self._degrade(exc)

    def _degrade(self, exc: BaseException) -> None:
        if not self._degraded:
            log.warning("outbox_rate_local", error_type=type(exc).__name__)
        self._degraded = True

    def _recover(self) -> None:
        if self._degraded:
            log.info("outbox_rate_shared")
        self._degraded = False
