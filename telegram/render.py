"""Small rendering helpers shared by handlers: errors, ages, sizes, long texts."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject

from services.errors import DomainError
from telegram.texts import Texts

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def error_text(t: Texts, error: DomainError) -> str:
    """The catalog text of a domain error.

    A code without a text, or a text needing a parameter the error lacks, raises KeyError:
    a bug, answered and logged by the error middleware (tests/unit/test_error_texts.py checks
    every error the code raises), never papered over with a vaguer message.
    """
    params = dict(error.params)
    reason = params.get("reason")
    if reason and t.has(f"reason.{reason}"):
        # Already HTML: put in as it is (escaped, its tags would be shown as text).
        params["reason_text"] = t.raw(f"reason.{reason}")
    status = params.get("status")
    if isinstance(status, str) and t.has(f"thesis.{status}"):
        # A thesis status is shown as the reader's word for it, never the stored value.
        params["status"] = t(f"thesis.{status}")
    return t(f"error.{error.code}", **params)


class RenderDomainErrors(BaseMiddleware):
    """The one place a handler's ``DomainError`` becomes what the user reads.

    A message is answered with the error's text, a button press with an alert. Inner (around
    the handler only), so the handler's FSM changes made before the raise are kept exactly
    as if it had answered and returned.
    """

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except DomainError as error:
            t: Texts = data["t"]
            if isinstance(event, CallbackQuery):
                await event.answer(plain(error_text(t, error)), show_alert=True)
            elif isinstance(event, Message):
                await event.answer(error_text(t, error))
            else:
                raise
            return None


def plain(text: str) -> str:
    """A message's HTML as plain text, for an alert (a button's answer draws no tags)."""
    return html.unescape(re.sub(r"</?[a-z][a-z0-9-]*(\s[^>]*)?>", "", text))


def age(t: Texts, delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 3600:
        return t("age.minutes", n=max(seconds // 60, 1))
    if seconds < 86400:
        return t("age.hours", n=seconds // 3600)
    return t("age.days", n=seconds // 86400)


def size(t: Texts, num_bytes: int) -> str:
    if num_bytes < 1024 * 1024:
        return t("size.kb", n=max(num_bytes // 1024, 1))
    return t("size.mb", n=num_bytes / (1024 * 1024))


def clip(value: str | None, limit: int) -> str | None:
    """Shorten raw user text (before escaping) so the message stays within Telegram's limits."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def split_lines(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join lines into as few messages as fit, never cutting a line (and so a tag) in two."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


async def answer_lines(message: Message, lines: list[str],
                       markup: InlineKeyboardMarkup | None = None) -> None:
    """Send lines in as few messages as fit; buttons go with the last one."""
    chunks = split_lines(lines)
    for chunk in chunks[:-1]:
        await message.answer(chunk)
    await message.answer(chunks[-1], reply_markup=markup)

