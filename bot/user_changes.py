"""The users' versions in Redis, shared by the replicas (``services.base.UserChanges``).

One key per user whose access an admin changed, ``users:<bot id>:v:<user id>``, an INCR
counter: a replica keeps a snapshot of a user together with the value it read before the
row, and reads the row again as soon as the value differs. A key lives a day (far longer
than a snapshot's TTL; a key that expired reads as a new value, which costs one read). A
Redis error never fails the update: the version reads as unknown and the snapshot is
trusted for a few seconds only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("bot.user_changes")

KEY_TTL_SECONDS = 24 * 3600

# (user id, version) the update gate read in its entering round trip, for this update only.
_READ: ContextVar[tuple[int, str] | None] = ContextVar("user_version_read", default=None)


class RedisUserChanges:
    def __init__(self, redis: Redis, scope: str) -> None:
        self._redis = redis
        self._prefix = f"users:{scope}:v:"

    def key(self, user_id: int) -> str:
        return f"{self._prefix}{user_id}"

    @contextmanager
    def read_already(self, user_id: int, version: str) -> Iterator[None]:
        """Within this block (one update), ``version(user_id)`` is ``version``: the gate
        read it with the update's claim, before any row of the user is read."""
        token = _READ.set((user_id, version))
        try:
            yield
        finally:
            _READ.reset(token)

    async def version(self, user_id: int) -> str | None:
        read = _READ.get()
        if read is not None and read[0] == user_id:
            return read[1]
        try:
            value = await self._redis.get(f"{self._prefix}{user_id}")
        except (RedisError, OSError) as exc:
            log.warning("user_version_unknown", error_type=type(exc).__name__)
            return None
        return value.decode() if isinstance(value, bytes) else str(value or "0")

    async def changed(self, user_id: int) -> None:
        key = f"{self._prefix}{user_id}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, KEY_TTL_SECONDS)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            # Committed already; the other replicas see it when their snapshot expires.
            log.warning("user_change_not_shared", user_id=user_id,
                        error_type=type(exc).__name__)
