"""Sending a stored version (or its feedback file) back to whoever may see it."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import BufferedInputFile, CallbackQuery

from handlers.callbacks import ChangesCb, FileCb, ReportCb, SharedTextCb
from handlers.filters import Registered
from services.context import Services
from storage.models import User
from telegram.files import StoredInputFile
from telegram.texts import Texts


async def send_file(query: CallbackQuery, callback_data: FileCb, services: Services,
                    user: User, t: Texts, bot: Bot) -> None:
    stored = await services.submissions.file_for(user, callback_data.submission_id,
                                                 feedback=callback_data.feedback)
    await query.answer()
    # Telegram's copy when it carries our name; else from our store, under our name.
    document: str | StoredInputFile = stored.telegram_file_id or StoredInputFile(
        lambda: services.submissions.open_file(stored), stored.file_name)
    await bot.send_document(query.from_user.id, document)


async def send_report(query: CallbackQuery, callback_data: ReportCb, services: Services,
                      user: User, bot: Bot) -> None:
    stored = await services.teams.report_file(user, callback_data.grade_id)
    await query.answer()
    document: str | StoredInputFile = stored.telegram_file_id or StoredInputFile(
        lambda: services.submissions.open_file(stored), stored.file_name)
    await bot.send_document(query.from_user.id, document)


async def send_changes(query: CallbackQuery, callback_data: ChangesCb, services: Services,
                       user: User, bot: Bot) -> None:
    """🔍 What changed: the detailed comparison as an HTML document."""
    detail = await services.comparisons.detail(user, callback_data.submission_id)
    await query.answer()
    await bot.send_document(query.from_user.id,
                            BufferedInputFile(detail.content, filename=detail.file_name))


async def send_shared_text(query: CallbackQuery, callback_data: SharedTextCb,
                           services: Services, user: User, bot: Bot) -> None:
    """🔎 Shared text: the report (HTML), for the thesis team and admins; audited."""
    report = await services.shared_text.report(user, callback_data.submission_id, "chat")
    await query.answer()
    await bot.send_document(query.from_user.id,
                            BufferedInputFile(report.content, filename=report.file_name))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(Registered())
    router.callback_query.register(send_file, FileCb.filter())
    router.callback_query.register(send_report, ReportCb.filter())
    router.callback_query.register(send_changes, ChangesCb.filter())
    router.callback_query.register(send_shared_text, SharedTextCb.filter())
    return router
