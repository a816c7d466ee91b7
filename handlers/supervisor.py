"""A supervisor's /queue and /students (admins see the whole queue)."""

from __future__ import annotations

import contextlib
from datetime import datetime

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers import views
from handlers.callbacks import (
    FileCb,
    NoteCb,
    QueuePageCb,
    StudentCb,
    StudentsCb,
    TeamAction,
    TeamCb,
    ThesisAction,
    ThesisCb,
)
from handlers.filters import HasRole, Magic, conversation_steps
from handlers.keyboards import (
    Button,
    in_rows,
    markup,
    pager,
    review_buttons,
    with_dashboard,
    with_row,
)
from handlers.rename import rename_button
from services import lifecycle
from services.context import Services
from services.errors import DomainError, IllegalTransition
from services.overview import StudentLine, StudentsPage
from services.threads import NoteEntry
from services.urgency import Filter, Rank
from services.vocabulary import Role, TeamRole
from storage.models import Thesis, User
from telegram.render import age, clip, error_text
from telegram.texts import Raw, Texts


class ReopenStates(StatesGroup):
    reason = State()


async def queue(message: Message, services: Services, user: User, t: Texts) -> None:
    await _send_queue_page(message, services, user, t, page=0)


async def queue_page(query: CallbackQuery, callback_data: QueuePageCb, services: Services,
                     user: User, t: Texts) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _send_queue_page(query.message, services, user, t, page=callback_data.page)


async def _send_queue_page(message: Message, services: Services, user: User, t: Texts,
                           page: int) -> None:
    async with services.reads():  # a view: no BEGIN and COMMIT round trips
        result = await services.overview.queue(user, page)
    if result.total == 0:
        await message.answer(t("queue.empty"))
        return
    # The header (with the pager) first, then the items, oldest first.
    await message.answer(t("queue.footer", total=result.total, page=result.page + 1,
                           pages=result.pages), reply_markup=pager(t, result.page, result.pages))
    now = services.overview.now()
    for row in result.rows:
        marker = t.raw(f"team.marker.{row.role}") if t.has(f"team.marker.{row.role}") \
            else None
        file_button = (t("queue.file_button"), FileCb(submission_id=row.submission.id))
        # The examiner sees what waits, but does not decide versions.
        keyboard = markup([[file_button]]) if row.role == TeamRole.EXAMINER.value \
            else with_row(review_buttons(t, row.submission.id), [file_button])
        await message.answer(
            t("queue.item", student=row.student.full_name, title=row.thesis.title[:300],
              version=row.submission.version, age=Raw(age(t, now - row.submission.submitted_at)))
            + (marker or ""), reply_markup=keyboard)


async def students(message: Message, services: Services, user: User, t: Texts,
                   webapp_url: str | None = None) -> None:
    if user.role == Role.ADMIN.value:
        await message.answer(t("students.none.admin"),
                             reply_markup=with_dashboard(t, None, webapp_url))
        return
    async with services.reads():  # a view: no BEGIN and COMMIT round trips
        result = await services.overview.students_page(user)
    if result.counts[Filter.ALL] == 0:
        await message.answer(t("students.none"), reply_markup=with_dashboard(t, None, webapp_url))
        return
    text, keyboard = students_view(t, result, services.overview.now())
    await message.answer(text, reply_markup=with_dashboard(t, keyboard, webapp_url))


async def students_page(query: CallbackQuery, callback_data: StudentsCb, services: Services,
                        user: User, t: Texts, webapp_url: str | None = None) -> None:
    """A filter or a page of /students: the same message, edited."""
    result = await services.overview.students_page(user, callback_data.show,
                                                   callback_data.page)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    text, keyboard = students_view(t, result, services.overview.now())
    with contextlib.suppress(TelegramBadRequest):  # "message is not modified"
        await query.message.edit_text(text, reply_markup=with_dashboard(t, keyboard,
                                                                         webapp_url))


