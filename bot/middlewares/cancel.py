"""``/cancel`` reaches an upload that is running, ahead of the user's lock.

The gate handles one user's updates one after another (``gate.py``), so a ``/cancel`` sent
while that user's file is arriving waits for the upload's update to finish: minutes for a
big file. So for a message that is exactly ``/cancel`` the gate raises the cancel flag of the
user's running upload (``storage/signals.py``), which the streaming loop checks between
chunks, *before* it claims the update or waits for the lock: in the same Redis round trip as
the claim (the entering script, ``gate_scripts._ENTER``), or here, in process memory, when
Redis is not there. It changes no state and never fails or holds the update: the
``/cancel`` then goes through the gate like any other update (dedupe, flood control, the
lock) and, once the cancelled upload has let go of the lock, ends the step as always. A
redelivered or flooded ``/cancel`` only raises the same flag again.

(Issue 33: this was a middleware of its own in front of the gate, one more layer on every
update and one more Redis round trip on every ``/cancel``.)
"""

from __future__ import annotations

import asyncio
import re

import structlog
from aiogram.types import Update

from bot.middlewares.gate_scripts import CancelFlag
from storage.signals import CANCEL_PREFIX, CANCEL_TTL_SECONDS, UploadSignals

log = structlog.get_logger("bot.cancel")

CANCEL = re.compile(r"^/cancel(@\w+)?\s*$")
# The flag is worth a short wait, never the update's own time.
SIGNAL_TIMEOUT_SECONDS = 2.0


def cancel_of(event: Update) -> tuple[int, int] | None:
    """(chat id, user id) when the update is a message that is exactly ``/cancel``."""
    message = event.message
    if (message is not None and message.from_user is not None and message.text
            and message.text.startswith("/cancel") and CANCEL.match(message.text)):
        return message.chat.id, message.from_user.id
    return None


def cancel_flag(signals: UploadSignals, chat_id: int, user_id: int) -> CancelFlag:
    """What the gate's entering script needs to raise the flag."""
    return CancelFlag(signals.running_key(chat_id, user_id), CANCEL_PREFIX,
                      CANCEL_TTL_SECONDS)


def signalled() -> None:
    log.info("upload_cancel_signalled")


async def signal_locally(signals: UploadSignals, chat_id: int, user_id: int) -> None:
    """Raise the flag without the gate's script (Redis unreachable, or not configured)."""
    try:
        async with asyncio.timeout(SIGNAL_TIMEOUT_SECONDS):
            if await signals.cancel(chat_id, user_id):
                signalled()
    except Exception as exc:  # noqa: BLE001 - the /cancel itself goes on regardless
        log.warning("upload_cancel_signal_failed", error_type=type(exc).__name__)
