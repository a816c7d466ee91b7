"""The Bot API emulator: its roles composed into one object tests, the sandbox and the
benchmark drive."""

from __future__ import annotations

from .methods import Methods
from .server import Server
from .users import Users
from .webapp import WebApps

__all__ = ["BotAPIEmulator"]


class BotAPIEmulator(Server, Users, WebApps, Methods):
    """In-process Telegram Bot API server plus a scriptable "user side".

    Use ``async with BotAPIEmulator(token=...) as emu:`` and point aiogram at
    ``TelegramAPIServer.from_base(emu.base_url)``.

    Its roles live in one module each, all over the shared :class:`~tgemu.state.EmulatorState`:
    ``server`` (HTTP and lifecycle), ``methods`` and ``messaging`` (the Bot API methods, failure
    injection), ``users`` (what people do in their chats), ``delivery`` (getUpdates and
    webhook), ``files`` and ``chats`` (what is stored and recorded), ``webapp`` (the signed
    init data a Mini App is opened with).
    """
