"""``/cancel`` reaches an upload that is running, in front of the gate.

The gate handles one user's updates one after another (``gate.py``), so a ``/cancel`` sent
while that user's file is arriving waits for the upload's update to finish: minutes for a
big file. This middleware runs *before* the gate and does one thing only: for a message
that is exactly ``/cancel`` it raises the cancel flag of the user's running upload
(``storage/signals.py``), which the streaming loop checks between chunks. It changes no
state and never fails or holds the update: the ``/cancel`` then goes through the gate like
any other update (dedupe, flood control, the lock) and, once the cancelled upload has let
go of the lock, ends the step as always. A redelivered or flooded ``/cancel`` only raises
the same flag again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from storage.signals import UploadSignals

log = structlog.get_logger("bot.cancel")

CANCEL = re.compile(r"^/cancel(@\w+)?\s*$")
# The flag is worth a short wait, never the update's own time.
SIGNAL_TIMEOUT_SECONDS = 2.0


class CancelSignal(BaseMiddleware):
    def __init__(self, signals: UploadSignals) -> None:
        self._signals = signals

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        message = event.message
        if (message is not None and message.from_user is not None and message.text
                and CANCEL.match(message.text)):
            try:
                async with asyncio.timeout(SIGNAL_TIMEOUT_SECONDS):
                    flagged = await self._signals.cancel(message.chat.id, message.from_user.id)
                if flagged:
                    log.info("upload_cancel_signalled")
            except Exception as exc:  # noqa: BLE001 - the /cancel itself goes on regardless
                log.warning("upload_cancel_signal_failed", error_type=type(exc).__name__)
        return await handler(event, data)
