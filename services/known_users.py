"""Who is writing, remembered by the process between updates."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from storage.models import User


@dataclass(frozen=True)
class _Snapshot:
    user: User
    version: str | None
    taken: float


class KnownUsers:
    """Snapshots of registered users, shared by the updates of one process.

    Who someone is (role, supervisor, name) does not change after registration, so most
    updates need no database round trip to learn it. Snapshots are detached and read-only.
    Each is kept with the user's version (``services.base.UserChanges``), read before the
    row was: it is served while the version is unchanged, for at most ``ttl_seconds``;
    while the version cannot be read (Redis is down), for at most ``outage_ttl_seconds``
    since it was taken.
    """

    def __init__(self, ttl_seconds: float = 60.0, size: int = 50_000,
                 outage_ttl_seconds: float = 5.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._outage_ttl = outage_ttl_seconds
        self._size = size
        self._now = monotonic
        self._items: OrderedDict[int, _Snapshot] = OrderedDict()

    def get(self, user_id: int, version: str | None) -> User | None:
        """The snapshot, if it is still good for a user whose version is now ``version``."""
        item = self._items.get(user_id)
        if item is None:
            return None
        age = self._now() - item.taken
        if version is None:
            fresh = age < self._outage_ttl
        else:
            fresh = age < self._ttl and item.version == version
        return item.user if fresh else None

    def put(self, user: User, version: str | None) -> None:
        self._items.pop(user.id, None)
        self._items[user.id] = _Snapshot(user, version, self._now())
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def forget(self, user_id: int) -> None:
        self._items.pop(user_id, None)