FILTERS = ((Filter.WAITING, "students.filter.waiting"), (Filter.OVERDUE, "students.filter.overdue"),
           (Filter.SILENT, "students.filter.silent"), (Filter.ALL, "students.filter.all"))


def students_view(t: Texts, result: StudentsPage,
                  now: datetime) -> tuple[str, InlineKeyboardMarkup | None]:
    """/students: the counts, one line per student of the page, one button per student,
    the filters and the pager."""
    counts = result.counts
    lines = [t("students.urgency.header", all=counts[Filter.ALL],
               waiting=counts[Filter.WAITING], overdue=counts[Filter.OVERDUE],
               silent=counts[Filter.SILENT], shown=t(f"students.shown.{result.filter.value}"),
               page=result.page + 1, pages=result.pages)]
    if not result.lines:
        lines.append(t("students.filter.empty"))
    lines += [_urgency_line(t, n, line, now)
              for n, line in enumerate(result.lines, start=result.offset + 1)]
    buttons: list[Button] = [(f"{n}. {clip(line.student.full_name, 50)}",
                              StudentCb(student_id=line.student.id))
                             for n, line in enumerate(result.lines, start=result.offset + 1)]
    filters: list[Button] = [(t(key), StudentsCb(show=f, page=0)) for f, key in FILTERS]
    paging: list[Button] = []
    if result.page > 0:
        paging.append(("◀", StudentsCb(show=result.filter, page=result.page - 1)))
    if result.page < result.pages - 1:
        paging.append(("▶", StudentsCb(show=result.filter, page=result.page + 1)))
    return "\n".join(lines), markup([*in_rows(buttons, 2), paging, filters])


def _urgency_line(t: Texts, n: int, line: StudentLine, now: datetime) -> str:
    judged = line.judged
    assert judged is not None
    signals = judged.signals
    marker = t.raw(f"team.marker.{line.role}") if t.has(f"team.marker.{line.role}") else ""
    unreachable = t.raw("students.unreachable") if not line.student.reachable else None
    common = {"n": n, "name": clip(line.student.full_name, 80), "unreachable": unreachable}
    if judged.rank is Rank.WAITING and signals.waiting_since is not None:
        text = t("students.u.waiting", version=line.thesis.latest_version if line.thesis else 0,
                 title=clip(line.thesis.title, 80) if line.thesis else "",
                 age=Raw(age(t, now - signals.waiting_since)), **common)
    elif judged.rank is Rank.OVERDUE and signals.overdue_since is not None:
        text = t("students.u.overdue", since=t.date(signals.overdue_since),
                 days=max((now - signals.overdue_since).days, 0), **common)
    elif judged.rank is Rank.SILENT:
        text = t("students.u.silent", days=judged.silent_days or 0, **common)
    elif judged.rank is Rank.NO_SUBMISSION:
        text = t("students.u.none", **common)
    else:
        text = t("students.u.rest", title=clip(line.thesis.title, 80) if line.thesis else "",
                 status=t(f"thesis.{line.thesis.status}") if line.thesis else "",
                 version=line.latest.version if line.latest else 0, **common)
    return text + marker


async def student_history(query: CallbackQuery, callback_data: StudentCb, services: Services,
                          user: User, t: Texts) -> None:
    student, thesis, rows, decides = await services.overview.student_view(
        user, callback_data.student_id)
    facts = await services.overview.version_facts(thesis, rows)
    notes = await services.threads.notes(user, student.id)
    await query.answer()
    if isinstance(query.message, Message):
        messages = views.history(t, thesis, rows,
                                 facts.grade, facts.comments,
                                 notes_lines(t, notes), changes=facts.changes,
                                 shared=facts.shared)
        text, keyboard = messages[-1]
        note = (t("threads.note_button"), NoteCb(student_id=student.id))
        team = (t("students.team_button"), TeamCb(action=TeamAction.VIEW, student_id=student.id))
        moves = thesis_buttons(t, thesis) if decides else []
        rename = [rename_button(t, student.id)] if decides and thesis is not None else []
        messages[-1] = (text, with_row(with_row(keyboard, rename), [note, team, *moves]))
        for text, keyboard in messages:
            await query.message.answer(text, reply_markup=keyboard)


