"""What every role of the emulator shares: its recorded state, change events and lookups."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import tempfile
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from .records import (
    ApiError,
    ChatInfo,
    Failure,
    JSONDict,
    OddAnswer,
    RecordedMessage,
    StoredFile,
    WebhookDelivery,
)
from .wire import (
    CLOUD_DOWNLOAD_LIMIT_MB,
    CLOUD_UPLOAD_LIMIT_MB,
    DEFAULT_TOKEN,
    LOCAL_LIMIT_MB,
    MB,
    Upload,
    now,
    safe_name,
)

Event = JSONDict


class EmulatorState:
    """The state of one emulated bot; the roles (server, methods, users, delivery, files)
    are mixins over it, composed into :class:`tgemu.BotAPIEmulator`."""

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
        # When each call arrived (time.monotonic()), index by index with ``calls``.
        self.call_times: list[float] = []
        # Serve file downloads at most this fast (bytes/s); None: as fast as the disk goes.
        self.download_rate: float | None = None
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
        self._odd: dict[str, deque[OddAnswer]] = {}
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

    def take_odd_answer(self, method: str) -> OddAnswer | None:
        """The next odd answer queued for ``method`` (see ``Methods.answer_oddly``)."""
        queue = self._odd.get(method.lower())
        return queue.popleft() if queue else None

    async def call(
        self, method: str, params: JSONDict, uploads: dict[str, Upload] | None = None
    ) -> Any:
        """Execute one Bot API method; implemented by :class:`tgemu.methods.Methods`."""
        raise NotImplementedError

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

    # ------------------------------------------------------------------ lookups

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
            date=now(),
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

    def _new_disk_path(self, name: str) -> Path:
        return self.storage_dir / f"{next(self._counter)}_{safe_name(name)}"
