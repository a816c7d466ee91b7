"""Role filters, placed on parent routers rather than on every handler."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import BaseFilter, StateFilter
from aiogram.fsm.state import StatesGroup
from aiogram.types import Message, TelegramObject
from magic_filter import MagicFilter

from services.context import Services
from services.vocabulary import Role
from storage.models import User


class Magic(BaseFilter):
    """A magic filter (``F.text``) evaluated inline.

    aiogram runs a bare magic filter through ``asyncio.to_thread``, a thread hop for every
    update and handler it is tried against; this wrapper makes it a plain coroutine.
    """

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self.magic.resolve(event))


class HasRole(BaseFilter):
    def __init__(self, *roles: Role) -> None:
        self.roles = {role.value for role in roles}

    async def __call__(self, event: TelegramObject, user: User | None = None,
                       **_: Any) -> bool:
        return user is not None and user.role in self.roles


class Registered(BaseFilter):
    async def __call__(self, event: TelegramObject, user: User | None = None,
                       **_: Any) -> bool:
        return user is not None


def conversation_steps(name: str, group: type[StatesGroup]) -> Router:
    """A router for the steps of one conversation. Its own filter lets an update that is not
    in this conversation skip all the steps in one check instead of one per step."""
    router = Router(name=name)
    router.message.filter(StateFilter(group))
    return router


class RepliesToVersion(BaseFilter):
    """A Telegram reply (text, a file, a voice message or a photo, not a command) to one of
    our messages about a
    version; hands the version's id to the handler. Anything else is left to the others
    (the fallback answers a reply to any other message as it answers any text)."""

    async def __call__(self, message: Message, user: User | None = None,
                       services: Services | None = None, **_: Any) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None or user is None or services is None:
            return False
        attached = message.document is not None or message.voice is not None \
            or bool(message.photo)
        if not attached and (message.text is None or message.text.startswith("/")):
            return False
        submission_id = await services.threads.replied_version(user, replied.message_id)
        return False if submission_id is None else {"reply_submission_id": submission_id}
