"""Everything no other handler took: a short hint, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from handlers.filters import Magic
from storage.models import User
from telegram.texts import Texts


async def unknown_command(message: Message, t: Texts, user: User | None) -> None:
    await _hint(message, t, user, "fallback.not_allowed_command")


async def plain_text(message: Message, t: Texts, user: User | None) -> None:
    await _hint(message, t, user, "fallback.text")


async def anything_else(message: Message, t: Texts, user: User | None) -> None:
    await _hint(message, t, user, "fallback.unsupported")


async def _hint(message: Message, t: Texts, user: User | None, key: str) -> None:
    if user is None:
        assert message.from_user is not None
        await message.answer(t("fallback.not_registered", user_id=message.from_user.id))
        return
    await message.answer(t(key))


async def stale_button(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("error.bad_button"), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_command, Magic(F.text.startswith("/")))
    router.message.register(plain_text, Magic(F.text))
    router.message.register(anything_else)
    router.callback_query.register(stale_button)
    return router
