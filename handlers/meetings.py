"""Meetings: a supervisor's /meeting and /meetings (move, cancel, notes, items to milestones);
a student's answers (Confirm / Can't make it), Agree or a correction, and /meetings.

/meeting: pick a student (or all) → title → date and time → place or video link (or /skip).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import (
    MeetingAction,
    MeetingCb,
    MeetingItemCb,
    MeetingReply,
    MeetingReplyCb,
    MeetingTargetCb,
)
from handlers.filters import HasRole, Magic, conversation_steps
from handlers.keyboards import Button, markup
from handlers.pickers import ALL_STUDENTS, picked_name, student_picker
from services.context import Services
from services.errors import DomainError, InvalidDeadline, InvalidMeeting
from services.meetings import TITLE_MAX, MeetingView, clean_place, clean_title
from services.vocabulary import TEAM_SIDE, MeetingAnswer, Role
from storage.models import MeetingItem, User
from telegram.notifications import record_text
from telegram.render import clip, split_lines
from telegram.texts import Texts

LIST_LIMIT = 30
ANSWER_ICONS = {MeetingAnswer.PENDING.value: "❔", MeetingAnswer.CONFIRMED.value: "✅",
                MeetingAnswer.DECLINED.value: "🚫"}


class MeetingStates(StatesGroup):
    title = State()
    when = State()
    place = State()
    move = State()
    notes = State()
    correction = State()


# --- rendering shared with /status, /history and the notifications -------------------------

def meeting_line(t: Texts, view: MeetingView, now: datetime, number: int | None = None,
                 viewer: User | None = None) -> str:
    meeting = view.meeting
    state = "upcoming" if meeting.starts_at > now else "past"
    place = t.raw("meeting.line.place", place=clip(meeting.place, 200)) if meeting.place else None
    if viewer is not None and viewer.role == Role.STUDENT.value:
        mine = [a for a in view.attendees if a.student.id == viewer.id]
        who = t.raw("meeting.line.mine", answer=t(f"meeting.answer.{mine[0].participant.answer}")) \
            if mine else None
    else:
        who = t.raw("meeting.line.who", names=", ".join(
            f"{ANSWER_ICONS[a.participant.answer]} {a.student.full_name}"
            for a in view.attendees[:20]))
    text = t("meeting.line", number=f"{number}. " if number is not None else None,
             title=clip(meeting.title, 200), at=meeting.starts_at, place=place, who=who,
             state=t(f"meeting.state.{state}"))
    if meeting.notes_at is not None:
        text += "\n" + record_text(t, meeting.notes, [i.text for i in view.items])
    return text


def meetings_block(t: Texts, views: Sequence[MeetingView], now: datetime,
                   viewer: User) -> str:
    """A student's upcoming meetings for /status (empty when there are none)."""
    upcoming = [v for v in views if v.meeting.starts_at > now][:5]
    if not upcoming:
        return ""
    lines = [t("meetings.block_header")]
    lines += [meeting_line(t, v, now, viewer=viewer) for v in upcoming]
    return "\n\n" + "\n".join(lines)


def history_lines(t: Texts, views: Sequence[MeetingView], now: datetime,
                  viewer: User) -> list[str]:
    """A student's meetings with their records, for /history (none: no lines)."""
    if not views:
        return []
    return [t("meetings.history_header", count=len(views)),
            *(meeting_line(t, v, now, viewer=viewer) for v in views)]


# --- supervisor: /meeting -------------------------------------------------------------------

async def meeting(message: Message, state: FSMContext, services: Services, user: User,
                  t: Texts) -> None:
    await state.clear()
    students = await services.meetings.students(user)
    if not students:
        await message.answer(t("meeting.no_students"))
        return
    picker = student_picker(t("meeting.all_button", count=len(students)), students,
                            lambda student_id: MeetingTargetCb(student_id=student_id))
    await message.answer(t("meeting.ask_student"), reply_markup=picker)


async def target_picked(query: CallbackQuery, callback_data: MeetingTargetCb,
                        state: FSMContext, services: Services, user: User, t: Texts) -> None:
    target = callback_data.student_id
    name = await picked_name(query, t, target, await services.meetings.students(user),
                             t("meeting.all_students"))
    if name is None:
        return
    await state.set_state(MeetingStates.title)
    await state.set_data({"student_id": target, "target_name": name})
    if isinstance(query.message, Message):
        await query.message.answer(t("meeting.ask_title", target=name, max=TITLE_MAX))


async def got_title(message: Message, state: FSMContext, services: Services,
                    t: Texts) -> None:
    await state.update_data(title=clean_title(message.text))
    await state.set_state(MeetingStates.when)
    await message.answer(t("meeting.ask_when", tz=services.deps.config.tz.key))


