"""A supervisor's /queue and /students (admins see the whole queue)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers import views
from handlers.callbacks import NoteCb, QueuePageCb, StudentCb, ThesisAction, ThesisCb
from handlers.filters import HasRole, Magic, conversation_steps
from handlers.keyboards import (
    Button,
    pager,
    review_buttons,
    student_buttons,
    with_dashboard,
    with_row,
)
from services import lifecycle
from services.context import Services
from services.errors import DomainError, IllegalTransition
from services.overview import StudentLine
from services.threads import NoteEntry
from services.vocabulary import Role, TeamRole
from storage.models import Thesis, User
from telegram.render import age, answer_lines, clip, error_text
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
    result = await services.overview.queue(user, page)
    if result.total == 0:
        await message.answer(t("queue.empty"))
        return
    now = services.overview.now()
    for row in result.rows:
        marker = t.raw(f"team.marker.{row.role}") if t.has(f"team.marker.{row.role}") \
            else None
        await message.answer(
            t("queue.item", student=row.student.full_name, title=row.thesis.title[:300],
              version=row.submission.version, age=Raw(age(t, now - row.submission.submitted_at)))
            + (marker or ""),
            # The examiner sees what waits, but does not decide versions.
            reply_markup=None if row.role == TeamRole.EXAMINER.value
            else review_buttons(t, row.submission.id))
    # The summary goes last, so that with the pager it reads as a bar under the items.
    await message.answer(t("queue.footer", total=result.total, page=result.page + 1,
                           pages=result.pages),
                         reply_markup=pager(t, result.page, result.pages))


async def students(message: Message, services: Services, user: User, t: Texts,
                   webapp_url: str | None = None) -> None:
    lines = await services.overview.students(user)
    if not lines:
        await message.answer(t("students.none.admin" if user.role == Role.ADMIN.value
                               else "students.none"),
                             reply_markup=with_dashboard(t, None, webapp_url))
        return
    text_lines = [t("students.header", count=len(lines))]
    text_lines += [_student_line(t, line) + (t.raw(f"team.marker.{line.role}")
                                             if t.has(f"team.marker.{line.role}") else "")
                   for line in lines]
    # Telegram allows 100 buttons a message: a student's and their team's for 49, and the
    # dashboard's.
    shown = lines[:49 if webapp_url else 50]
    buttons = student_buttons(((line.student.full_name, line.student.id) for line in shown),
                              team_label=t("team.button.view"))
    await answer_lines(message, text_lines, with_dashboard(t, buttons, webapp_url))


def _student_line(t: Texts, line: StudentLine) -> str:
    unreachable = t.raw("students.unreachable") if not line.student.reachable else None
    if line.thesis is None:
        return t("students.line.no_thesis", name=line.student.full_name, unreachable=unreachable)
    latest = t.raw("students.latest", version=line.latest.version,
                   at=t.date(line.latest.submitted_at), days=line.days_since) \
        if line.latest else None
    return t("students.line", name=line.student.full_name, title=clip(line.thesis.title, 200),
             status=t(f"thesis.{line.thesis.status}"), latest=latest, unreachable=unreachable)


async def student_history(query: CallbackQuery, callback_data: StudentCb, services: Services,
                          user: User, t: Texts) -> None:
    student, thesis, rows = await services.overview.history(user, callback_data.student_id)
    comments = await services.threads.counts([row.submission.id for row in rows])
    notes = await services.threads.notes(user, student.id)
    changes = await services.comparisons.of_versions(
        [(row.submission.id, row.submission.version) for row in rows])
    await query.answer()
    if isinstance(query.message, Message):
        messages = views.history(t, thesis, rows,
                                 await services.overview.examiner_grade(thesis), comments,
                                 notes_lines(t, notes), changes=changes)
        text, markup = messages[-1]
        note = (t("threads.note_button"), NoteCb(student_id=student.id))
        messages[-1] = (text, with_row(markup, [note, *thesis_buttons(t, thesis)]))
        for text, markup in messages:
            await query.message.answer(text, reply_markup=markup)


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
    router.message.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    router.callback_query.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    router.message.register(queue, Command("queue"))
    router.callback_query.register(queue_page, QueuePageCb.filter())
    router.message.register(students, Command("students"))
    router.callback_query.register(student_history, StudentCb.filter())
    router.callback_query.register(thesis_pressed, ThesisCb.filter())
    steps = conversation_steps(__name__ + ".steps", ReopenStates)
    steps.message.register(got_reopen_reason, StateFilter(ReopenStates.reason),
                           Command("skip"))
    steps.message.register(got_reopen_reason, StateFilter(ReopenStates.reason), Magic(F.text))
    steps.message.register(reopen_need_text, StateFilter(ReopenStates.reason))
    router.include_router(steps)
    return router
