"""One log event and metrics per update; errors become a polite answer and a counted log."""

from __future__ import annotations

import asyncio
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


class InFlight:
    """Counts updates being handled, so shutdown can wait for them to finish."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self.count += 1
        self._idle.clear()

    def leave(self) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def wait_idle(self, limit: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), limit)
        except TimeoutError:
            return False
        return True


class UpdateLogMiddleware(BaseMiddleware):
    """Outer middleware on updates: binds the log context, times and counts the update."""

    def __init__(self, in_flight: InFlight) -> None:
        self.in_flight = in_flight

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
        self.in_flight.enter()
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
                self.in_flight.leave()
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
