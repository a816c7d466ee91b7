"""Writing to people: /message → whom (all my students, a filter, one student; an admin: all
supervisors or everyone) → the text (or a file) → a preview with the number of recipients →
**Send**. A **Nudge** from the silent digest opens the same preview with a polite template,
which a new text replaces. **💬 Answer** on a received message answers the one who wrote."""

from __future__ import annotations

import secrets
from typing import TypedDict

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import (
    AnswerCb,
    MessageAction,
    MessageSendCb,
    MessageToCb,
    NudgeCb,
)
from handlers.filters import HasRole, Magic, Registered, conversation_steps
from handlers.keyboards import Button, in_rows, markup
from services.context import Services
from services.messaging import ADMIN_AUDIENCES, Audience, Draft, clean_body
from services.vocabulary import Role
from storage.models import User
from telegram.render import clip
from telegram.texts import Texts

SHOWN_STUDENTS = 60


class MessageStates(StatesGroup):
    text = State()
    confirm = State()


class AnswerStates(StatesGroup):
    text = State()


class DraftData(TypedDict, total=False):
    audience: str
    student_id: int | None
    target: str  # whom, as the preview names it
    batch: str
    body: str | None
    file_id: str | None
    file_name: str | None


class AnswerData(TypedDict):
    reply_to: int


def _draft(data: DraftData) -> Draft:
    return Draft(Audience(data["audience"]), data["batch"], data.get("body"),
                 data.get("file_id"), data.get("file_name"), data.get("student_id"))


# --- whom ---------------------------------------------------------------------------------

async def start(message: Message, services: Services, user: User, t: Texts,
                state: FSMContext) -> None:
    await state.clear()
    counts = await services.messaging.audiences(user)
    rows: list[list[Button]] = [[(t(f"message.audience.{a.value}", count=n),
                                  MessageToCb(audience=a))] for a, n in counts.items()]
    if user.role != Role.ADMIN.value:
        if counts.get(Audience.ALL, 0) == 0:
            await message.answer(t("message.no_students"))
            return
        students = await services.messaging.students(user)
        rows += in_rows(((clip(s.full_name, 40) or "", MessageToCb(audience=Audience.ONE,
                                                                    student_id=s.id))
                         for s in students[:SHOWN_STUDENTS]), 2)
    await message.answer(t("message.ask_whom"), reply_markup=markup(rows))


async def picked(query: CallbackQuery, callback_data: MessageToCb, services: Services,
                 user: User, t: Texts, state: FSMContext) -> None:
    audience = callback_data.audience
    if (audience in ADMIN_AUDIENCES) != (user.role == Role.ADMIN.value):
        await query.answer(t("error.bad_button"), show_alert=True)
        return
    target = t(f"message.target.{audience.value}")
    if audience is Audience.ONE:
        found = [s for s in await services.messaging.students(user)
                 if s.id == callback_data.student_id]
        if not found:
            await query.answer(t("error.bad_button"), show_alert=True)
            return
        target = found[0].full_name
    await query.answer()
    await state.set_state(MessageStates.text)
    await state.set_data(DraftData(audience=audience.value, student_id=callback_data.student_id
                                   or None, target=target, batch=secrets.token_hex(8)))
    if isinstance(query.message, Message):
        await query.message.answer(t("message.ask_text", target=target))


async def got_text(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts) -> None:
    """The text or the file of the message (in the preview: a new text replaces it)."""
    data: DraftData = await state.get_data()  # type: ignore[assignment]
    if message.document is not None:
        data["file_id"] = message.document.file_id
        data["file_name"] = message.document.file_name or "file"
        data["body"] = clean_body(message.caption)
    else:
        data["body"] = clean_body(message.text)
    await state.set_state(MessageStates.confirm)
    await state.set_data(data)
    await _preview(message, services, user, t, data)


async def _preview(message: Message, services: Services, user: User, t: Texts,
                   data: DraftData) -> None:
    count = await services.messaging.count(user, _draft(data))
    await message.answer(
        t("message.preview", target=data.get("target", ""), count=count,
          body=data.get("body") or "",
          file=t.raw("message.preview.file", name=clip(data.get("file_name"), 100))
          if data.get("file_name") else None),
        reply_markup=send_buttons(t))


