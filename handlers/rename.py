"""Rename: the thesis title changed from /status (the student) or the student's view (a
supervisor); everyone else on the thesis is told. A command is never taken as the title."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import RenameCb
from handlers.filters import Magic, Registered, conversation_steps
from handlers.keyboards import Button
from services.context import Services
from services.submissions import TITLE_MAX
from storage.models import User
from telegram.texts import Texts


class RenameStates(StatesGroup):
    title = State()


def rename_button(t: Texts, student_id: int) -> Button:
    return (t("chat.rename.button"), RenameCb(student_id=student_id))


async def pressed(query: CallbackQuery, callback_data: RenameCb, state: FSMContext,
                  t: Texts) -> None:
    await query.answer()
    await state.set_state(RenameStates.title)
    await state.set_data({"student_id": callback_data.student_id})
    if isinstance(query.message, Message):
        await query.message.answer(t("chat.rename.ask", max=TITLE_MAX))


async def got_title(message: Message, state: FSMContext, services: Services, user: User,
                    t: Texts) -> None:
    student_id = (await state.get_data())["student_id"]
    thesis = await services.submissions.rename(user, int(student_id), message.text)
    await state.clear()
    await message.answer(t("chat.rename.done", title=thesis.title))


async def need_text(message: Message, t: Texts) -> None:
    await message.answer(t("chat.rename.ask", max=TITLE_MAX))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(Registered())
    router.callback_query.register(pressed, RenameCb.filter())
    steps = conversation_steps(__name__ + ".steps", RenameStates)
    steps.message.register(got_title, StateFilter(RenameStates.title), Magic(F.text))
    steps.message.register(need_text, StateFilter(RenameStates.title))
    router.include_router(steps)
    return router
