"""Streaming a file from Telegram without holding it in memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiofiles
import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Document

from services.errors import SourceUnavailable
from services.submissions import IncomingFile

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
    except (TelegramAPIError, aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise SourceUnavailable() from exc


def incoming_document(bot: Bot, document: Document, default_name: str) -> IncomingFile:
    """A Telegram document as the services take it; nothing is downloaded until read."""
    return IncomingFile(chunks=stream_file(bot, document.file_id),
                        file_name=document.file_name or default_name,
                        declared_size=document.file_size, telegram_file_id=document.file_id)
