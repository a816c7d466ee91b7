"""🗓 Review by… on a card (and in /queue): **Tomorrow**, **In 3 days**, **Friday**, or a date
typed as YYYY-MM-DD; the student is told, and the supervisor reminded if it passes."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import PromiseCb
from handlers.filters import HasRole, Magic, conversation_steps
from handlers.keyboards import markup
from services.context import Services
from services.promises import Choice
from services.vocabulary import Role
from storage.models import User
from telegram.texts import Texts

ASK, DATE = "ask", "date"
CHOICES = ((Choice.TOMORROW, "promise.choice.tomorrow"), (Choice.IN_3_DAYS, "promise.choice.in_3"),
           (Choice.FRIDAY, "promise.choice.friday"))


class PromiseStates(StatesGroup):
    date = State()


class PromiseData(TypedDict):
    submission_id: int


async def pressed(query: CallbackQuery, callback_data: PromiseCb, services: Services,
                  user: User, t: Texts, state: FSMContext, bot: Bot) -> None:
    submission_id, choice = callback_data.submission_id, callback_data.choice
    if choice == ASK:
        await query.answer()
        buttons = markup([
            [(t(key), PromiseCb(submission_id=submission_id, choice=c.value))
             for c, key in CHOICES],
            [(t("promise.choice.date"), PromiseCb(submission_id=submission_id, choice=DATE))]])
        dates = {c: t.date(services.promises.due_for(c)) for c, _ in CHOICES}
        await bot.send_message(user.id, t("promise.ask", tomorrow=dates[Choice.TOMORROW],
                                          in_3=dates[Choice.IN_3_DAYS],
                                          friday=dates[Choice.FRIDAY]), reply_markup=buttons)
        return
    if choice == DATE:
        await query.answer()
        await state.set_state(PromiseStates.date)
        await state.set_data(PromiseData(submission_id=submission_id))
        await bot.send_message(user.id, t("promise.ask_date"))
        return
    try:
        picked = Choice(choice)
    except ValueError:
        await query.answer(t("error.bad_button"), show_alert=True)
        return
    await _promise(services, user, t, bot, submission_id, services.promises.due_for(picked))
    await query.answer()


async def got_date(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts, bot: Bot) -> None:
    data: PromiseData = await state.get_data()  # type: ignore[assignment]
    due_at = services.deadlines.parse_due(message.text)
    await state.clear()
    await _promise(services, user, t, bot, data["submission_id"], due_at)


async def need_date(message: Message, t: Texts) -> None:
    await message.answer(t("promise.ask_date"))


async def _promise(services: Services, user: User, t: Texts, bot: Bot, submission_id: int,
                   due_at: datetime) -> None:
    promised = await services.promises.promise(user, submission_id, due_at)
    await bot.send_message(user.id, t("promise.done", student=promised.student.full_name,
                                      version=promised.version, at=due_at))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.callback_query.register(pressed, PromiseCb.filter())
    steps = conversation_steps(__name__ + ".steps", PromiseStates)
    steps.message.register(got_date, StateFilter(PromiseStates.date),
                           Magic(F.text & ~F.text.startswith("/")))
    steps.message.register(need_date, StateFilter(PromiseStates.date))
    router.include_router(steps)
    return router