def notes_lines(t: Texts, notes: list[NoteEntry]) -> list[str]:
    """The supervisor-only notes listed in a student's view (never shown to the student)."""
    if not notes:
        return []
    return ["", t("threads.notes.header"), *(
        t("threads.notes.line", at=entry.note.created_at, author=clip(entry.author_name, 60),
          text=clip(entry.note.body, 500)) for entry in notes)]


def thesis_buttons(t: Texts, thesis: Thesis | None) -> list[Button]:
    """Moves on the whole thesis that are legal now: Mark final once the latest version is
    approved, Reopen once it is final."""
    if thesis is None:
        return []
    return [(t(key), ThesisCb(action=action, student_id=thesis.student_id))
            for action, event, key in (
                (ThesisAction.FINAL, lifecycle.Event.FINALIZE, "button.mark_final"),
                (ThesisAction.REOPEN, lifecycle.Event.REOPEN, "button.reopen"))
            if lifecycle.allowed(thesis.status, event)]


async def thesis_pressed(query: CallbackQuery, callback_data: ThesisCb, services: Services,
                         user: User, t: Texts, state: FSMContext) -> None:
    event = lifecycle.Event.FINALIZE if callback_data.action is ThesisAction.FINAL \
        else lifecycle.Event.REOPEN
    try:
        if event is lifecycle.Event.FINALIZE:
            student, thesis = await services.assessment.request_declaration(
                user, callback_data.student_id)
        else:
            student, thesis = await services.reviews.check_can_move(
                user, callback_data.student_id, event)
    except IllegalTransition as error:
        # A button of an older view: say where the thesis stands now.
        await query.answer(await _now_text(services, user, t, callback_data.student_id,
                                           error), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if event is lifecycle.Event.FINALIZE:
        await query.message.answer(t("assess.final.asked", student=student.full_name,
                                     title=thesis.title))
        return
    await state.set_state(ReopenStates.reason)
    await state.set_data({"student_id": student.id})
    await query.message.answer(t("reopen.ask_reason", title=thesis.title,
                                 student=student.full_name))


async def _now_text(services: Services, user: User, t: Texts, student_id: int,
                    error: IllegalTransition) -> str:
    try:
        student, _thesis, _rows = await services.overview.history(user, student_id)
    except DomainError:
        return error_text(t, error)
    status = str(error.params.get("status", ""))
    return t("final.now", student=student.full_name,
             status=t(f"thesis.{status}") if t.has(f"thesis.{status}") else status)


async def got_reopen_reason(message: Message, state: FSMContext, services: Services,
                            user: User, t: Texts) -> None:
    reason = None if (message.text or "").startswith("/skip") else message.text
    data = await state.get_data()
    await state.clear()
    student, _thesis = await services.reviews.reopen(user, data["student_id"], reason)
    await message.answer(t("reopen.done", student=student.full_name))


async def reopen_need_text(message: Message, t: Texts) -> None:
    await message.answer(t("reopen.need_text"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.message.register(queue, Command("queue"))
    router.callback_query.register(queue_page, QueuePageCb.filter())
    router.message.register(students, Command("students"))
    router.callback_query.register(student_history, StudentCb.filter())
    router.callback_query.register(students_page, StudentsCb.filter())
    router.callback_query.register(thesis_pressed, ThesisCb.filter())
    steps = conversation_steps(__name__ + ".steps", ReopenStates)
    steps.message.register(got_reopen_reason, StateFilter(ReopenStates.reason),
                           Command("skip"))
    steps.message.register(got_reopen_reason, StateFilter(ReopenStates.reason), Magic(F.text))
    steps.message.register(reopen_need_text, StateFilter(ReopenStates.reason))
    router.include_router(steps)
    return router
