"""Cosmetic Bot API calls: a chat action, a progress edit, a command menu, a menu button.

They decorate work that is done (a stored version, a committed registration); their failure
(a refusal, a timeout, aiogram's ``ClientDecodeError`` when a proxy answers an HTML 502 page)
never turns that work into "Something went wrong": it is caught, logged and counted in
``telegram_cosmetic_failures_total{method}``.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import structlog
from aiogram.exceptions import AiogramError
from aiohttp import ClientError
from prometheus_client import Counter

from services.metrics import REGISTRY

log = structlog.get_logger("telegram.cosmetic")
T = TypeVar("T")

# What a Bot API call may raise besides the caller's own bugs.
CALL_ERRORS = (AiogramError, ClientError, TimeoutError, OSError)
COSMETIC_FAILURES = Counter(
    "telegram_cosmetic_failures_total", "Chat actions, progress edits, command menus and menu "
    "buttons that failed (the work they decorate went on)", ["method"], registry=REGISTRY)


def failed(method: str, exc: BaseException) -> None:
    """Count and log one failed cosmetic call."""
    COSMETIC_FAILURES.labels(method=method).inc()
    log.warning("cosmetic_call_failed", method=method, error_type=type(exc).__name__)


async def cosmetic(method: str, call: Awaitable[T]) -> T | None:
    """``call``'s result, or None when it failed (counted and logged, never raised)."""
    try:
        return await call
    except CALL_ERRORS as exc:
        failed(method, exc)
        return None
