"""Picking whom a supervisor's step is for: one student, or all of them (0).

Shared by /deadline and /meeting: the same buttons, and the same answer to a button of a
student who is no longer the supervisor's (an old or forged one)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from handlers.keyboards import Button, in_rows, markup
from storage.models import User
from telegram.texts import Texts

ALL_STUDENTS = 0
# Telegram allows 100 buttons a message: the students' and "all of them".
SHOWN = 99


def student_picker(everyone: str, students: Sequence[User],
                   button: Callable[[int], CallbackData]) -> InlineKeyboardMarkup | None:
    """"All of them" (``everyone``) on top, then a button per student, two a row."""
    each = in_rows(((s.full_name[:60], button(s.id)) for s in students[:SHOWN]), 2)
    top: Button = (everyone, button(ALL_STUDENTS))
    return markup([[top], *each])


async def picked_name(query: CallbackQuery, t: Texts, target: int, students: Sequence[User],
                      everyone: str) -> str | None:
    """The name of whom the button picked (``everyone`` for all), the press answered; None
    when the button picks a student who is not among ``students`` (answered with why)."""
    by_id = {s.id: s for s in students}
    if target != ALL_STUDENTS and target not in by_id:
        await query.answer(t("error.bad_button"), show_alert=True)
        return None
    await query.answer()
    return everyone if target == ALL_STUDENTS else by_id[target].full_name
