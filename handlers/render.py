"""Small rendering helpers shared by handlers: errors, ages, sizes, long texts."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.types import InlineKeyboardMarkup, Message

from handlers.texts import Texts
from services.errors import DomainError

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def error_text(t: Texts, error: DomainError) -> str:
    params = dict(error.params)
    reason = params.get("reason")
    if reason and t.has(f"reason.{reason}"):
        params["reason_text"] = t(f"reason.{reason}")
    params.setdefault("reason_text", "")
    key = f"error.{error.code}"
    if not t.has(key):
        key = "error.not_allowed"
    try:
        return t(key, **params)
    except KeyError:
        return t("error.not_allowed")


async def reply_error(message: Message, t: Texts, error: DomainError) -> None:
    await message.answer(error_text(t, error))


def age(t: Texts, delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 3600:
        return t("age.minutes", n=max(seconds // 60, 1))
    if seconds < 86400:
        return t("age.hours", n=seconds // 3600)
    return t("age.days", n=seconds // 86400)


def size(num_bytes: int) -> str:
    if num_bytes < 1024 * 1024:
        return f"{max(num_bytes // 1024, 1)} KB"
    return f"{num_bytes / (1024 * 1024):.1f} MB"


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


def days_ago(now: datetime, then: datetime) -> int:
    return max((now - then).days, 0)
