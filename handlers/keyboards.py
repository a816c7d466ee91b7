"""Inline keyboards, built from texts and callback factories.

Markups are built directly rather than with aiogram's ``InlineKeyboardBuilder``, which
validates and copies every button again (about 110 µs for a three-button card against 25 µs):
``/queue`` builds one keyboard per card.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from handlers.callbacks import (
    AccessAction,
    AccessCb,
    InviteRevokeCb,
    MeetingReply,
    MeetingReplyCb,
    PeoplePageCb,
    PersonCb,
    PromiseCb,
    QueuePageCb,
    ReviewAction,
    ReviewCb,
)
from telegram.texts import Texts

Button = tuple[str, CallbackData]


def markup(rows: Iterable[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """The buttons, row by row; None when there are none."""
    keyboard = [[InlineKeyboardButton(text=text, callback_data=data.pack())
                 for text, data in row] for row in rows if row]
    return InlineKeyboardMarkup(inline_keyboard=keyboard) if keyboard else None


def in_rows(buttons: Iterable[Button], width: int) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for button in buttons:
        if not rows or len(rows[-1]) == width:
            rows.append([])
        rows[-1].append(button)
    return rows


def review_buttons(t: Texts, submission_id: int) -> InlineKeyboardMarkup:
    """The decisions, and 🗓 Review by… (a promise the student sees) under them."""
    keyboard = markup([[
        (t(key), ReviewCb(action=action, submission_id=submission_id))
        for action, key in ((ReviewAction.APPROVE, "button.approve"),
                            (ReviewAction.CHANGES, "button.request_changes"),
                            (ReviewAction.REJECT, "button.reject"))],
        [(t("promise.button"), PromiseCb(submission_id=submission_id))]])
    assert keyboard is not None
    return keyboard


def with_row(keyboard: InlineKeyboardMarkup | None,
             row: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """The keyboard with one more row of buttons under it."""
    extra = markup([row])
    if keyboard is None or extra is None:
        return keyboard or extra
    return InlineKeyboardMarkup(inline_keyboard=[*keyboard.inline_keyboard,
                                                 *extra.inline_keyboard])


def file_buttons(buttons: Iterable[Button]) -> InlineKeyboardMarkup | None:
    return markup(in_rows(buttons, 4))


def revoke_buttons(items: Iterable[tuple[str, int]]) -> InlineKeyboardMarkup | None:
    return markup(in_rows(((text, InviteRevokeCb(invite_id=invite_id))
                           for text, invite_id in items), 2))


def pager(t: Texts, page: int, pages: int) -> InlineKeyboardMarkup | None:
    row: list[Button] = []
    if page > 0:
        row.append((t("queue.prev"), QueuePageCb(page=page - 1)))
    if page < pages - 1:
        row.append((t("queue.next"), QueuePageCb(page=page + 1)))
    return markup([row])


def people_buttons(t: Texts, items: Iterable[tuple[str, int]], page: int,
                   pages: int) -> InlineKeyboardMarkup | None:
    """/users: one button per person, two a row, with the pager under them."""
    rows = in_rows(((text[:60], PersonCb(user_id=user_id)) for text, user_id in items), 2)
    pager_row: list[Button] = []
    if page > 0:
        pager_row.append((t("queue.prev"), PeoplePageCb(page=page - 1)))
    if page < pages - 1:
        pager_row.append((t("queue.next"), PeoplePageCb(page=page + 1)))
    return markup([*rows, pager_row])


def person_buttons(t: Texts, user_id: int, active: bool) -> InlineKeyboardMarkup | None:
    action, key = (AccessAction.DEACTIVATE, "users.deactivate") if active \
        else (AccessAction.REACTIVATE, "users.reactivate")
    return markup([[(t(key), AccessCb(action=action, user_id=user_id)),
                    (t("users.back"), PeoplePageCb(page=0))]])


def with_dashboard(t: Texts, keyboard: InlineKeyboardMarkup | None,
                   webapp_url: str | None) -> InlineKeyboardMarkup | None:
    """The keyboard with an **Open dashboard** (Mini App) row under it, when there is one."""
    if not webapp_url:
        return keyboard
    row = [InlineKeyboardButton(text=t("webapp.open_button"), web_app=WebAppInfo(url=webapp_url))]
    return InlineKeyboardMarkup(inline_keyboard=[*(keyboard.inline_keyboard if keyboard else []),
                                                 row])


def guide_button(t: Texts, url: str) -> InlineKeyboardMarkup:
    """**Guide**: a link to the person's guide (their role's page, in their language)."""
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=t("guide.button"),
                                                                       url=url)]])


def answer_buttons(t: Texts, meeting_id: int) -> InlineKeyboardMarkup | None:
    return markup([[(t("meeting.confirm_button"),
                     MeetingReplyCb(action=MeetingReply.CONFIRM, meeting_id=meeting_id)),
                    (t("meeting.decline_button"),
                     MeetingReplyCb(action=MeetingReply.DECLINE, meeting_id=meeting_id))]])


def record_buttons(t: Texts, meeting_id: int) -> InlineKeyboardMarkup | None:
    return markup([[(t("meeting.agree_button"),
                     MeetingReplyCb(action=MeetingReply.AGREE, meeting_id=meeting_id)),
                    (t("meeting.correct_button"),
                     MeetingReplyCb(action=MeetingReply.CORRECT, meeting_id=meeting_id))]])
