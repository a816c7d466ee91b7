"""Plain data records kept by the emulator (all JSON-serialisable via ``to_dict``)."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSONDict = dict[str, Any]

__all__ = [
    "ApiError",
    "ChatInfo",
    "Failure",
    "JSONDict",
    "MessageEdit",
    "RecordedMessage",
    "StoredFile",
    "WebhookDelivery",
]


class ApiError(Exception):
    """An error response of the Bot API, raised inside method handlers."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        """The JSON body Telegram would send."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class Failure:
    """One queued injected failure."""

    status: int
    description: str
    retry_after: int | None = None


@dataclass
class OddAnswer:
    """One queued odd answer, as a broken proxy or a changed Bot API might give: a raw body
    (an HTML error page, JSON without ``ok``), or the real answer changed by ``mangle``."""

    status: int = 200
    body: bytes | None = None
    content_type: str = "text/html"
    mangle: Any = None  # Callable[[JSONDict], JSONDict] | None


@dataclass
class StoredFile:
    """A file known to the emulator; bytes live on disk (or nowhere, if only declared)."""

    file_id: str
    file_unique_id: str
    kind: str
    file_size: int
    file_path: str
    disk_path: Path | None
    file_name: str | None = None
    mime_type: str | None = None

    def as_document(self) -> JSONDict:
        """Telegram ``Document``-like dict (also fine for audio/video/voice)."""
        doc: JSONDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name is not None:
            doc["file_name"] = self.file_name
        if self.mime_type is not None:
            doc["mime_type"] = self.mime_type
        return doc

    def as_photo(self) -> list[JSONDict]:
        """Telegram ``PhotoSize`` array with a single size."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": self.file_size,
                "width": 800,
                "height": 600,
            }
        ]

    def to_dict(self) -> JSONDict:
        data = dataclasses.asdict(self)
        data["disk_path"] = str(self.disk_path) if self.disk_path else None
        return data


@dataclass
class ChatInfo:
    """A private chat (user) or a group known to the emulator."""

    id: int
    type: str
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    language_code: str = "en"
    title: str | None = None
    blocked: bool = False
    left: bool = False

    def as_chat(self) -> JSONDict:
        """Telegram ``Chat`` dict."""
        chat: JSONDict = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value is not None:
                chat[key] = value
        return chat

    def as_user(self) -> JSONDict:
        """Telegram ``User`` dict for the person owning this private chat."""
        user: JSONDict = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name or "",
            "language_code": self.language_code,
        }
        if self.last_name is not None:
            user["last_name"] = self.last_name
        if self.username is not None:
            user["username"] = self.username
        return user

    def to_dict(self) -> JSONDict:
        return dataclasses.asdict(self)


@dataclass
class MessageEdit:
    """State of a message before one edit."""

    date: int
    text: str | None
    caption: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None


@dataclass
class RecordedMessage:
    """One message of a chat transcript, sent by the bot or by a user."""

    message_id: int
    chat_id: int
    date: int
    from_bot: bool
    sender: JSONDict
    chat: JSONDict
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    document: JSONDict | None = None
    photo: list[JSONDict] | None = None
    media: JSONDict = field(default_factory=dict)
    reply_markup: JSONDict | None = None
    reply_to_message_id: int | None = None
    edits: list[MessageEdit] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False
    extra: JSONDict = field(default_factory=dict)

    @property
    def content(self) -> str:
        """Text or caption (empty string for media without caption)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[list[JSONDict]]:
        """Inline keyboard rows (empty when there is none)."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    def button_texts(self) -> list[str]:
        return [str(btn.get("text", "")) for row in self.buttons for btn in row]

    def snapshot(self) -> MessageEdit:
        return MessageEdit(
            date=self.edit_date or self.date,
            text=self.text,
            caption=self.caption,
            entities=copy.deepcopy(self.entities),
            reply_markup=copy.deepcopy(self.reply_markup),
        )

    def to_api(self) -> JSONDict:
        """The Telegram ``Message`` object for this record."""
        msg: JSONDict = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": dict(self.chat),
            "from": dict(self.sender),
        }
        if self.text is not None:
            msg["text"] = self.text
            if self.entities:
                msg["entities"] = copy.deepcopy(self.entities)
        if self.caption is not None:
            msg["caption"] = self.caption
            if self.entities:
                msg["caption_entities"] = copy.deepcopy(self.entities)
        if self.document is not None:
            msg["document"] = dict(self.document)
        if self.photo is not None:
            msg["photo"] = copy.deepcopy(self.photo)
        msg.update(copy.deepcopy(self.media))
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            # Only inline keyboards are echoed back in Message objects.
            msg["reply_markup"] = copy.deepcopy(self.reply_markup)
        if self.edit_date is not None:
            msg["edit_date"] = self.edit_date
        msg.update(copy.deepcopy(self.extra))
        return msg

    def to_dict(self) -> JSONDict:
        """JSON-serialisable record for tests and the sandbox page."""
        return dataclasses.asdict(self)


@dataclass
class WebhookDelivery:
    """One attempt to POST an update to the webhook."""

    update_id: int
    attempt: int
    status: int | None
    error: str | None
    at: float

    def to_dict(self) -> JSONDict:
        return dataclasses.asdict(self)
