"""The process's snapshots of users: served while the user's shared version is unchanged,
for a few seconds only while that version cannot be read."""

from __future__ import annotations

import socket

from redis.asyncio import Redis

from bot.user_changes import RedisUserChanges
from services.known_users import KnownUsers
from storage.models import User


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def alice() -> User:
    return User(id=201, role="student", full_name="Alice A", language="en")


def test_a_snapshot_is_served_while_the_version_is_unchanged_and_within_its_ttl() -> None:
    ticks = Ticks()
    known = KnownUsers(ttl_seconds=60, outage_ttl_seconds=5, monotonic=ticks)
    known.put(alice(), "3")
    assert known.get(201, "3") is not None
    assert known.get(201, "4") is None  # another replica changed her
    ticks.now += 61
    assert known.get(201, "3") is None


def test_while_the_version_cannot_be_read_a_snapshot_lasts_the_short_ttl() -> None:
    ticks = Ticks()
    known = KnownUsers(ttl_seconds=60, outage_ttl_seconds=5, monotonic=ticks)
    known.put(alice(), "3")
    ticks.now += 4
    assert known.get(201, None) is not None
    ticks.now += 2
    assert known.get(201, None) is None
    # Taken during the outage: once the version can be read again, read the row again.
    known.put(alice(), None)
    assert known.get(201, "3") is None


async def test_redis_down_reads_as_unknown_and_a_change_does_not_fail() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=1)
    try:
        changes = RedisUserChanges(redis, scope="123")
        assert await changes.version(201) is None
        await changes.changed(201)  # logged, never raised: the change is committed already
    finally:
        await redis.aclose()
