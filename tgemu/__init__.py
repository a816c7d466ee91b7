"""Telegram Bot API emulator speaking the real HTTP protocol on loopback.

Point aiogram at it with ``TelegramAPIServer.from_base(emulator.base_url)``. A test double:
used by the tests, the sandbox and the benchmark, never installed or shipped in the image.
"""

from .emulator import BotAPIEmulator
from .html import EntityParseError, parse_html, utf16_len
from .records import (
    ApiError,
    ChatInfo,
    Failure,
    MessageEdit,
    RecordedMessage,
    StoredFile,
    WebhookDelivery,
)
from .webapp import init_data_for, launch_hash, sign_init_data
from .wire import Upload

__all__ = [
    "ApiError",
    "BotAPIEmulator",
    "ChatInfo",
    "EntityParseError",
    "Failure",
    "MessageEdit",
    "RecordedMessage",
    "StoredFile",
    "Upload",
    "WebhookDelivery",
    "init_data_for",
    "launch_hash",
    "parse_html",
    "sign_init_data",
    "utf16_len",
]
