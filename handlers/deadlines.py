"""Milestones: a supervisor's /deadline and /milestones (move, delete), a student's /deadlines.

/deadline: pick a student (or all) → title → due date and time → students are told.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import DeadlineTargetCb, MilestoneAction, MilestoneCb
from handlers.filters import HasRole, Magic, conversation_steps
from handlers.keyboards import Button, in_rows, markup
from handlers.pickers import ALL_STUDENTS, picked_name, student_picker
from services.context import Services
from services.deadlines import (
    TITLE_MAX,
    MilestoneStatus,
    MilestoneView,
    clean_milestone_title,
    status_of,
)
from services.errors import DomainError, InvalidDeadline
from services.vocabulary import Role
from storage.models import Milestone, User
from telegram.render import age, clip, split_lines
from telegram.texts import Raw, Texts

LIST_LIMIT = 48  # two buttons each: within Telegram's 100 buttons a message
ICONS = {
    MilestoneStatus.OPEN: "⏳",
    MilestoneStatus.ON_TIME: "✅",
    MilestoneStatus.LATE: "⚠️",
    MilestoneStatus.OVERDUE: "❗",
}


class DeadlineStates(StatesGroup):
    title = State()
    due = State()
    move = State()
    extend = State()


# --- rendering shared with /status ----------------------------------------------------------

def _when(t: Texts, due_at: datetime, now: datetime) -> Raw:
    if due_at > now:
        return t.raw("deadline.in", left=Raw(age(t, due_at - now)))
    return t.raw("deadline.ago", ago=Raw(age(t, now - due_at)))


def milestone_line(t: Texts, milestone: Milestone, now: datetime,
                   student: str | None = None, number: int | None = None) -> str:
    status = status_of(milestone, now)
    # The student's own due time: an extension shows as theirs.
    due = milestone.own_due_at
    shown: datetime | Raw = due
    if due != milestone.due_at:
        shown = Raw(t.dt(due) + t("milestone.extended"))
    return t("milestone.line", icon=ICONS[status],
             number=f"{number}. " if number is not None else None,
             title=clip(milestone.title, 200), due=shown,
             when=_when(t, due, now), status=t(f"milestone.status.{status.value}"),
             student=t.raw("milestone.student", name=student) if student else None)


def deadlines_block(t: Texts, upcoming: Sequence[Milestone], now: datetime) -> str:
    """The student's open milestones for /status (empty when there are none)."""
    if not upcoming:
        return ""
    lines = [t("deadlines.block_header")]
    lines += [milestone_line(t, m, now) for m in upcoming[:10]]
    return "\n\n" + "\n".join(lines)


# --- supervisor: /deadline ---------------------------------------------------------------

async def deadline(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts) -> None:
    await state.clear()
    students = await services.deadlines.students(user)
    if not students:
        await message.answer(t("deadline.no_students"))
        return
    picker = student_picker(t("deadline.all_button", count=len(students)), students,
                            lambda student_id: DeadlineTargetCb(student_id=student_id))
    await message.answer(t("deadline.ask_student"), reply_markup=picker)


async def target_picked(query: CallbackQuery, callback_data: DeadlineTargetCb,
                        state: FSMContext, services: Services, user: User, t: Texts) -> None:
    target = callback_data.student_id
    name = await picked_name(query, t, target, await services.deadlines.students(user),
                             t("deadline.all_students"))
    if name is None:
        return
    await state.set_state(DeadlineStates.title)
    await state.set_data({"student_id": target, "target_name": name})
    if isinstance(query.message, Message):
        await query.message.answer(t("deadline.ask_title", target=name, max=TITLE_MAX))


async def got_title(message: Message, state: FSMContext, t: Texts, services: Services) -> None:
    title = clean_milestone_title(message.text)
    await state.update_data(title=title)
    await state.set_state(DeadlineStates.due)
    await message.answer(t("deadline.ask_due", tz=services.deps.config.tz.key))


async def got_due(message: Message, state: FSMContext, services: Services, user: User,
                  t: Texts) -> None:
    data = await state.get_data()
    due_at = services.deadlines.parse_due(message.text)
    target = data["student_id"]
    created = await services.deadlines.create(
        user, None if target == ALL_STUDENTS else target, data["title"], due_at)
    await state.clear()
    await message.answer(t("deadline.created", title=data["title"], due=due_at,
                           target=data["target_name"], count=len(created)))


async def need_text(message: Message, t: Texts) -> None:
    await message.answer(t("deadline.need_text"))


# --- supervisor: /milestones, move and delete ---------------------------------------------

async def milestones_list(message: Message, services: Services, user: User, t: Texts) -> None:
    views = await services.deadlines.of_supervisor(user)
    if not views:
        await message.answer(t("milestones.none"))
        return
    now = services.deadlines.now()
    lines = [t("milestones.header", count=len(views))]
    lines += [milestone_line(t, v.milestone, now, student=v.student.full_name, number=n)
              for n, v in enumerate(views, 1)]
    chunks = split_lines(lines)
    for chunk in chunks[:-1]:
        await message.answer(chunk)
    await message.answer(chunks[-1], reply_markup=_milestone_buttons(t, views[:LIST_LIMIT]))


def _milestone_buttons(t: Texts, views: list[MilestoneView]) -> InlineKeyboardMarkup | None:
    rows: list[list[Button]] = []
    for number, view in enumerate(views, 1):
        row: list[Button] = []
        if view.milestone.submitted_at is None:
            row.append((t("milestones.move_button", number=number),
                        MilestoneCb(action=MilestoneAction.MOVE, milestone_id=view.milestone.id)))
        row.append((t("milestones.delete_button", number=number),
                    MilestoneCb(action=MilestoneAction.DELETE, milestone_id=view.milestone.id)))
        rows.append(row)
    return markup(rows)