async def got_when(message: Message, state: FSMContext, services: Services,
                   t: Texts) -> None:
    starts_at = services.meetings.parse_when(message.text)
    await state.update_data(starts_at=starts_at.isoformat())
    await state.set_state(MeetingStates.place)
    await message.answer(t("meeting.ask_place"))


async def got_place(message: Message, state: FSMContext, services: Services, user: User,
                    t: Texts) -> None:
    text = message.text or ""
    place = None if text.startswith("/skip") else clean_place(text)
    data = await state.get_data()
    target = data["student_id"]
    try:
        view = await services.meetings.create(
            user, None if target == ALL_STUDENTS else target, data["title"],
            datetime.fromisoformat(data["starts_at"]), place)
    except InvalidMeeting as error:
        if error.params.get("reason") == "meeting_place":
            raise  # the place can be typed again
        await state.clear()
        raise
    except DomainError:
        await state.clear()
        raise
    await state.clear()
    await message.answer(t("meeting.created", title=view.meeting.title,
                           at=view.meeting.starts_at, target=data["target_name"],
                           count=len(view.attendees)))


async def need_text(message: Message, t: Texts) -> None:
    await message.answer(t("meeting.need_text"))


# --- /meetings ------------------------------------------------------------------------------

async def meetings_list(message: Message, services: Services, user: User, t: Texts) -> None:
    views = await services.meetings.of_user(user)
    if not views:
        await message.answer(t("meetings.none"))
        return
    now = services.meetings.now()
    # Upcoming first (soonest first), then the past ones (latest first).
    upcoming = [v for v in views if v.meeting.starts_at > now]
    past = sorted((v for v in views if v.meeting.starts_at <= now),
                  key=lambda v: v.meeting.starts_at, reverse=True)
    ordered = (upcoming + past)[:LIST_LIMIT]
    lines = [t("meetings.header", upcoming=len(upcoming), past=len(past))]
    lines += [meeting_line(t, v, now, number=n, viewer=user) for n, v in enumerate(ordered, 1)]
    buttons = _list_buttons(t, ordered, now) if user.role in TEAM_SIDE else None
    chunks = split_lines(lines)
    for chunk in chunks[:-1]:
        await message.answer(chunk)
    await message.answer(chunks[-1], reply_markup=buttons)


def _list_buttons(t: Texts, views: list[MeetingView],
                  now: datetime) -> InlineKeyboardMarkup | None:
    rows: list[list[Button]] = []
    for number, view in enumerate(views, 1):
        meeting_id = view.meeting.id
        if view.meeting.starts_at > now:
            rows.append([(t("meetings.move_button", number=number),
                          MeetingCb(action=MeetingAction.MOVE, meeting_id=meeting_id)),
                         (t("meetings.cancel_button", number=number),
                          MeetingCb(action=MeetingAction.CANCEL, meeting_id=meeting_id))])
        else:
            rows.append([(t("meetings.notes_button", number=number),
                          MeetingCb(action=MeetingAction.NOTES, meeting_id=meeting_id))])
    return markup(rows)


async def meeting_pressed(query: CallbackQuery, callback_data: MeetingCb, state: FSMContext,
                          services: Services, user: User, t: Texts) -> None:
    action = callback_data.action
    if action is MeetingAction.CANCEL:
        cancelled = await services.meetings.cancel(user, callback_data.meeting_id)
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.answer(t("meeting.cancelled", title=cancelled.title,
                                         at=cancelled.starts_at))
        return
    if action is MeetingAction.NOTES:
        found = await services.meetings.check_can_record(user, callback_data.meeting_id)
        await query.answer()
        await state.set_state(MeetingStates.notes)
        await state.set_data({"meeting_id": found.id})
        if isinstance(query.message, Message):
            await query.message.answer(t("meeting.ask_notes", title=found.title))
        return
    found = await services.meetings.check_can_move(user, callback_data.meeting_id)
    await query.answer()
    await state.set_state(MeetingStates.move)
    await state.set_data({"meeting_id": found.id})
    if isinstance(query.message, Message):
        await query.message.answer(t("meeting.ask_new_when", title=found.title,
                                     at=found.starts_at, tz=services.deps.config.tz.key))


async def got_new_when(message: Message, state: FSMContext, services: Services, user: User,
                       t: Texts) -> None:
    data = await state.get_data()
    try:
        starts_at = services.meetings.parse_when(message.text)
        moved = await services.meetings.move(user, data["meeting_id"], starts_at)
    except InvalidDeadline:
        raise  # the date can be typed again: the conversation stays on this step
    except DomainError:
        await state.clear()
        raise
    await state.clear()
    await message.answer(t("meeting.moved", title=moved.title, at=moved.starts_at))


