"""Chats and users the emulator knows, and the transcripts tests and the sandbox read."""

from __future__ import annotations

from .records import ChatInfo, JSONDict, RecordedMessage
from .state import EmulatorState


class Chats(EmulatorState):
    """Registering chats and users, blocking, and reading transcripts."""

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

    def block(self, user_id: int) -> None:
        """Make sends to this user fail with 403 (no update is produced)."""
        self._chat_or_raise(user_id).blocked = True

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
