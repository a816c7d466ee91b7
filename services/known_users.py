"""Who is writing, remembered by the process between updates."""

from __future__ import annotations

import time
from collections import OrderedDict

from storage.models import User


class KnownUsers:
    """Snapshots of registered users, shared by the updates of one process.

    Who someone is (role, supervisor, name) does not change after registration, so most
    updates need no database round trip to learn it. Snapshots are detached and read-only;
    the TTL bounds how stale the rest (reachability, deactivation) can be. A deactivation
    forgets the snapshot in the replica that made it; other replicas see it when theirs
    expires (at most the TTL).
    """

    def __init__(self, ttl_seconds: float = 60.0, size: int = 50_000) -> None:
        self._ttl = ttl_seconds
        self._size = size
        self._items: OrderedDict[int, tuple[User, float]] = OrderedDict()

    def get(self, user_id: int) -> User | None:
        item = self._items.get(user_id)
        if item is None or item[1] < time.monotonic():
            return None
        return item[0]

    def put(self, user: User) -> None:
        self._items.pop(user.id, None)
        self._items[user.id] = (user, time.monotonic() + self._ttl)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def forget(self, user_id: int) -> None:
        self._items.pop(user_id, None)
