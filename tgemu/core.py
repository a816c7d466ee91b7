"""The Bot API emulator: an aiohttp server speaking Telegram's HTTP protocol."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import itertools
import json
import mimetypes
import re
import secrets
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from .html import EntityParseError, parse_html, utf16_len
from .records import (
    ApiError,
    ChatInfo,
    Failure,
    JSONDict,
    RecordedMessage,
    StoredFile,
    WebhookDelivery,
)

__all__ = ["BotAPIEmulator", "Upload"]

MB = 1024 * 1024
CLOUD_DOWNLOAD_LIMIT_MB = 20
CLOUD_UPLOAD_LIMIT_MB = 50
LOCAL_LIMIT_MB = 2000
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
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
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")
_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FAILURE_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_MEDIA_KINDS: dict[str, tuple[str, str]] = {
    # method -> (param/field name, storage folder)
    "sendDocument": ("document", "documents"),
    "sendPhoto": ("photo", "photos"),
    "sendAudio": ("audio", "music"),
    "sendVideo": ("video", "videos"),
    "sendVoice": ("voice", "voice"),
    "sendAnimation": ("animation", "animations"),
    "sendSticker": ("sticker", "stickers"),
    "sendVideoNote": ("video_note", "video_notes"),
}

Handler = Callable[[JSONDict, "dict[str, Upload]"], Awaitable[Any]]
Event = JSONDict


class Upload:
    """A file part received in a multipart request, already streamed to disk."""

    def __init__(self, path: Path, filename: str, content_type: str | None, size: int) -> None:
        self.path = path
        self.filename = filename
        self.content_type = content_type
        self.size = size


def _now() -> int:
    return int(time.time())


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _coerce(key: str, value: Any) -> Any:
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


def _open_for_write(path: Path) -> io.BufferedWriter:
    # Kept synchronous on purpose: called via asyncio.to_thread only.
    return path.open("wb")


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned[:80] or "file"


class BotAPIEmulator:
    """In-process Telegram Bot API server plus a scriptable "user side".

    Use ``async with BotAPIEmulator(token=...) as emu:`` and point aiogram at
    ``TelegramAPIServer.from_base(emu.base_url)``.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_id: int | None = None,
        bot_username: str = "thesis_sandbox_bot",
        bot_first_name: str = "Thesis Sandbox",
        local_mode: bool = False,
        max_download_mb: float | None = None,
        max_upload_mb: float | None = None,
        storage_dir: str | Path | None = None,
        webhook_backoff: float = 0.2,
        webhook_max_attempts: int = 10,
        webhook_timeout: float = 10.0,
        delays: Mapping[str, float] | None = None,
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_id = bot_id if bot_id is not None else (int(prefix) if prefix.isdigit() else 1)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.local_mode = local_mode
        default_limit = LOCAL_LIMIT_MB if local_mode else CLOUD_DOWNLOAD_LIMIT_MB
        self.max_download_bytes = int((max_download_mb or default_limit) * MB)
        upload_limit = max_upload_mb or (LOCAL_LIMIT_MB if local_mode else CLOUD_UPLOAD_LIMIT_MB)
        self.max_upload_bytes = int(upload_limit * MB)
        self.webhook_backoff = webhook_backoff
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_timeout = webhook_timeout
        self.delays: dict[str, float] = {k.lower(): v for k, v in (delays or {}).items()}

        self._owns_storage = storage_dir is None
        self.storage_dir = Path(storage_dir or tempfile.mkdtemp(prefix="tg-emulator-"))
        self.storage_dir.mkdir(parents=True, exist_ok=True)

        # Recorded state (public, read by tests and the sandbox page).
        self.calls: list[tuple[str, JSONDict]] = []
        self.callback_answers: list[tuple[str, str | None, bool]] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.updates: list[JSONDict] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.undelivered_updates: list[JSONDict] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}

        self._chats: dict[int, ChatInfo] = {}
        self._messages: dict[int, list[RecordedMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._open_callbacks: set[str] = set()
        self._failures: dict[str, deque[Failure]] = {}
        self._counter = itertools.count(1)
        self._next_update_id = 1
        self._pending: list[JSONDict] = []
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0

        self._webhook_url: str | None = None
        self._webhook_secret: str | None = None
        self._webhook_allowed: list[str] | None = None
        self._webhook_max_connections = 40
        self._webhook_last_error: tuple[int, str] | None = None
        self._delivery_tails: dict[Any, asyncio.Task[None]] = {}
        self._delivery_tasks: set[asyncio.Task[None]] = set()
        self._client: aiohttp.ClientSession | None = None

        self._changed: asyncio.Event | None = None
        self._subscribers: list[asyncio.Queue[Event]] = []
        self._closing = False
        self._app: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._api_names: dict[str, str] = {}
        self._handlers: dict[str, Handler] = self._build_handlers()

    # ------------------------------------------------------------------ lifecycle

    @property
    def app(self) -> web.Application:
        """A standalone aiohttp application serving only the emulator routes."""
        if self._app is None:
            # Large limit: JSON/urlencoded bodies are read whole; files use streamed multipart.
            self._app = web.Application(client_max_size=64 * MB)
            self.add_routes(self._app)
        return self._app

    def add_routes(self, app: web.Application, prefix: str = "") -> None:
        """Attach the Bot API routes to another aiohttp application."""
        app.router.add_route("*", prefix + "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", prefix + "/file/bot{token}/{path:.+}", self._handle_file)

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server (for ``TelegramAPIServer.from_base``)."""
        if self._base_url is None:
            raise RuntimeError("emulator is not started")
        return self._base_url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> BotAPIEmulator:
        """Serve on host:port (0 picks a free port)."""
        self._closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._base_url = f"http://{bound_host}:{bound_port}"
        return self

    async def stop(self) -> None:
        """Stop serving, cancel webhook deliveries and remove temporary files."""
        self._closing = True
        self._notify()  # wake long polls so shutdown is not held up
        for task in list(self._delivery_tasks):
            task.cancel()
        if self._delivery_tasks:
            await asyncio.gather(*self._delivery_tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._base_url = None
        if self._owns_storage:
            await asyncio.to_thread(shutil.rmtree, self.storage_dir, True)

    async def __aenter__(self) -> BotAPIEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ test controls

    def fail(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status``."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _FAILURE_TEXT.get(status, "Error")
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend(Failure(status, description, retry_after) for _ in range(times))

    def set_delay(self, method: str, seconds: float) -> None:
        """Delay every call of ``method`` (``"*"`` for all methods) by ``seconds``."""
        self.delays[method.lower()] = seconds

    def block(self, user_id: int) -> None:
        """Make sends to this user fail with 403 (no update is produced)."""
        self._chat_or_raise(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        self._chat_or_raise(user_id).blocked = False

    def calls_to(self, method: str) -> list[JSONDict]:
        """Params of every recorded call of ``method`` (case-insensitive)."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    # ------------------------------------------------------------------ chats and users

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
    ) -> JSONDict:
        """Register a user (and the private chat with them); returns the User dict."""
        chat = ChatInfo(
            id=user_id,
            type="private",
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self._chats[user_id] = chat
        self._messages.setdefault(user_id, [])
        return chat.as_user()

    def add_group_chat(self, chat_id: int, title: str, chat_type: str = "group") -> JSONDict:
        """Register a group/supergroup the bot is a member of; returns the Chat dict."""
        chat = ChatInfo(id=chat_id, type=chat_type, title=title)
        self._chats[chat_id] = chat
        self._messages.setdefault(chat_id, [])
        return chat.as_chat()

    def chats(self) -> list[JSONDict]:
        return [chat.to_dict() for chat in self._chats.values()]

    def snapshot(self) -> JSONDict:
        """Everything the sandbox page needs, JSON-serialisable."""
        return {
            "bot": self._bot_user(),
            "chats": self.chats(),
            "messages": {
                str(chat_id): [m.to_dict() for m in msgs]
                for chat_id, msgs in self._messages.items()
            },
        }

    # ------------------------------------------------------------------ transcripts

    def messages(self, chat_id: int) -> list[RecordedMessage]:
        """Full transcript of a chat in order (user and bot messages, deleted ones flagged)."""
        return list(self._messages.get(chat_id, []))

    def bot_messages(self, chat_id: int) -> list[RecordedMessage]:
        """Every message the bot sent to the chat, including since-deleted ones."""
        return [m for m in self._messages.get(chat_id, []) if m.from_bot]

    def last_bot_message(self, chat_id: int) -> RecordedMessage:
        """Newest non-deleted bot message; AssertionError if there is none."""
        for msg in reversed(self._messages.get(chat_id, [])):
            if msg.from_bot and not msg.deleted:
                return msg
        raise AssertionError(f"no bot message in chat {chat_id}\n{self.transcript(chat_id)}")

    def message(self, chat_id: int, message_id: int) -> RecordedMessage:
        found = self._find_message(chat_id, message_id)
        if found is None:
            raise AssertionError(f"no message {message_id} in chat {chat_id}")
        return found

    def transcript(self, chat_id: int) -> str:
        """Human-readable chat log for assertion messages."""
        lines = [f"--- chat {chat_id} ---"]
        for m in self._messages.get(chat_id, []):
            who = "bot " if m.from_bot else "user"
            flags = " [deleted]" if m.deleted else ""
            flags += f" [edited x{len(m.edits)}]" if m.edits else ""
            body = m.content
            if m.document:
                body = f"[document {m.document.get('file_name')}] {body}"
            buttons = m.button_texts()
            tail = f"  buttons={buttons}" if buttons else ""
            lines.append(f"#{m.message_id} {who}{flags}: {body!r}{tail}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ files

    def file(self, file_id: str) -> StoredFile:
        try:
            return self._files[file_id]
        except KeyError:
            raise KeyError(f"unknown file_id {file_id!r}") from None

    def file_path_on_disk(self, file_id: str) -> Path:
        path = self.file(file_id).disk_path
        if path is None:
            raise KeyError(f"file {file_id!r} has no stored bytes")
        return path

    def file_bytes(self, file_id: str) -> bytes:
        return self.file_path_on_disk(file_id).read_bytes()

    async def store_file(
        self,
        data: bytes | Path,
        file_name: str | None,
        *,
        kind: str = "documents",
        mime_type: str | None = None,
        declared_size: int | None = None,
    ) -> StoredFile:
        """Put bytes (or a copy of a file) into storage and register a new file_id."""
        target = self._new_disk_path(file_name or kind)
        if isinstance(data, Path):
            await asyncio.to_thread(shutil.copyfile, data, target)
        else:
            await asyncio.to_thread(_write_bytes, target, data)
        size = target.stat().st_size
        return self._register_file(target, file_name, mime_type, kind, declared_size or size)

    def _new_disk_path(self, name: str) -> Path:
        return self.storage_dir / f"{next(self._counter)}_{_safe_name(name)}"

    def _register_file(
        self,
        disk_path: Path | None,
        file_name: str | None,
        mime_type: str | None,
        kind: str,
        size: int,
    ) -> StoredFile:
        n = next(self._counter)
        prefix = {"photos": "AgAC", "documents": "BQAC", "voice": "AwAC", "stickers": "CAAC"}
        file_id = f"{prefix.get(kind, 'BAAC')}AgAD{n:06d}{secrets.token_urlsafe(16)}"
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        suffix = Path(file_name).suffix if file_name else ""
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{n:06d}",
            kind=kind,
            file_size=size,
            file_path=f"{kind}/file_{n}{suffix}",
            disk_path=disk_path,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    # ------------------------------------------------------------------ events and waiting

    def subscribe(self) -> asyncio.Queue[Event]:
        """Queue receiving ``{"type", "chat_id", "message"}`` events (for the sandbox page)."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        with contextlib.suppress(ValueError):
            self._subscribers.remove(queue)

    def _publish(self, event: Event) -> None:
        for queue in self._subscribers:
            queue.put_nowait(event)
        self._notify()

    def _notify(self) -> None:
        # One-shot event swapped on every change: waiters grab it before checking state.
        if self._changed is not None:
            self._changed.set()
        self._changed = asyncio.Event()

    def _change_event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10,  # noqa: ASYNC109 - deadline re-applied per change
        message: str = "",
    ) -> None:
        """Wait until ``predicate()`` is true (re-checked on every emulator change)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._change_event()
            if predicate():
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                transcripts = "\n".join(self.transcript(cid) for cid in self._messages)
                raise AssertionError(
                    f"condition not met within {timeout}s {message}\n{transcripts}".strip()
                )
            with contextlib.suppress(TimeoutError):
                # Cap each wait so predicates on outside state are still re-checked.
                await asyncio.wait_for(event.wait(), min(remaining, 0.1))

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 10,  # noqa: ASYNC109 - test-friendly API
    ) -> list[RecordedMessage]:
        """Wait until the chat has at least ``count`` bot messages in total."""
        await self.wait_until(
            lambda: len(self.bot_messages(chat_id)) >= count,
            timeout,
            f"(chat {chat_id}: wanted {count} bot messages)",
        )
        return self.bot_messages(chat_id)

    async def wait_webhook_idle(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        """Wait until no webhook delivery is in flight."""
        await self.wait_until(lambda: not self._delivery_tasks, timeout, "(webhook idle)")

    # ------------------------------------------------------------------ user side

    async def push_update(self, update: JSONDict) -> JSONDict:
        """Inject a raw update; its ``update_id`` is assigned here."""
        update = {k: v for k, v in update.items() if k != "update_id"}
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        self.updates.append(update)
        self._route_update(update)
        self._publish({"type": "update", "chat_id": self._update_chat_id(update), "update": update})
        return update

    async def send_text(
        self, user_id: int, text: str, *, reply_to_message_id: int | None = None
    ) -> JSONDict:
        """The user writes ``text`` in the private chat; returns the Message dict."""
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, text=text, reply_to=reply_to_message_id)

    async def send_group_text(self, chat_id: int, user_id: int, text: str) -> JSONDict:
        """``user_id`` writes ``text`` in group ``chat_id``."""
        return await self._user_says(
            self._chat_or_raise(chat_id), self._chat_or_raise(user_id), text=text
        )

    async def edit_text(self, user_id: int, message_id: int, new_text: str) -> JSONDict:
        """The user edits their message: produces an ``edited_message`` update."""
        msg = self.message(user_id, message_id)
        if msg.from_bot:
            raise AssertionError("users can only edit their own messages")
        msg.edits.append(msg.snapshot())
        msg.text = new_text
        msg.entities = self._command_entities(new_text)
        msg.edit_date = _now()
        api = msg.to_api()
        self._publish({"type": "edit", "chat_id": msg.chat_id, "message": msg.to_dict()})
        await self.push_update({"edited_message": api})
        return api

    async def send_document(
        self,
        user_id: int,
        data: bytes | Path,
        file_name: str,
        mime_type: str | None = None,
        caption: str | None = None,
        declared_size: int | None = None,
    ) -> JSONDict:
        """The user sends a file; ``declared_size`` fakes a (huge) size without the bytes."""
        stored = await self.store_file(
            data, file_name, kind="documents", mime_type=mime_type, declared_size=declared_size
        )
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, caption=caption, document=stored.as_document())

    async def send_photo(
        self, user_id: int, data: bytes | Path = b"\x89PNG\r\n", caption: str | None = None
    ) -> JSONDict:
        stored = await self.store_file(data, "photo.jpg", kind="photos", mime_type="image/jpeg")
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, caption=caption, photo=stored.as_photo())

    async def send_voice(
        self, user_id: int, data: bytes | Path = b"OggS", duration: int = 1
    ) -> JSONDict:
        stored = await self.store_file(data, "voice.ogg", kind="voice", mime_type="audio/ogg")
        voice = {**stored.as_document(), "duration": duration}
        voice.pop("file_name", None)
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, media={"voice": voice})

    async def send_sticker(self, user_id: int, emoji: str = "👍") -> JSONDict:
        stored = self._register_file(None, None, "image/webp", "stickers", 0)
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, media={"sticker": sticker})

    async def send_location(self, user_id: int, latitude: float, longitude: float) -> JSONDict:
        chat = self._chat_or_raise(user_id)
        location = {"latitude": latitude, "longitude": longitude}
        return await self._user_says(chat, chat, media={"location": location})

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        last_name: str | None = None,
        contact_user_id: int | None = None,
    ) -> JSONDict:
        chat = self._chat_or_raise(user_id)
        contact: JSONDict = {"phone_number": phone_number, "first_name": first_name}
        if last_name is not None:
            contact["last_name"] = last_name
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return await self._user_says(chat, chat, media={"contact": contact})

    async def click(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> str:
        """The user presses a callback button; returns the callback query id."""
        user = self._chat_or_raise(user_id)
        msg = self.message(chat_id if chat_id is not None else user_id, message_id)
        if msg.deleted:
            raise AssertionError(f"message {message_id} was deleted; it cannot be clicked")
        query_id = f"{next(self._counter)}{secrets.randbelow(10**9):09d}"
        self._open_callbacks.add(query_id)
        await self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.as_user(),
                    "message": msg.to_api(),
                    "chat_instance": str(abs(msg.chat_id) * 31 + self.bot_id),
                    "data": callback_data,
                }
            }
        )
        return query_id

    async def click_button(
        self,
        user_id: int,
        text: str,
        message_id: int | None = None,
        *,
        chat_id: int | None = None,
    ) -> str:
        """Click the inline button labelled ``text`` on the newest bot message having it."""
        cid = chat_id if chat_id is not None else user_id
        if message_id is not None:
            candidates = [self.message(cid, message_id)]
        else:
            candidates = [m for m in reversed(self.bot_messages(cid)) if not m.deleted]
        for msg in candidates:
            for row in msg.buttons:
                for button in row:
                    if button.get("text") != text:
                        continue
                    data = button.get("callback_data")
                    if data is None:
                        raise AssertionError(f"button {text!r} has no callback_data: {button}")
                    return await self.click(user_id, msg.message_id, data, chat_id=cid)
        available = {m.message_id: m.button_texts() for m in candidates if m.buttons}
        raise AssertionError(
            f"no inline button {text!r} in chat {cid}; available buttons by message: "
            f"{available}\n{self.transcript(cid)}"
        )

    async def user_blocks_bot(self, user_id: int) -> JSONDict:
        """The user blocks the bot: ``my_chat_member`` (kicked) and sends fail with 403."""
        chat = self._chat_or_raise(user_id)
        chat.blocked = True
        return await self._member_update(chat, "member", "kicked")

    async def user_unblocks_bot(self, user_id: int) -> JSONDict:
        chat = self._chat_or_raise(user_id)
        chat.blocked = False
        return await self._member_update(chat, "kicked", "member")

    async def send_inline_query(self, user_id: int, query: str, offset: str = "") -> str:
        """The user types ``@bot query``; returns the inline query id."""
        user = self._chat_or_raise(user_id)
        query_id = f"{next(self._counter)}{secrets.randbelow(10**9):09d}"
        await self.push_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user.as_user(),
                    "query": query,
                    "offset": offset,
                    "chat_type": "sender",
                }
            }
        )
        return query_id

    async def _member_update(self, chat: ChatInfo, old: str, new: str) -> JSONDict:
        bot = self._bot_user()

        def member(status: str) -> JSONDict:
            data: JSONDict = {"status": status, "user": bot}
            if status == "kicked":
                data["until_date"] = 0
            return data

        return await self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.as_chat(),
                    "from": chat.as_user(),
                    "date": _now(),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    async def _user_says(
        self,
        chat: ChatInfo,
        user: ChatInfo,
        *,
        text: str | None = None,
        caption: str | None = None,
        document: JSONDict | None = None,
        photo: list[JSONDict] | None = None,
        media: JSONDict | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        msg = self._new_message(
            chat,
            from_bot=False,
            sender=user.as_user(),
            text=text,
            caption=caption,
            entities=self._command_entities(text) if text is not None else [],
            document=document,
            photo=photo,
            media=media or {},
            reply_to=reply_to,
        )
        api = msg.to_api()
        await self.push_update({"message": api})
        return api

    @staticmethod
    def _command_entities(text: str) -> list[JSONDict]:
        # Telegram marks every "/command" token, e.g. "/start CODE" -> "/start".
        return [
            {
                "type": "bot_command",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group(0)),
            }
            for m in _COMMAND_RE.finditer(text)
        ]

    # ------------------------------------------------------------------ update delivery

    @staticmethod
    def _update_type(update: JSONDict) -> str:
        return next((k for k in update if k != "update_id"), "")

    @staticmethod
    def _update_chat_id(update: JSONDict) -> int | None:
        body = next((v for k, v in update.items() if k != "update_id"), None)
        if not isinstance(body, dict):
            return None
        for holder in (body, body.get("message")):
            if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
                chat_id = holder["chat"].get("id")
                return chat_id if isinstance(chat_id, int) else None
        sender = body.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
        return None

    @classmethod
    def _is_allowed(cls, update: JSONDict, allowed: list[str] | None) -> bool:
        kind = cls._update_type(update)
        if not allowed:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in allowed

    def _route_update(self, update: JSONDict) -> None:
        if self._webhook_url is None:
            self._pending.append(update)
            return
        if not self._is_allowed(update, self._webhook_allowed):
            return
        key = self._update_chat_id(update)
        previous = self._delivery_tails.get(key)
        task = asyncio.get_running_loop().create_task(self._deliver_after(previous, update))
        self._delivery_tails[key] = task
        self._delivery_tasks.add(task)

        def _done(t: asyncio.Task[None]) -> None:
            self._delivery_tasks.discard(t)
            if self._delivery_tails.get(key) is t:
                del self._delivery_tails[key]
            self._notify()

        task.add_done_callback(_done)

    async def _deliver_after(self, previous: asyncio.Task[None] | None, update: JSONDict) -> None:
        # Per-chat ordering: an update waits until the chat's previous one is done.
        if previous is not None:
            await asyncio.wait([previous])
        await self._deliver(update)

    async def _deliver(self, update: JSONDict) -> None:
        if self._client is None:
            self._client = aiohttp.ClientSession()
        for attempt in range(1, self.webhook_max_attempts + 1):
            url = self._webhook_url
            if url is None:
                # Webhook removed meanwhile: the update goes back to getUpdates.
                self._pending.append(update)
                self._pending.sort(key=lambda u: int(u["update_id"]))
                self._notify()
                return
            headers = {}
            if self._webhook_secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook_secret
            status: int | None = None
            error: str | None = None
            reply: tuple[JSONDict, dict[str, Upload]] | None = None
            try:
                async with self._client.post(
                    url,
                    json=update,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as resp:
                    status = resp.status
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {resp.reason}"
                    else:
                        reply = await self._read_webhook_reply(resp)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            self.webhook_deliveries.append(
                WebhookDelivery(int(update["update_id"]), attempt, status, error, time.time())
            )
            self._notify()
            if error is None:
                if reply is not None and isinstance(reply[0].get("method"), str):
                    params = {k: v for k, v in reply[0].items() if k != "method"}
                    # Telegram executes a method returned in the webhook response body.
                    with contextlib.suppress(ApiError):
                        await self.call(reply[0]["method"], params, reply[1])
                return
            self._webhook_last_error = (_now(), error)
            await asyncio.sleep(self.webhook_backoff * attempt)
        self.undelivered_updates.append(update)

    async def _read_webhook_reply(
        self, resp: aiohttp.ClientResponse
    ) -> tuple[JSONDict, dict[str, Upload]] | None:
        """Parse a method call answered in the webhook response (JSON or multipart)."""
        raw: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        try:
            if resp.content_type == "application/json":
                payload = await resp.json()
                if not isinstance(payload, dict):
                    return None
                raw.update(payload)
            elif resp.content_type.startswith("multipart/"):
                # aiogram's SimpleRequestHandler answers with multipart/form-data.
                reader = aiohttp.MultipartReader(resp.headers, resp.content)
                await self._read_multipart_parts(reader, raw, uploads)
            else:
                return None
        except (ValueError, aiohttp.ClientError):
            return None
        return {k: _coerce(k, v) for k, v in raw.items()}, uploads

    def _flush_pending_to_webhook(self) -> None:
        pending, self._pending = self._pending, []
        for update in pending:
            self._route_update(update)

    # ------------------------------------------------------------------ HTTP layer

    @staticmethod
    def _json(payload: JSONDict, status: int = 200) -> web.Response:
        return web.json_response(payload, status=status)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        try:
            params, uploads = await self._read_params(request)
            result = await self.call(request.match_info["method"], params, uploads)
        except ApiError as exc:
            return self._json(exc.payload(), exc.status)
        return self._json({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None or stored.disk_path is None or not stored.disk_path.exists():
            return self._json(ApiError(404, "Not Found").payload(), 404)
        # FileResponse streams from disk (sendfile), so 100+ MB files never sit in memory.
        return web.FileResponse(
            stored.disk_path,
            headers={"Content-Type": stored.mime_type or "application/octet-stream"},
        )

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
        raw: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        ctype = request.content_type
        if request.body_exists:
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON object expected")
                raw.update(body)
            elif ctype.startswith("multipart/"):
                await self._read_multipart(request, raw, uploads)
            elif ctype == "application/x-www-form-urlencoded":
                form = await request.post()
                raw.update({k: v for k, v in form.items() if isinstance(v, str)})
        return {k: _coerce(k, v) for k, v in raw.items()}, uploads

    async def _read_multipart(
        self, request: web.Request, raw: dict[str, Any], uploads: dict[str, Upload]
    ) -> None:
        await self._read_multipart_parts(await request.multipart(), raw, uploads)

    async def _read_multipart_parts(
        self, reader: aiohttp.MultipartReader, raw: dict[str, Any], uploads: dict[str, Upload]
    ) -> None:
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename is None:
                raw[part.name] = await part.text()
                continue
            uploads[part.name] = await self._stream_part_to_disk(part)
        for name in uploads:
            # A file sent directly under its field name is equivalent to attach://name.
            if not any(v == f"attach://{name}" for v in raw.values()):
                raw[name] = f"attach://{name}"

    async def _stream_part_to_disk(self, part: aiohttp.BodyPartReader) -> Upload:
        filename = part.filename or "file"
        path = self._new_disk_path(filename)
        handle = await asyncio.to_thread(_open_for_write, path)
        size = 0
        buffer = bytearray()
        try:
            while chunk := await part.read_chunk(256 * 1024):
                size += len(chunk)
                if size > self.max_upload_bytes:
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

    async def call(
        self, method: str, params: JSONDict, uploads: dict[str, Upload] | None = None
    ) -> Any:
        """Execute one Bot API method as if it arrived over HTTP (raises ApiError)."""
        key = method.lower()
        handler = self._handlers.get(key)
        name = self._api_names.get(key, method)
        self.calls.append((name, copy.deepcopy(params)))
        delay = self.delays.get(key, self.delays.get("*", 0.0))
        if delay:
            await asyncio.sleep(delay)
        queue = self._failures.get(key)
        if queue:
            failure = queue.popleft()
            parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
            raise ApiError(failure.status, failure.description, parameters)
        if handler is None:
            return True  # catch-all: recorded above, accepted like a no-op
        return await handler(params, uploads or {})

    # ------------------------------------------------------------------ helpers

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat_or_raise(self, chat_id: int) -> ChatInfo:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise AssertionError(f"unknown chat/user {chat_id}; call add_user() first")
        return chat

    def _lookup_chat(self, chat_id: Any) -> ChatInfo | None:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            return next(
                (c for c in self._chats.values() if (c.username or "").lower() == name), None
            )
        if isinstance(chat_id, int):
            return self._chats.get(chat_id)
        return None

    def _target_chat(self, chat_id: Any) -> ChatInfo:
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._lookup_chat(chat_id)
        if chat is not None and chat.left:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        if chat is None or chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _find_message(self, chat_id: int, message_id: int) -> RecordedMessage | None:
        for msg in self._messages.get(chat_id, []):
            if msg.message_id == message_id:
                return msg
        return None

    def _new_message(
        self,
        chat: ChatInfo,
        *,
        from_bot: bool,
        sender: JSONDict | None = None,
        text: str | None = None,
        caption: str | None = None,
        parse_mode: str | None = None,
        entities: list[JSONDict] | None = None,
        document: JSONDict | None = None,
        photo: list[JSONDict] | None = None,
        media: JSONDict | None = None,
        reply_markup: JSONDict | None = None,
        reply_to: int | None = None,
        extra: JSONDict | None = None,
    ) -> RecordedMessage:
        message_id = self._next_message_id.get(chat.id, 1)
        self._next_message_id[chat.id] = message_id + 1
        extra = dict(extra or {})
        if reply_to is not None:
            replied = self._find_message(chat.id, reply_to)
            if replied is not None:
                extra["reply_to_message"] = replied.to_api()
        msg = RecordedMessage(
            message_id=message_id,
            chat_id=chat.id,
            date=_now(),
            from_bot=from_bot,
            sender=sender or self._bot_user(),
            chat=chat.as_chat(),
            text=text,
            caption=caption,
            parse_mode=parse_mode,
            entities=entities or [],
            document=document,
            photo=photo,
            media=media or {},
            reply_markup=reply_markup,
            reply_to_message_id=reply_to,
            extra=extra,
        )
        self._messages.setdefault(chat.id, []).append(msg)
        self._publish({"type": "message", "chat_id": chat.id, "message": msg.to_dict()})
        return msg

    def _format_caption(self, params: JSONDict) -> tuple[str, list[JSONDict]]:
        """A request's caption, parsed by its parse_mode, within the caption limit."""
        return self._format(params.get("caption"), params.get("parse_mode"),
                            params.get("caption_entities"), caption=True)

    @staticmethod
    def _format(
        raw: Any, parse_mode: Any, entities: Any, *, caption: bool
    ) -> tuple[str, list[JSONDict]]:
        text = "" if raw is None else str(raw)
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                text, parsed = parse_html(text)
            except EntityParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        else:
            # Markdown modes are accepted verbatim (no entity parsing in the emulator).
            parsed = list(entities) if isinstance(entities, list) else []
        if caption:
            if len(text) > MAX_CAPTION:
                raise ApiError(400, "Bad Request: message caption is too long")
        elif not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        elif len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return text, parsed

    @staticmethod
    def _validate_markup(markup: Any) -> JSONDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text must be non-empty",
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if "url" in button and not button["url"]:
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
                if len(button) == 1:
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
        return markup

    def _reply_to(self, params: JSONDict) -> int | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and isinstance(reply.get("message_id"), int):
            return int(reply["message_id"])
        value = params.get("reply_to_message_id")
        return value if isinstance(value, int) else None

    def _addressed_message(self, params: JSONDict) -> RecordedMessage | None:
        """The live message that ``chat_id`` and ``message_id`` name, if there is one."""
        chat = self._lookup_chat(params.get("chat_id"))
        message_id = params.get("message_id")
        if chat is None or not isinstance(message_id, int):
            return None
        msg = self._find_message(chat.id, message_id)
        return None if msg is None or msg.deleted else msg

    def _message_for_edit(self, params: JSONDict) -> RecordedMessage | None:
        """The bot message an edit targets; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        msg = self._addressed_message(params)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not msg.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def _apply_edit(self, msg: RecordedMessage, **changes: Any) -> JSONDict:
        unchanged = all(getattr(msg, k) == v for k, v in changes.items())
        if unchanged:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        msg.edits.append(msg.snapshot())
        for key, value in changes.items():
            setattr(msg, key, value)
        msg.edit_date = _now()
        self._publish({"type": "edit", "chat_id": msg.chat_id, "message": msg.to_dict()})
        return msg.to_api()

    async def _resolve_input_file(
        self, value: Any, uploads: dict[str, Upload], field: str, kind: str
    ) -> StoredFile:
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, f"Bad Request: there is no {field} in the request")
            return self._register_file(
                upload.path, upload.filename, self._upload_mime(upload), kind, upload.size
            )
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            if value.startswith(("http://", "https://")):
                name = value.rstrip("/").rsplit("/", 1)[-1] or field
                return self._register_file(None, name, None, kind, 0)
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {field} in the request")

    @staticmethod
    def _upload_mime(upload: Upload) -> str | None:
        guessed = mimetypes.guess_type(upload.filename)[0]
        if guessed:
            return guessed
        if upload.content_type and upload.content_type != "application/octet-stream":
            return upload.content_type
        return "application/octet-stream"

    # ------------------------------------------------------------------ API methods

    def _build_handlers(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendChatAction": self._send_chat_action,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "leaveChat": self._leave_chat,
        }
        for method, (field, kind) in _MEDIA_KINDS.items():
            table[method] = self._media_sender(field, kind)
        self._api_names = {name.lower(): name for name in table}
        return {name.lower(): handler for name, handler in table.items()}

    async def _get_me(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        if self._webhook_url is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) and limit else 100
        timeout = params.get("timeout")
        timeout = max(timeout, 0) if isinstance(timeout, int) else 0
        if isinstance(params.get("allowed_updates"), list):
            # Telegram remembers allowed_updates between calls.
            self._allowed_updates = [str(x) for x in params["allowed_updates"]]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll is now superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._change_event()
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if isinstance(offset, int):
                if offset < 0:
                    self._pending = self._pending[offset:]
                else:
                    self._pending = [u for u in self._pending if int(u["update_id"]) >= offset]
            self._pending = [u for u in self._pending if self._is_allowed(u, self._allowed_updates)]
            remaining = deadline - loop.time()
            if self._pending or remaining <= 0 or self._closing:
                return copy.deepcopy(self._pending[:limit])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _set_webhook(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, uploads)
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret and not _SECRET_RE.match(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook_url = url
        self._webhook_secret = str(secret) if secret else None
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._webhook_allowed = [str(x) for x in allowed]
        max_connections = params.get("max_connections")
        if isinstance(max_connections, int):
            self._webhook_max_connections = max_connections
        self._webhook_last_error = None
        self._flush_pending_to_webhook()
        return True

    async def _delete_webhook(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        self._webhook_url = None
        self._webhook_secret = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    @property
    def webhook_url(self) -> str | None:
        return self._webhook_url

    async def _get_webhook_info(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        info: JSONDict = {
            "url": self._webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending) + len(self._delivery_tasks),
        }
        if self._webhook_url:
            info["max_connections"] = self._webhook_max_connections
            if self._webhook_allowed:
                info["allowed_updates"] = list(self._webhook_allowed)
            if self._webhook_last_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    async def _send_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._validate_markup(params.get("reply_markup"))
        msg = self._new_message(
            chat,
            from_bot=True,
            text=text,
            entities=entities,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            reply_to=self._reply_to(params),
        )
        return msg.to_api()

    def _media_sender(self, field: str, kind: str) -> Handler:
        async def send(params: JSONDict, uploads: dict[str, Upload]) -> Any:
            chat = self._target_chat(params.get("chat_id"))
            caption: str | None = None
            entities: list[JSONDict] = []
            if params.get("caption") is not None:
                caption, entities = self._format_caption(params)
            markup = self._validate_markup(params.get("reply_markup"))
            stored = await self._resolve_input_file(params.get(field), uploads, field, kind)
            document: JSONDict | None = None
            photo: list[JSONDict] | None = None
            media: JSONDict = {}
            if field == "document":
                document = stored.as_document()
            elif field == "photo":
                photo = stored.as_photo()
            else:
                media[field] = {**stored.as_document(), "duration": params.get("duration") or 1}
                if field == "sticker":
                    media[field] = {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    }
                elif field in ("video", "animation", "video_note"):
                    media[field].update({"width": 640, "height": 480, "length": 240})
            msg = self._new_message(
                chat,
                from_bot=True,
                caption=caption,
                entities=entities,
                parse_mode=params.get("parse_mode"),
                document=document,
                photo=photo,
                media=media,
                reply_markup=markup,
                reply_to=self._reply_to(params),
            )
            return msg.to_api()

        return send

    def _source_message(self, params: JSONDict, verb: str) -> RecordedMessage:
        source_chat = self._lookup_chat(params.get("from_chat_id"))
        message_id = params.get("message_id")
        src = (
            self._find_message(source_chat.id, message_id)
            if source_chat and isinstance(message_id, int)
            else None
        )
        if src is None or src.deleted:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return src

    async def _copy_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        src = self._source_message(params, "copy")
        caption, entities = src.caption, copy.deepcopy(src.entities)
        if params.get("caption") is not None:
            caption, entities = self._format_caption(params)
        markup = self._validate_markup(params.get("reply_markup"))
        msg = self._new_message(
            chat,
            from_bot=True,
            text=src.text,
            caption=caption,
            entities=entities,
            document=copy.deepcopy(src.document),
            photo=copy.deepcopy(src.photo),
            media=copy.deepcopy(src.media),
            reply_markup=markup,
            reply_to=self._reply_to(params),
        )
        return {"message_id": msg.message_id}

    async def _forward_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        src = self._source_message(params, "forward")
        origin: JSONDict = {"type": "user", "sender_user": src.sender, "date": src.date}
        msg = self._new_message(
            chat,
            from_bot=True,
            text=src.text,
            caption=src.caption,
            entities=copy.deepcopy(src.entities),
            document=copy.deepcopy(src.document),
            photo=copy.deepcopy(src.photo),
            media=copy.deepcopy(src.media),
            extra={"forward_origin": origin},
        )
        return msg.to_api()

    async def _edit_message_text(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._validate_markup(params.get("reply_markup"))
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        if msg.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._apply_edit(
            msg,
            text=text,
            entities=entities,
            reply_markup=markup,
            parse_mode=params.get("parse_mode"),
        )

    async def _edit_message_caption(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        caption, entities = self._format_caption(params)
        markup = self._validate_markup(params.get("reply_markup"))
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        if msg.text is not None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._apply_edit(
            msg, caption=caption or None, entities=entities, reply_markup=markup
        )

    async def _edit_message_reply_markup(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        markup = self._validate_markup(params.get("reply_markup"))
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        return self._apply_edit(msg, reply_markup=markup)

    async def _delete_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        msg = self._addressed_message(params)
        if msg is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        msg.deleted = True
        self._publish({"type": "delete", "chat_id": msg.chat_id, "message": msg.to_dict()})
        return True

    async def _answer_callback_query(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_callbacks.discard(query_id)
        text = params.get("text")
        show_alert = bool(params.get("show_alert"))
        self.callback_answers.append((query_id, text, show_alert))
        self._publish(
            {
                "type": "callback_answer",
                "chat_id": None,
                "message": None,
                "callback_query_id": query_id,
                "text": text,
                "show_alert": show_alert,
            }
        )
        return True

    async def _get_file(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.file_size > self.max_download_bytes:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for cmd in commands:
            if not isinstance(cmd, dict) or not _BOT_COMMAND_RE.match(str(cmd.get("command"))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description") or "")) <= 256:
                raise ApiError(400, "Bad Request: command description must be non-empty")
        self.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def _delete_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _get_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    async def _send_chat_action(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        action = str(params.get("action") or "")
        self.chat_actions.append((chat.id, action))
        self._publish({"type": "chat_action", "chat_id": chat.id, "action": action})
        return True

    async def _set_chat_menu_button(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat_id = params.get("chat_id")
        button = params.get("menu_button") or {"type": "default"}
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = button
        return True

    async def _get_chat_menu_button(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat_id = params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        return self.menu_buttons.get(key) or self.menu_buttons.get(None) or {"type": "default"}

    async def _get_chat(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._lookup_chat(params.get("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        # Required ChatFullInfo fields in current Bot API versions.
        return {
            **chat.as_chat(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def _get_chat_member(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._lookup_chat(params.get("chat_id"))
        user = self._lookup_chat(params.get("user_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if params.get("user_id") == self.bot_id:
            return {"status": "left" if chat.left else "member", "user": self._bot_user()}
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        return {"status": "member", "user": user.as_user()}

    async def _leave_chat(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._lookup_chat(params.get("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.type == "private":
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        chat.left = True
        return True
