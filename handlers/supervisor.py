"""A supervisor's /queue and /students (admins see the whole queue)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers import views
from handlers.callbacks import QueuePageCb, StudentCb
from handlers.filters import HasRole
from handlers.keyboards import pager, review_buttons, student_buttons
from handlers.render import age, answer_lines, clip
from handlers.texts import Raw, Texts
from services.context import Services
from services.overview import StudentLine
from storage.models import Role, User


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
        await message.answer(
            t("queue.item", student=row.student.full_name, title=row.thesis.title[:300],
              version=row.submission.version, age=Raw(age(t, now - row.submission.submitted_at))),
            reply_markup=review_buttons(t, row.submission.id))
    # The summary goes last, so that with the pager it reads as a bar under the items.
    await message.answer(t("queue.footer", total=result.total, page=result.page + 1,
                           pages=result.pages),
                         reply_markup=pager(t, result.page, result.pages))


async def students(message: Message, services: Services, user: User, t: Texts) -> None:
    lines = await services.overview.students(user)
    if not lines:
        await message.answer(t("students.none.admin" if user.role == Role.ADMIN.value
                               else "students.none"))
        return
    text_lines = [t("students.header", count=len(lines))]
    text_lines += [_student_line(t, line) for line in lines]
    buttons = student_buttons((line.student.full_name, line.student.id) for line in lines[:100])
    await answer_lines(message, text_lines, buttons)


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
    _student, thesis, rows = await services.overview.history(user, callback_data.student_id)
    await query.answer()
    if isinstance(query.message, Message):
        for text, markup in views.history(t, thesis, rows):
            await query.message.answer(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    router.callback_query.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    router.message.register(queue, Command("queue"))
    router.callback_query.register(queue_page, QueuePageCb.filter())
    router.message.register(students, Command("students"))
    router.callback_query.register(student_history, StudentCb.filter())
    return router
