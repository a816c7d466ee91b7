"""The defence in the chat: **Schedule defence** (the team view of a final thesis; the
supervisor or an admin) asks the moment (the date question of handlers/dates.py), the room
or link, external members and the minute-taker; each participant answers **Confirm** /
**Can't make it**; the minute-taker's **Record minutes** takes the minutes and the scheme's
Defence component once the defence has begun."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from handlers import dates
from handlers.callbacks import DefenceAction, DefenceCb
from handlers.filters import Magic, Registered, conversation_steps
from handlers.keyboards import in_rows, markup
from services.assessment_rules import InvalidMark, parse_mark
from services.calendar import defence_ics
from services.context import Services
from services.defence import parse_externals
from services.meetings import clean_place
from storage.models import User
from telegram.render import clip
from telegram.texts import Texts


class DefenceStates(StatesGroup):
    when = State()
    place = State()
    externals = State()
    taker = State()
    minutes = State()
    mark = State()


class Plan(TypedDict, total=False):
    student_id: int
    starts_at: str
    place: str
    externals: list[str]


class Minutes(TypedDict, total=False):
    defence_id: int
    component: str | None
    minutes: str


async def start(query: CallbackQuery, student_id: int, services: Services, user: User,
                t: Texts, state: FSMContext) -> None:
    plan = await services.defence.plan(user, student_id)
    await query.answer()
    await state.set_state(DefenceStates.when)
    await state.set_data(Plan(student_id=student_id))
    if isinstance(query.message, Message):
        await dates.ask(query.message, t("defence.ask.when", student=plan.student.full_name,
                                         title=clip(plan.thesis.title, 200),
                                         tz=services.deps.config.tz.key), t)


async def got_when(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts, starts_at: datetime) -> None:
    await state.update_data(starts_at=starts_at.isoformat())
    await state.set_state(DefenceStates.place)
    await message.answer(t("defence.ask.place"))


async def got_place(message: Message, state: FSMContext, t: Texts) -> None:
    place = clean_place(message.text)
    if place is None:
        await message.answer(t("defence.ask.place"))
        return
    await state.update_data(place=place)
    await state.set_state(DefenceStates.externals)
    await message.answer(t("defence.ask.externals"))


async def got_externals(message: Message, state: FSMContext, services: Services,
                        user: User, t: Texts) -> None:
    externals = parse_externals(message.text)
    data: Plan = await state.get_data()  # type: ignore[assignment]
    plan = await services.defence.plan(user, data["student_id"])
    await state.update_data(externals=externals)
    await state.set_state(DefenceStates.taker)
    buttons = in_rows(((u.full_name[:40],
                        DefenceCb(action=DefenceAction.TAKER, student_id=plan.student.id,
                                  value=u.id)) for u, _role in plan.committee), 2)
    await message.answer(t("defence.ask.taker"), reply_markup=markup(buttons))


async def taker_picked(query: CallbackQuery, callback_data: DefenceCb, state: FSMContext,
                       services: Services, user: User, t: Texts, bot: Bot) -> None:
    data: Plan = await state.get_data()  # type: ignore[assignment]
    if data.get("student_id") != callback_data.student_id or "place" not in data:
        await query.answer(t("error.bad_button"), show_alert=True)
        return
    view = await services.defence.schedule(
        user, data["student_id"], datetime.fromisoformat(data["starts_at"]), data["place"],
        list(data.get("externals", [])), callback_data.value)
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    await bot.send_message(user.id, t(
        "defence.scheduled", student=view.student.full_name, title=clip(view.thesis.title, 200),
        at=view.defence.starts_at, place=clip(view.defence.place, 500),
        committee=clip(", ".join(m.name for m in view.committee), 1000),
        taker=view.minute_taker or "?"))
    # The event as a file, for the external members, who have no chat with the bot.
    await bot.send_document(user.id, BufferedInputFile(
        defence_ics(view, services.deps.config.tz), filename=f"defence-{view.defence.id}.ics"),
        caption=t("defence.ics_caption"))


async def pressed(query: CallbackQuery, callback_data: DefenceCb, services: Services,
                  user: User, t: Texts, state: FSMContext, bot: Bot) -> None:
    action = callback_data.action
    if action in (DefenceAction.CONFIRM, DefenceAction.DECLINE):
        confirm = action is DefenceAction.CONFIRM
        view = await services.defence.answer(user, callback_data.defence_id, confirm)
        await query.answer()
        await bot.send_message(user.id, t("defence.answered.confirmed" if confirm
                                          else "defence.answered.declined",
                                          title=clip(view.thesis.title, 200),
                                          at=view.defence.starts_at))
    elif action is DefenceAction.MINUTES:
        view, component = await services.defence.check_can_record(user,
                                                                  callback_data.defence_id)
        await query.answer()
        await state.set_state(DefenceStates.minutes)
        await state.set_data(Minutes(defence_id=view.defence.id, component=component))
        await bot.send_message(user.id, t("defence.ask.minutes", student=view.student.full_name,
                                          title=clip(view.thesis.title, 200)))
    elif action is DefenceAction.SCHEDULE:
        await start(query, callback_data.student_id, services, user, t, state)
    else:
        await query.answer(t("error.bad_button"), show_alert=True)


async def got_minutes(message: Message, state: FSMContext, services: Services, user: User,
                      t: Texts) -> None:
    data: Minutes = await state.get_data()  # type: ignore[assignment]
    component = data.get("component")
    if component:
        await state.update_data(minutes=message.text or "")
        await state.set_state(DefenceStates.mark)
        await message.answer(t("defence.ask.mark", name=component))
        return
    await _record(message, state, services, user, t, message.text or "", None)


async def got_mark(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts) -> None:
    try:
        mark = parse_mark(message.text or "")
    except InvalidMark:
        await message.answer(t("error.assessment_invalid_mark"))
        return
    data: Minutes = await state.get_data()  # type: ignore[assignment]
    await _record(message, state, services, user, t, data.get("minutes", ""), mark)


async def _record(message: Message, state: FSMContext, services: Services, user: User,
                  t: Texts, minutes: str, mark: int | None) -> None:
    data: Minutes = await state.get_data()  # type: ignore[assignment]
    await state.clear()
    view, agreed = await services.defence.record(user, data["defence_id"], minutes, mark)
    await message.answer(t("defence.recorded", student=view.student.full_name,
                           title=clip(view.thesis.title, 200))
                         + ("\n" + t("defence.recorded_agreed") if agreed else ""))


async def need_text(message: Message, t: Texts) -> None:
    await message.answer(t("meeting.need_text"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(taker_picked, StateFilter(DefenceStates.taker),
                                   DefenceCb.filter(F.action == DefenceAction.TAKER),
                                   Registered())
    router.callback_query.register(pressed, DefenceCb.filter(), Registered())
    steps = conversation_steps(__name__ + ".steps", DefenceStates)
    dates.register(router, steps, {DefenceStates.when: got_when})
    steps.message.register(got_place, StateFilter(DefenceStates.place), Magic(F.text))
    steps.message.register(got_externals, StateFilter(DefenceStates.externals), Magic(F.text))
    steps.message.register(got_minutes, StateFilter(DefenceStates.minutes), Magic(F.text))
    steps.message.register(got_mark, StateFilter(DefenceStates.mark), Magic(F.text))
    steps.message.register(need_text, StateFilter(DefenceStates))
    router.include_router(steps)
    return router
