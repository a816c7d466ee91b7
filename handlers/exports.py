"""/calendar (a private feed URL, Reset link), /export (tables, latest versions) and /mydata.

Archives go to Telegram as they are made: ``StreamedFile`` is an aiogram ``InputFile`` whose
``read()`` yields the archive's chunks, so the upload streams straight from the file store.
Above the upload limit a time-limited link to the app is sent instead.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, FSInputFile, InlineKeyboardMarkup, InputFile, Message

from handlers.callbacks import CalendarCb, ExportCb, ExportChoice
from handlers.filters import HasRole, Registered
from handlers.keyboards import markup
from handlers.texts import Texts
from services.context import Services
from services.exports import Archive, ExportKind
from storage.models import Role, User


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
                         user: User, t: Texts, bot: Bot) -> None:
    services.exports.scope_of(user)  # refuses anyone but supervisors and admins
    await query.answer(t("export.working"))
    chat = query.from_user.id
    if callback_data.what is ExportChoice.LATEST:
        archive = await services.exports.latest(user)
        if not archive.entries:
            await bot.send_message(chat, t("export.latest_none"))
            return
        await _send_archive(bot, chat, services, user, t, archive, ExportKind.LATEST,
                            t("export.latest_caption", count=len(archive.entries)))
        return
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="export-"))
    try:
        paths = await services.exports.tables(user, folder)
        sizes = [(await asyncio.to_thread(path.stat)).st_size for path in paths]
        if any(services.exports.too_big(size) for size in sizes):
            await _send_link(bot, chat, services, user, t, ExportKind.TABLE)
            return
        for path in paths:
            await bot.send_document(chat, FSInputFile(path, filename=path.name))
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


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
    url, expires = await services.exports.link(user, kind)
    await bot.send_message(chat, t("export.link", url=url, expires=expires))


def create_router() -> Router:
    router = Router(name=__name__)
    everyone = Router(name=__name__ + ".everyone")
    everyone.message.filter(Registered())
    everyone.callback_query.filter(Registered())
    everyone.message.register(calendar, Command("calendar"))
    everyone.callback_query.register(calendar_reset, CalendarCb.filter())
    everyone.message.register(mydata, Command("mydata"))
    staff = Router(name=__name__ + ".staff")
    staff.message.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    staff.callback_query.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    staff.message.register(export, Command("export"))
    staff.callback_query.register(export_pressed, ExportCb.filter())
    router.include_routers(staff, everyone)
    return router
