"""Per update: one database session (unit of work), the services, the current user, texts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TgUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import USER_REGISTRATIONS
from services.context import ServiceDeps, Services
from services.notifications import OUTBOX_WRITTEN
from services.registration import Person
from storage.models import User
from telegram.menu import set_menu
from telegram.texts import Texts, language_of


class ContextMiddleware(BaseMiddleware):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], deps: ServiceDeps,
                 on_outbox: Callable[[], None]) -> None:
        self._sessions = sessions
        self._deps = deps
        self._on_outbox = on_outbox

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        session = self._sessions()
        try:
            services = Services(session, self._deps)
            user = await services.registration.current(tg_user.id) if tg_user else None
            if user is None and tg_user is not None and \
                    tg_user.id in self._deps.config.admin_ids:
                user = await self._admin_from_config(services, tg_user)
                data["registered_now"] = user is not None
            language = user.language if user else (tg_user.language_code if tg_user else None)
            data.update(services=services, user=user,
                        t=Texts(language_of(language), self._deps.config.tz))
            if user is not None and data.get("registered_now"):
                # The admin's menu, as /start would have set it (/start sets it again).
                await set_menu(data["bot"], user.id, user.role, data["t"],
                               data.get("webapp_url"))
            return await handler(event, data)
        finally:
            if session.info.pop(OUTBOX_WRITTEN, False):
                self._on_outbox()
            # A session holds a connection only inside a transaction; many updates never
            # open one, and closing an unused session is not free.
            if session.in_transaction():
                await session.close()


    async def _admin_from_config(self, services: Services, tg_user: TgUser) -> User | None:
        person = Person(id=tg_user.id, full_name=tg_user.full_name, username=tg_user.username,
                        language=language_of(tg_user.language_code))
        user = await services.registration.admin_from_config(person)
        if user is not None:
            USER_REGISTRATIONS.labels(role=user.role).inc()
        return user
