"""The login rate limit, per client IP, in the app itself (nginx has its own in front).

A fixed one-minute window counted in Redis (shared by every replica) with ``INCR`` and an
expiry; while Redis is absent or down, each replica counts in memory, so the limit still
holds per replica rather than not at all.
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict

import structlog
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("api.ratelimit")
WINDOW_SECONDS = 60
MEMORY_KEYS = 100_000


class LoginRateLimit:
    def __init__(self, per_minute: int, redis: Redis | None, prefix: str = "api:login") -> None:
        self.per_minute = per_minute
        self._redis = redis
        self._prefix = prefix
        self._memory: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def allow(self, client: str) -> tuple[bool, int]:
        """(allowed, seconds until the window ends)."""
        now = int(time.time())
        window = now // WINDOW_SECONDS
        retry_after = (window + 1) * WINDOW_SECONDS - now
        count = await self._count_redis(client, window)
        if count is None:
            count = self._count_memory(client, window)
        return count <= self.per_minute, retry_after

    async def _count_redis(self, client: str, window: int) -> int | None:
        if self._redis is None:
            return None
        key = f"{self._prefix}:{window}:{client}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS + 5)
                count, _ = await pipe.execute()
            return int(count)
        except (RedisError, OSError):
            log.warning("login_rate_limit_in_memory", exc_info=False)
            return None

    def _count_memory(self, client: str, window: int) -> int:
        seen_window, count = self._memory.pop(client, (window, 0))
        count = count + 1 if seen_window == window else 1
        self._memory[client] = (window, count)
        while len(self._memory) > MEMORY_KEYS:
            self._memory.popitem(last=False)
        return count


def client_ip(request: web.Request) -> str:
    """The caller's address. Behind our own proxy (a private or loopback peer: nginx, the
    ALB), the right-most public hop of X-Forwarded-For, the one the proxy appended (anything
    to its left the client may have forged); a public peer is the caller itself."""
    peer = request.remote or "unknown"
    try:
        direct = ipaddress.ip_address(peer)
    except ValueError:
        return peer
    if not (direct.is_private or direct.is_loopback):
        return peer
    forwarded = request.headers.get("X-Forwarded-For", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            continue
        if not (address.is_private or address.is_loopback):
            return str(address)
    return peer
