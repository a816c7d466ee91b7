"""The gate's records in process memory: its fallback when Redis is unreachable
(``gate.py``): update claims and marks, and per-user locks, for this replica alone."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


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


class LocalLocks:
    """Per-key asyncio locks, forgotten when nobody holds or waits for them."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
