"""The user side: what people do in their chats (write, send files, press buttons, block)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from .chats import Chats
from .delivery import Delivery
from .files import Files
from .html import utf16_len
from .records import ChatInfo, JSONDict
from .wire import now

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")


class Users(Chats, Files, Delivery):
    """The people's side of their chats: each action becomes the update Telegram would send."""

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
        msg.edit_date = now()
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
        *,
        reply_to_message_id: int | None = None,
    ) -> JSONDict:
        """The user sends a file; ``declared_size`` fakes a (huge) size without the bytes;
        ``reply_to_message_id`` makes it a reply, as ``send_text``'s does."""
        stored = await self.store_file(
            data, file_name, kind="documents", mime_type=mime_type, declared_size=declared_size
        )
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, caption=caption, document=stored.as_document(),
                                     reply_to=reply_to_message_id)

    async def send_photo(
        self, user_id: int, data: bytes | Path = b"\x89PNG\r\n", caption: str | None = None,
        *, reply_to_message_id: int | None = None,
    ) -> JSONDict:
        stored = await self.store_file(data, "photo.jpg", kind="photos", mime_type="image/jpeg")
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, caption=caption, photo=stored.as_photo(),
                                     reply_to=reply_to_message_id)

    async def send_voice(
        self, user_id: int, data: bytes | Path = b"OggS", duration: int = 1,
        *, reply_to_message_id: int | None = None,
    ) -> JSONDict:
        stored = await self.store_file(data, "voice.ogg", kind="voice", mime_type="audio/ogg")
        voice = {**stored.as_document(), "duration": duration}
        voice.pop("file_name", None)
        chat = self._chat_or_raise(user_id)
        return await self._user_says(chat, chat, media={"voice": voice},
                                     reply_to=reply_to_message_id)

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
                    "date": now(),
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
