"""/language: each person picks the bot's language; it is stored and used for everything
the bot sends them from then on (replies, buttons, menu and outbox notifications)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import LanguageCb
from handlers.filters import Registered
from handlers.keyboards import markup
from services.context import Services
from storage.models import User
from telegram.menu import set_menu
from telegram.texts import Texts, languages


async def ask(message: Message, t: Texts) -> None:
    # Each button in its own language, so that anyone finds theirs.
    buttons = [(Texts(code)("language.name"), LanguageCb(language=code)) for code in languages()]
    await message.answer(t("language.ask"), reply_markup=markup([buttons]))


async def choose(query: CallbackQuery, callback_data: LanguageCb, services: Services,
                 user: User, t: Texts, bot: Bot) -> None:
    if callback_data.language not in languages():
        await query.answer(t("error.bad_button"), show_alert=True)
        return
    await services.registration.set_language(user, callback_data.language)
    chosen = t.for_language(callback_data.language)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(chosen("language.set"))
    await set_menu(bot, user.id, user.role, chosen)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.message.register(ask, Command("language"))
    router.callback_query.register(choose, LanguageCb.filter())
    return router
