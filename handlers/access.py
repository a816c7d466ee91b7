"""People whose access was revoked: every command and button gets one polite line.

Tried before every other private router, so no handler behind it ever sees a deactivated
person or an id removed from ADMIN_IDS; /start tells them where they stand.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import BaseFilter, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject

from services.access import Revoked, revoked
from services.context import Services
from storage.models import User
from telegram.menu import set_menu
from telegram.texts import Texts


class AccessRevoked(BaseFilter):
    """Matches a registered user who may not act; hands the reason to the handler."""

    async def __call__(self, event: TelegramObject, user: User | None = None,
                       services: Services | None = None, **_: Any) -> bool | dict[str, Any]:
        if user is None or services is None:
            return False
        reason = revoked(user, services.deps.config)
        return {"reason": reason} if reason is not None else False


async def start(message: Message, reason: Revoked, t: Texts, state: FSMContext,
                bot: Bot, webapp_url: str | None = None) -> None:
    await state.clear()
    await message.answer(t(f"access.start.{reason}"))
    await set_menu(bot, message.chat.id, "revoked", t, webapp_url)


async def refuse_message(message: Message, reason: Revoked, t: Texts) -> None:
    await message.answer(t(f"access.refused.{reason}"))


async def refuse_button(query: CallbackQuery, reason: Revoked, t: Texts) -> None:
    await query.answer(t(f"access.refused.{reason}"), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(AccessRevoked())
    router.callback_query.filter(AccessRevoked())
    router.message.register(start, CommandStart())
    router.message.register(refuse_message)
    router.callback_query.register(refuse_button)
    return router
