"""/calendar (a private feed URL, Reset link), /export (tables, latest versions) and /mydata.

Archives go to Telegram as they are made: ``StreamedFile`` is an aiogram ``InputFile`` whose
``read()`` yields the archive's chunks, so the upload streams straight from the file store.
Above the upload limit a time-limited link to the app is sent instead. An /export shows one
progress message (telegram/progress.py): "… 3 of 12 theses" as the ZIP's files go in, then
"✅ Export ready" once the documents are sent, or an apology (counted) when it fails.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

import structlog
from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, FSInputFile, InlineKeyboardMarkup, InputFile, Message

from handlers.callbacks import CalendarCb, ExportCb, ExportChoice
from handlers.filters import HasRole, Registered
from handlers.keyboards import markup
from services.context import Services
from services.errors import DomainError
from services.exports import Archive, ExportKind
from services.vocabulary import Role
from storage.models import User
from telegram.progress import Progress, ProgressKit, Step
from telegram.render import error_text
from telegram.texts import Texts

log = structlog.get_logger("handlers.exports")


class StreamedFile(InputFile):
    """An upload whose bytes come from an async iterator, read once, chunk by chunk."""

    def __init__(self, chunks: AsyncIterator[bytes], filename: str) -> None:
        super().__init__(filename=filename)
        self._chunks = chunks

    async def read(self, bot: Bot) -> AsyncGenerator[bytes, None]:
        async for chunk in self._chunks:
            yield chunk


# --- /calendar -------------------------------------------------------------------------------

async def calendar(message: Message, services: Services, user: User, t: Texts) -> None:
    url = await services.calendar.url(user)
    await message.answer(t("calendar.link", url=url), reply_markup=_reset(t))


async def calendar_reset(query: CallbackQuery, services: Services, user: User,
                         t: Texts) -> None:
    url = await services.calendar.reset(user)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(t("calendar.reset", url=url), reply_markup=_reset(t))


def _reset(t: Texts) -> InlineKeyboardMarkup | None:
    return markup([[(t("calendar.reset_button"), CalendarCb())]])


# --- /export ---------------------------------------------------------------------------------

async def export(message: Message, user: User, services: Services, t: Texts) -> None:
    scope = services.exports.scope_of(user)
    key = "export.ask.all" if scope is None else "export.ask.mine"
    await message.answer(t(key), reply_markup=markup([
        [(t("export.table_button"), ExportCb(what=ExportChoice.TABLE))],
        [(t("export.latest_button"), ExportCb(what=ExportChoice.LATEST))]]))


async def export_pressed(query: CallbackQuery, callback_data: ExportCb, services: Services,
                         user: User, t: Texts, bot: Bot, progress: ProgressKit) -> None:
    """One message says how far the export is ("… 3 of 12 theses" while the ZIP is made and
    sent), then becomes "✅ Export ready" once the documents are sent, or an apology."""
    services.exports.scope_of(user)  # refuses anyone but supervisors and admins
    await query.answer(t("export.working"))
    chat = query.from_user.id
    shown = progress.open(bot, chat, lambda step: _progress_text(t, step), show=True,
                          operation="export")
    await shown.start()
    try:
        try:
            done = await _export(bot, chat, services, user, t, callback_data.what, shown)
        except DomainError as error:
            await shown.fail(error_text(t, error))
            return
        except Exception as exc:
            # An outage (database, file store, Telegram) or a bug: the message apologises
            # (counted by the helper); not raised on, the user has been told and may retry.
            log.warning("export_failed", error_type=type(exc).__name__, exc_info=exc)
            await shown.fail(t("export.failed"))
            return
        await shown.finish(done)
    finally:
        await shown.detach()  # the ticker stops whatever happened (a no-op once finished)


def _progress_text(t: Texts, step: Step) -> str:
    if step.total is None:
        return t("export.preparing")
    return t("export.progress", done=step.done, total=step.total)


async def _export(bot: Bot, chat: int, services: Services, user: User, t: Texts,
                  what: ExportChoice, shown: Progress) -> str:
    """Make and send the export; returns what the progress message becomes."""
    if what is ExportChoice.LATEST:
        archive = await services.exports.latest(user)
        if not archive.entries:
            return t("export.latest_none")
        if services.exports.too_big(archive.size):
            return await _link_text(services, user, t, ExportKind.LATEST)

        async def on_progress(done: int, total: int | None) -> None:
            shown.update(done, total)

        await bot.send_document(chat, StreamedFile(
            services.exports.stream(archive, on_progress), archive.file_name),
            caption=t("export.latest_caption", count=len(archive.entries)))
        return t("export.ready")
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="export-"))
    try:
        paths = await services.exports.tables(user, folder)
        sizes = [(await asyncio.to_thread(path.stat)).st_size for path in paths]
        if any(services.exports.too_big(size) for size in sizes):
            return await _link_text(services, user, t, ExportKind.TABLE)
        for path in paths:
            await bot.send_document(chat, FSInputFile(path, filename=path.name))
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)
    return t("export.ready")


# --- /mydata ---------------------------------------------------------------------------------

async def mydata(message: Message, services: Services, user: User, t: Texts,
                 bot: Bot) -> None:
    archive = await services.exports.mydata(user)
    await _send_archive(bot, message.chat.id, services, user, t, archive, ExportKind.MYDATA,
                        t("mydata.caption"))


async def _send_archive(bot: Bot, chat: int, services: Services, user: User, t: Texts,
                        archive: Archive, kind: ExportKind, caption: str) -> None:
    if services.exports.too_big(archive.size):
        await _send_link(bot, chat, services, user, t, kind)
        return
    await bot.send_document(chat, StreamedFile(services.exports.stream(archive),
                                               archive.file_name), caption=caption)


async def _send_link(bot: Bot, chat: int, services: Services, user: User, t: Texts,
                     kind: ExportKind) -> None:
    await bot.send_message(chat, await _link_text(services, user, t, kind))


async def _link_text(services: Services, user: User, t: Texts, kind: ExportKind) -> str:
    url, expires = await services.exports.link(user, kind)
    return t("export.link", url=url, expires=expires)


def create_router() -> Router:
    router = Router(name=__name__)
    everyone = Router(name=__name__ + ".everyone")
    everyone.message.filter(Registered())
    everyone.callback_query.filter(Registered())
    everyone.message.register(calendar, Command("calendar"))
    everyone.callback_query.register(calendar_reset, CalendarCb.filter())
    everyone.message.register(mydata, Command("mydata"))
    staff = Router(name=__name__ + ".staff")
    staff.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    staff.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    staff.message.register(export, Command("export"))
    staff.callback_query.register(export_pressed, ExportCb.filter())
    router.include_routers(staff, everyone)
    return router
