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


def client_ip(request: web.Request, trusted_hops: int = 1) -> str:
    """The caller's address, as the ``trusted_hops`` proxies in front of the app saw it
    (``TRUSTED_PROXY_HOPS``). Each proxy appends its peer to X-Forwarded-For, so the client is
    the ``trusted_hops``-th entry from the right; anything further left the client may have
    written itself (a forged ``1.1.1.1`` from a private network included). Without that many
    entries, the proxy's ``X-Real-IP``; with no proxy trusted (0), the peer."""
    peer = request.remote or "unknown"
    if trusted_hops <= 0:
        return peer
    hops = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    hops = [hop for hop in hops if hop]
    candidates = [hops[-trusted_hops]] if len(hops) >= trusted_hops else []
    candidates.append(request.headers.get("X-Real-IP", "").strip())
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return peer