async def got_notes(message: Message, state: FSMContext, services: Services, user: User,
                    t: Texts) -> None:
    data = await state.get_data()
    try:
        view = await services.meetings.record(user, data["meeting_id"], message.text or "")
    except InvalidMeeting as error:
        if str(error.params.get("reason", "")).startswith("meeting_record") or \
                error.params.get("reason") == "meeting_items":
            raise  # the record can be sent again
        await state.clear()
        raise
    except DomainError:
        await state.clear()
        raise
    await state.clear()
    text = t("meeting.recorded", title=view.meeting.title,
             count=len([a for a in view.coming()])) + "\n" + \
        record_text(t, view.meeting.notes, [i.text for i in view.items])
    await message.answer(text[:4000], reply_markup=item_buttons(t, view.items))


def item_buttons(t: Texts, items: Sequence[MeetingItem]) -> InlineKeyboardMarkup | None:
    return markup([[(t("meeting.item_button", number=n, text=clip(item.text, 40)),
                     MeetingItemCb(item_id=item.id))]
                   for n, item in enumerate(items, 1) if item.made_milestone_at is None])


async def item_pressed(query: CallbackQuery, callback_data: MeetingItemCb, services: Services,
                       user: User, t: Texts) -> None:
    item, created = await services.meetings.item_to_milestone(user, callback_data.item_id)
    await query.answer()
    if isinstance(query.message, Message) and created:
        await query.message.answer(t("meeting.item_done", text=item.text,
                                     due=created[0].due_at, count=len(created)))


# --- student: answers, Agree, a correction ---------------------------------------------------

async def reply_pressed(query: CallbackQuery, callback_data: MeetingReplyCb,
                        state: FSMContext, services: Services, user: User, t: Texts) -> None:
    action, meeting_id = callback_data.action, callback_data.meeting_id
    if action is MeetingReply.CORRECT:
        found = await services.meetings.check_can_correct(user, meeting_id)
        await query.answer()
        await state.set_state(MeetingStates.correction)
        await state.set_data({"meeting_id": found.id})
        if isinstance(query.message, Message):
            await query.message.answer(t("meeting.ask_correction", title=found.title))
        return
    if action is MeetingReply.AGREE:
        agreed = await services.meetings.agree(user, meeting_id)
        key, title, at = "meeting.agreed", agreed.title, agreed.starts_at
    else:
        confirm = action is MeetingReply.CONFIRM
        answered = await services.meetings.answer(user, meeting_id, confirm)
        key = "meeting.you_confirmed" if confirm else "meeting.you_declined"
        title, at = answered.title, answered.starts_at
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(t(key, title=title, at=at))


async def got_correction(message: Message, state: FSMContext, services: Services, user: User,
                         t: Texts) -> None:
    data = await state.get_data()
    try:
        corrected = await services.meetings.correct(user, data["meeting_id"], message.text or "")
    except InvalidMeeting as error:
        if error.params.get("reason") == "meeting_correction":
            raise  # it can be sent again, shorter
        await state.clear()
        raise
    except DomainError:
        await state.clear()
        raise
    await state.clear()
    await message.answer(t("meeting.correction_sent", title=corrected.title))


def create_router() -> Router:
    router = Router(name=__name__)
    supervisor = Router(name=__name__ + ".supervisor")
    supervisor.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER))
    supervisor.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER))
    supervisor.message.register(meeting, Command("meeting"))
    supervisor.callback_query.register(target_picked, MeetingTargetCb.filter())
    supervisor.callback_query.register(meeting_pressed, MeetingCb.filter())
    supervisor.callback_query.register(item_pressed, MeetingItemCb.filter())
    steps = conversation_steps(__name__ + ".steps", MeetingStates)
    steps.message.register(got_title, StateFilter(MeetingStates.title), Magic(F.text))
    steps.message.register(got_when, StateFilter(MeetingStates.when), Magic(F.text))
    steps.message.register(got_place, StateFilter(MeetingStates.place), Command("skip"))
    steps.message.register(got_place, StateFilter(MeetingStates.place), Magic(F.text))
    steps.message.register(got_new_when, StateFilter(MeetingStates.move), Magic(F.text))
    steps.message.register(got_notes, StateFilter(MeetingStates.notes), Magic(F.text))
    steps.message.register(need_text, StateFilter(MeetingStates.title, MeetingStates.when,
                                                  MeetingStates.place, MeetingStates.move,
                                                  MeetingStates.notes))
    supervisor.include_router(steps)
    student = Router(name=__name__ + ".student")
    student.message.filter(HasRole(Role.STUDENT))
    student.callback_query.filter(HasRole(Role.STUDENT))
    student.callback_query.register(reply_pressed, MeetingReplyCb.filter())
    student_steps = conversation_steps(__name__ + ".student_steps", MeetingStates)
    student_steps.message.register(got_correction, StateFilter(MeetingStates.correction),
                                   Magic(F.text))
    student_steps.message.register(need_text, StateFilter(MeetingStates.correction))
    student.include_router(student_steps)
    both = Router(name=__name__ + ".both")
    both.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.STUDENT))
    both.message.register(meetings_list, Command("meetings"))
    router.include_routers(supervisor, student, both)
    return router