def send_buttons(t: Texts) -> InlineKeyboardMarkup | None:
    return markup([[(t("message.send"), MessageSendCb(action=MessageAction.SEND)),
                    (t("message.cancel"), MessageSendCb(action=MessageAction.CANCEL))]])


async def need_text(message: Message, t: Texts) -> None:
    await message.answer(t("message.need_text"))


async def send_pressed(query: CallbackQuery, callback_data: MessageSendCb, services: Services,
                       user: User, t: Texts, state: FSMContext) -> None:
    if await state.get_state() != MessageStates.confirm.state:
        await query.answer(t("message.stale"), show_alert=True)
        return
    data: DraftData = await state.get_data()  # type: ignore[assignment]
    if callback_data.action is MessageAction.CANCEL:
        await state.clear()
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.answer(t("message.cancelled"))
        return
    sent = await services.messaging.send(user, _draft(data))
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(t("message.already") if sent.already
                                   else t("message.sent", count=sent.recipients))


# --- a nudge from the silent digest ------------------------------------------------------

async def nudge(query: CallbackQuery, callback_data: NudgeCb, services: Services, user: User,
                t: Texts, state: FSMContext) -> None:
    """**Nudge** (one student) or **Nudge all** (the silent ones): the preview of a polite
    template, which the supervisor may replace by sending another text."""
    if callback_data.student_id:
        found = [s for s in await services.messaging.students(user)
                 if s.id == callback_data.student_id]
        if not found:
            await query.answer(t("error.bad_button"), show_alert=True)
            return
        audience, target, name = Audience.ONE, found[0].full_name, found[0].full_name
    else:
        audience, target, name = Audience.SILENT, t("message.target.silent"), None
    await query.answer()
    data = DraftData(audience=audience.value, student_id=callback_data.student_id or None,
                     target=target, batch=secrets.token_hex(8),
                     body=t("nudge.template", name=name, supervisor=user.full_name,
                            one="yes" if name else "no"))
    await state.set_state(MessageStates.confirm)
    await state.set_data(data)
    if isinstance(query.message, Message):
        await _preview(query.message, services, user, t, data)
        await query.message.answer(t("nudge.edit_hint"))


# --- answers ------------------------------------------------------------------------------

async def answer_pressed(query: CallbackQuery, callback_data: AnswerCb, user: User, t: Texts,
                         state: FSMContext, bot: Bot) -> None:
    await query.answer()
    await state.set_state(AnswerStates.text)
    await state.set_data(AnswerData(reply_to=callback_data.message_id))
    await bot.send_message(user.id, t("message.ask_answer"))


async def got_answer(message: Message, state: FSMContext, services: Services, user: User,
                     t: Texts) -> None:
    data: AnswerData = await state.get_data()  # type: ignore[assignment]
    document = message.document
    author = await services.messaging.answer(
        user, data["reply_to"], message.caption if document else message.text,
        document.file_id if document else None,
        (document.file_name or "file") if document else None)
    await state.clear()
    await message.answer(t("message.answered", name=author.full_name))


def create_router() -> Router:
    router = Router(name=__name__)
    writers = Router(name=__name__ + ".writers")
    writers.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    writers.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    writers.message.register(start, Command("message"))
    writers.callback_query.register(picked, MessageToCb.filter())
    writers.callback_query.register(send_pressed, MessageSendCb.filter())
    writers.callback_query.register(nudge, NudgeCb.filter())
    steps = conversation_steps(__name__ + ".steps", MessageStates)
    steps.message.register(got_text, StateFilter(MessageStates.text, MessageStates.confirm),
                           Magic(F.text & ~F.text.startswith("/")))
    steps.message.register(got_text, StateFilter(MessageStates.text), Magic(F.document))
    steps.message.register(need_text, StateFilter(MessageStates.text, MessageStates.confirm))
    writers.include_router(steps)
    router.include_router(writers)
    answers = Router(name=__name__ + ".answers")
    answers.callback_query.filter(Registered())
    answers.message.filter(Registered())
    answers.callback_query.register(answer_pressed, AnswerCb.filter())
    a_steps = conversation_steps(__name__ + ".answer_steps", AnswerStates)
    a_steps.message.register(got_answer, StateFilter(AnswerStates.text),
                             Magic((F.text & ~F.text.startswith("/")) | F.document))
    a_steps.message.register(need_text, StateFilter(AnswerStates.text))
    answers.include_router(a_steps)
    router.include_router(answers)
    return router
