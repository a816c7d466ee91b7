"""Questions reach people: text a student types outside any step is offered to their
supervisor ("Send this to your supervisor?"); sent, it is a comment in the thread of the
latest version, or a message to the thesis team before any version."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import AskAction, AskCb
from handlers.filters import HasRole, Magic
from handlers.keyboards import markup
from services.context import Services
from services.threads import COMMENT_MAX
from services.vocabulary import Role
from storage.models import User
from telegram.texts import Texts


class AskStates(StatesGroup):
    offered = State()


async def typed(message: Message, state: FSMContext, t: Texts) -> None:
    text = (message.text or "").strip()
    await state.set_state(AskStates.offered)
    await state.set_data({"question": text[:COMMENT_MAX]})
    await message.answer(t("chat.ask.offer"), reply_markup=markup([[
        (t("chat.ask.send"), AskCb(action=AskAction.SEND)),
        (t("chat.drop.cancel"), AskCb(action=AskAction.CANCEL))]]))


async def pressed(query: CallbackQuery, callback_data: AskCb, state: FSMContext,
                  services: Services, user: User, t: Texts) -> None:
    question = (await state.get_data()).get("question")
    message = query.message
    if not isinstance(question, str) or not isinstance(message, Message):
        await query.answer(t("error.bad_button"), show_alert=True)
        return
    if callback_data.action is AskAction.CANCEL:
        await state.clear()
        await query.answer()
        await message.edit_text(t("chat.ask.kept"))
        return
    result = await services.threads.ask_team(user, question)
    await state.clear()
    await query.answer()
    sent = t("chat.ask.sent_thread", version=result.version) if result.version is not None \
        else t("chat.ask.sent_team")
    await message.edit_text(sent)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.STUDENT))
    router.callback_query.filter(HasRole(Role.STUDENT))
    # Another text while the offer stands replaces it.
    router.message.register(typed, StateFilter(None, AskStates.offered),
                            Magic(F.text & ~F.text.startswith("/")))
    router.callback_query.register(pressed, StateFilter(AskStates.offered), AskCb.filter())
    return router
