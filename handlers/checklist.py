"""The /submit step that asks which requested changes the new version addresses: one toggle
button per open item (⬜/✅ and its first words) and Done. The step lives in the submit
conversation (handlers/submit.py); the ticks are kept in its state until the version is
recorded. Also the open items as /status shows them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import ChecklistAction, ChecklistCb
from handlers.keyboards import Button, markup
from services.checklist import OpenItem, first_words
from services.context import Services
from storage.models import ChecklistItem, User
from telegram.render import clip
from telegram.texts import Raw, Texts


async def ask(message: Message, state: FSMContext, services: Services, user: User,
              t: Texts) -> bool:
    """Ask the question if the thesis has open items; False when there is nothing to ask."""
    items = await services.checklist.open_for(user)
    if not items:
        return False
    choices = [[item.id, first_words(item.text)] for item in items]
    await state.update_data(checklist=choices, addressed=[])
    sent = await message.answer(question(t, items), reply_markup=keyboard(t, choices, []))
    await state.update_data(checklist_message=sent.message_id)
    return True


def question(t: Texts, items: list[OpenItem]) -> str:
    lines = ""
    for n, item in enumerate(items, start=1):
        line = t("checklist.line", n=n, text=clip(" ".join(item.text.split()), 100))
        if len(lines) + len(line) > 3500:
            break
        lines += line
    return t("checklist.ask") + lines + t("checklist.ask.hint")


def keyboard(t: Texts, choices: list[list[Any]], ticked: list[int]) -> InlineKeyboardMarkup:
    rows: list[list[Button]] = [
        [(t("checklist.on" if item_id in ticked else "checklist.off", label=label),
          ChecklistCb(action=ChecklistAction.TOGGLE, item_id=item_id))]
        for item_id, label in choices]
    rows.append([(t("checklist.done"), ChecklistCb(action=ChecklistAction.DONE))])
    built = markup(rows)
    assert built is not None
    return built


async def toggled(query: CallbackQuery, callback_data: ChecklistCb, state: FSMContext,
                  t: Texts) -> None:
    data = await state.get_data()
    choices: list[list[Any]] = data.get("checklist", [])
    ticked: list[int] = list(data.get("addressed", []))
    if callback_data.item_id not in {item_id for item_id, _label in choices}:
        await query.answer(t("error.bad_button"), show_alert=True)
        return
    if callback_data.item_id in ticked:
        ticked.remove(callback_data.item_id)
    else:
        ticked.append(callback_data.item_id)
    await state.update_data(addressed=ticked)
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=keyboard(t, choices, ticked))
        except TelegramBadRequest:
            pass  # an old message: the tick is kept all the same


async def picked(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    """Done: the question becomes what was ticked (its buttons go)."""
    data = await state.get_data()
    await query.answer()
    if isinstance(query.message, Message):
        text = t("checklist.picked", count=len(data.get("addressed", [])),
                 total=len(data.get("checklist", [])))
        try:
            await query.message.edit_text(text, reply_markup=None)
        except TelegramBadRequest:
            pass


def open_block(t: Texts, items: Sequence[OpenItem | ChecklistItem]) -> str:
    """/status: the requested changes still open."""
    if not items:
        return ""
    lines = ""
    for n, item in enumerate(items, start=1):
        line = t("checklist.line", n=n, text=clip(item.text, 300))
        if len(lines) + len(line) > 2500:
            break
        lines += line
    return t("checklist.status", count=len(items), lines=Raw(lines))