async def milestone_pressed(query: CallbackQuery, callback_data: MilestoneCb,
                            state: FSMContext, services: Services, user: User,
                            t: Texts) -> None:
    if callback_data.action is MilestoneAction.DELETE:
        milestone = await services.deadlines.delete(user, callback_data.milestone_id)
        view = None
    else:
        view = await services.deadlines.get(user, callback_data.milestone_id)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if view is None:
        await query.message.answer(t("milestones.deleted", title=milestone.title))
        return
    if view.milestone.submitted_at is not None:
        await query.message.answer(t("reason.deadline_submitted"))
        return
    if callback_data.action is MilestoneAction.EXTEND:
        await state.set_state(DeadlineStates.extend)
        await state.set_data({"milestone_id": view.milestone.id})
        await query.message.answer(t(
            "extend.ask_due", student=view.student.full_name, title=view.milestone.title,
            due=view.milestone.due_at, own=view.milestone.own_due_at,
            tz=services.deps.config.tz.key))
        return
    await state.set_state(DeadlineStates.move)
    await state.set_data({"milestone_id": view.milestone.id})
    text = t("milestones.ask_new_due", title=view.milestone.title,
             student=view.student.full_name, due=view.milestone.due_at,
             tz=services.deps.config.tz.key)
    # The milestone view: set for a cohort, each of its students can be given more time.
    cohort = await services.deadlines.cohort(user, view.milestone.id)
    if len(cohort) > 1:
        text += t("milestones.cohort", count=len(cohort))
    await query.message.answer(text, reply_markup=_extend_buttons(t, cohort))


def _extend_buttons(t: Texts, cohort: list[MilestoneView]) -> InlineKeyboardMarkup | None:
    if len(cohort) < 2:
        return None
    return markup(in_rows(((t("milestones.extend_button", name=v.student.full_name[:40]),
                            MilestoneCb(action=MilestoneAction.EXTEND,
                                        milestone_id=v.milestone.id))
                           for v in cohort[:LIST_LIMIT * 2]
                           if v.milestone.submitted_at is None), 2))


async def got_extension(message: Message, state: FSMContext, services: Services, user: User,
                        t: Texts) -> None:
    data = await state.get_data()
    try:
        due_at = services.deadlines.parse_due(message.text)
        view, own = await services.deadlines.extend(user, data["milestone_id"], due_at)
    except InvalidDeadline:
        raise  # the date can be typed again: the conversation stays on this step
    except DomainError:
        await state.clear()
        raise
    await state.clear()
    await message.answer(t("extend.done", student=view.student.full_name, due=own,
                           title=view.milestone.title))


async def got_new_due(message: Message, state: FSMContext, services: Services, user: User,
                      t: Texts) -> None:
    data = await state.get_data()
    try:
        due_at = services.deadlines.parse_due(message.text)
        milestone = await services.deadlines.move(user, data["milestone_id"], due_at)
    except InvalidDeadline:
        raise  # the date can be typed again: the conversation stays on this step
    except DomainError:
        await state.clear()
        raise
    await state.clear()
    await message.answer(t("milestones.moved", title=milestone.title, due=milestone.due_at))


# --- student: /deadlines -------------------------------------------------------------------

async def student_deadlines(message: Message, services: Services, user: User,
                            t: Texts) -> None:
    milestones = await services.deadlines.of_student(user)
    if not milestones:
        await message.answer(t("deadlines.none"))
        return
    now = services.deadlines.now()
    # Open ones first (soonest first), then the ones already met.
    ordered = sorted(milestones, key=lambda m: (m.submitted_at is not None, m.own_due_at))
    lines = [t("deadlines.header", count=len(ordered))]
    lines += [milestone_line(t, m, now) for m in ordered]
    for chunk in split_lines(lines):
        await message.answer(chunk)


def create_router() -> Router:
    router = Router(name=__name__)
    supervisor = Router(name=__name__ + ".supervisor")
    supervisor.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER))
    supervisor.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER))
    supervisor.message.register(deadline, Command("deadline"))
    supervisor.callback_query.register(target_picked, DeadlineTargetCb.filter())
    supervisor.message.register(milestones_list, Command("milestones"))
    supervisor.callback_query.register(milestone_pressed, MilestoneCb.filter())
    steps = conversation_steps(__name__ + ".steps", DeadlineStates)
    steps.message.register(got_title, StateFilter(DeadlineStates.title), Magic(F.text))
    steps.message.register(need_text, StateFilter(DeadlineStates.title))
    steps.message.register(got_due, StateFilter(DeadlineStates.due), Magic(F.text))
    steps.message.register(need_text, StateFilter(DeadlineStates.due))
    steps.message.register(got_new_due, StateFilter(DeadlineStates.move), Magic(F.text))
    steps.message.register(need_text, StateFilter(DeadlineStates.move))
    steps.message.register(got_extension, StateFilter(DeadlineStates.extend), Magic(F.text))
    steps.message.register(need_text, StateFilter(DeadlineStates.extend))
    supervisor.include_router(steps)
    student = Router(name=__name__ + ".student")
    student.message.filter(HasRole(Role.STUDENT))
    student.message.register(student_deadlines, Command("deadlines"))
    router.include_routers(supervisor, student)
    return router
