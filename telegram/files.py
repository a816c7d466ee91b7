"""Streaming a file from Telegram, and back to Telegram from our store, without holding it
in memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from pathlib import Path

import aiofiles
import aiohttp
import structlog
from aiogram import Bot
from aiogram.exceptions import AiogramError
from aiogram.types import Document, InputFile

from services.errors import SourceUnavailable
from services.submissions import IncomingFile

log = structlog.get_logger("telegram.files")
CHUNK = 512 * 1024


async def stream_file(bot: Bot, file_id: str) -> AsyncIterator[bytes]:
    try:
        file = await bot.get_file(file_id)
        if file.file_path is None:
            raise SourceUnavailable()
        local = Path(file.file_path)
        # A self-hosted Bot API server in --local mode hands back a path on a shared disk.
        if local.is_absolute() and await asyncio.to_thread(local.exists):
            async with aiofiles.open(local, "rb") as handle:
                while chunk := await handle.read(CHUNK):
                    yield chunk
            return
        url = bot.session.api.file_url(bot.token, file.file_path)
        async for chunk in bot.session.stream_content(
            url=url, timeout=300, chunk_size=CHUNK, raise_for_status=True
        ):
            yield chunk
    except (AiogramError, aiohttp.ClientError, OSError, TimeoutError) as exc:
        # Telegram's failure (getFile or its download; aiogram's ClientDecodeError when a
        # proxy answers an HTML page): the user sends the file again. Never the store's.
        log.warning("telegram_file_failed", error_type=type(exc).__name__)
        raise SourceUnavailable() from exc


def incoming_document(bot: Bot, document: Document, default_name: str) -> IncomingFile:
    """A Telegram document as the services take it; nothing is downloaded until read."""
    return IncomingFile(chunks=stream_file(bot, document.file_id),
                        file_name=document.file_name or default_name,
                        declared_size=document.file_size, telegram_file_id=document.file_id,
                        telegram_file_name=document.file_name)


def incoming_media(bot: Bot, file_id: str, size: int | None, name: str) -> IncomingFile:
    """A voice message or a photo as the services take it (Telegram keeps no name for it)."""
    return IncomingFile(chunks=stream_file(bot, file_id), file_name=name, declared_size=size,
                        telegram_file_id=file_id)


class StoredFileUnreadable(OSError):
    """The file store failed while a stored file was being sent: an I/O failure, retried
    like a network error."""


class StoredInputFile(InputFile):
    """A file of our store sent to Telegram under the name we stored, streamed chunk by chunk
    into the upload (never whole in memory). ``open`` gives a fresh stream on every read, so
    a retried upload starts over."""

    def __init__(self, open_chunks: Callable[[], AsyncIterator[bytes]], filename: str) -> None:
        super().__init__(filename=filename)
        self._open = open_chunks

    async def read(self, bot: Bot) -> AsyncGenerator[bytes, None]:
        try:
            async for chunk in self._open():
                yield chunk
        except Exception as exc:
            raise StoredFileUnreadable(f"stored file unreadable: {type(exc).__name__}") from exc
