"""Inline keyboards, built from texts and callback factories."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.callbacks import (
    FileCb,
    InviteRevokeCb,
    QueuePageCb,
    ReviewAction,
    ReviewCb,
    StudentCb,
)
from handlers.texts import Texts


def review_buttons(t: Texts, submission_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action, key in (
        (ReviewAction.APPROVE, "button.approve"),
        (ReviewAction.CHANGES, "button.request_changes"),
        (ReviewAction.REJECT, "button.reject"),
    ):
        builder.button(text=t(key), callback_data=ReviewCb(action=action,
                                                           submission_id=submission_id))
    builder.adjust(3)
    return builder.as_markup()


def file_buttons(buttons: Iterable[tuple[str, FileCb]]) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    for text, data in buttons:
        builder.button(text=text, callback_data=data)
    builder.adjust(4)
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None


def revoke_buttons(items: Iterable[tuple[str, int]]) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    for text, invite_id in items:
        builder.button(text=text, callback_data=InviteRevokeCb(invite_id=invite_id))
    builder.adjust(2)
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None


def pager(t: Texts, page: int, pages: int) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if page > 0:
        builder.button(text=t("queue.prev"), callback_data=QueuePageCb(page=page - 1))
    if page < pages - 1:
        builder.button(text=t("queue.next"), callback_data=QueuePageCb(page=page + 1))
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None


def student_buttons(items: Iterable[tuple[str, int]]) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    for text, student_id in items:
        builder.button(text=text[:60], callback_data=StudentCb(student_id=student_id))
    builder.adjust(2)
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None
