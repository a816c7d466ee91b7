"""The real bot with two framework costs removed, to measure what they cost (section 1).

Not a fix: it patches in memory, for the benchmark only, what the profile points at.

1. aiogram runs every synchronous filter through ``asyncio.to_thread``; the ``F.…`` magic
   filters (``F.chat.type == PRIVATE`` on the private router and the chats router,
   ``F.text`` on conversation steps) are synchronous, so most updates make several thread
   pool round trips. Here magic filters are resolved inline (they are pure and cheap).
2. ``pool_pre_ping=True`` runs ``SELECT 1`` in its own transaction on every connection
   checkout, and ``ContextMiddleware`` checks out twice per update. Here it is off.
"""

from __future__ import annotations

import sys
from typing import Any


def patch() -> None:
    from aiogram.dispatcher.event.handler import CallableObject
    from sqlalchemy.ext import asyncio as sa_asyncio

    import storage.db

    original = CallableObject.call

    async def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "magic", None) is not None:
            return self.callback(*args, **self._prepare_kwargs(kwargs))
        return await original(self, *args, **kwargs)

    CallableObject.call = call  # type: ignore[method-assign]

    def engine(url: Any, **kwargs: Any) -> Any:
        kwargs["pool_pre_ping"] = False
        return sa_asyncio.create_async_engine(url, **kwargs)

    storage.db.create_async_engine = engine  # type: ignore[attr-defined]


if __name__ == "__main__":
    patch()
    from bot.__main__ import main

    sys.exit(main(["run"]))
