"""How values travel over the Bot API's HTTP: limits, field coercion, uploads streamed to disk.

Shared by the server (requests from the bot) and webhook delivery (method calls answered in a
webhook's response body).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from .records import ApiError, JSONDict

MB = 1024 * 1024
CLOUD_DOWNLOAD_LIMIT_MB = 20
CLOUD_UPLOAD_LIMIT_MB = 50
LOCAL_LIMIT_MB = 2000
DEFAULT_TOKEN = "123456789:SANDBOX-emulator-token"

# Values arrive as strings in multipart/urlencoded bodies; coerce the fields aiogram sends.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
        "reply_parameters",
        "link_preview_options",
        "media",
        "results",
        "options",
        "permissions",
        "button",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
        "message_thread_id",
        "user_id",
        "duration",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "drop_pending_updates",
        "show_alert",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "allow_sending_without_reply",
        "revoke_messages",
        "has_spoiler",
        "is_personal",
    }
)

Handler = Callable[[JSONDict, "dict[str, Upload]"], Awaitable[Any]]


class Upload:
    """A file part received in a multipart request, already streamed to disk."""

    def __init__(self, path: Path, filename: str, content_type: str | None, size: int) -> None:
        self.path = path
        self.filename = filename
        self.content_type = content_type
        self.size = size


def now() -> int:
    return int(time.time())


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def coerce(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _JSON_FIELDS:
        with contextlib.suppress(ValueError):
            return json.loads(value)
    elif key in _INT_FIELDS:
        with contextlib.suppress(ValueError):
            return int(value)
    elif key in _BOOL_FIELDS:
        return _to_bool(value)
    return value


def open_for_write(path: Path) -> io.BufferedWriter:
    # Kept synchronous on purpose: called via asyncio.to_thread only.
    return path.open("wb")


def write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned[:80] or "file"


async def read_multipart_parts(
    reader: aiohttp.MultipartReader,
    raw: dict[str, Any],
    uploads: dict[str, Upload],
    new_path: Callable[[str], Path],
    max_bytes: int,
) -> None:
    """Plain fields into ``raw``, file parts streamed to ``new_path(name)`` into ``uploads``."""
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename is None:
            raw[part.name] = await part.text()
            continue
        uploads[part.name] = await stream_part_to_disk(part, new_path, max_bytes)
    for name in uploads:
        # A file sent directly under its field name is equivalent to attach://name.
        if not any(v == f"attach://{name}" for v in raw.values()):
            raw[name] = f"attach://{name}"


async def stream_part_to_disk(
    part: aiohttp.BodyPartReader, new_path: Callable[[str], Path], max_bytes: int
) -> Upload:
    filename = part.filename or "file"
    path = new_path(filename)
    handle = await asyncio.to_thread(open_for_write, path)
    size = 0
    buffer = bytearray()
    try:
        while chunk := await part.read_chunk(256 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise ApiError(413, "Request Entity Too Large")
            buffer += chunk
            if len(buffer) >= 4 * MB:
                await asyncio.to_thread(handle.write, bytes(buffer))
                buffer.clear()
        if buffer:
            await asyncio.to_thread(handle.write, bytes(buffer))
    except BaseException:
        handle.close()
        path.unlink(missing_ok=True)
        raise
    handle.close()
    return Upload(path, filename, part.headers.get("Content-Type"), size)
