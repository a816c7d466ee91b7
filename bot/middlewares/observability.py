"""One log event and metrics per update; errors become a polite answer and a counted log."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject, Update

from bot.metrics import TELEGRAM_UPDATES, UPDATE_SECONDS

log = structlog.get_logger("bot.updates")
TRACE = "_trace"


class UpdateLogMiddleware(BaseMiddleware):
    """Outer middleware on updates: binds the log context, times and counts the update."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        kind = event.event_type
        user = data.get("event_from_user")
        trace = {"handler": "unhandled"}
        data[TRACE] = trace
        TELEGRAM_UPDATES.labels(type=kind).inc()
        started = time.perf_counter()
        outcome = "ok"
        with structlog.contextvars.bound_contextvars(update_id=event.update_id,
                                                     user_id=user.id if user else None):
            try:
                result = await handler(event, data)
                if result is not None and getattr(result, "name", "") == "UNHANDLED":
                    outcome = "unhandled"
                return result
            except BaseException:
                outcome = "error"
                raise
            finally:
                duration = time.perf_counter() - started
                UPDATE_SECONDS.labels(handler=trace["handler"]).observe(duration)
                log.info("update", type=kind, handler=trace["handler"], outcome=outcome,
                         duration_ms=round(duration * 1000, 1))


class HandlerNameMiddleware(BaseMiddleware):
    """Inner middleware: records which handler took the update, for logs and metrics."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        handler_object: HandlerObject | None = data.get("handler")
        trace = data.get(TRACE)
        if handler_object is not None and trace is not None:
            callback = handler_object.callback
            trace["handler"] = f"{callback.__module__}.{callback.__qualname__}"
        return await handler(event, data)
