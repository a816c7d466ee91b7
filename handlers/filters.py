"""Role filters, placed on parent routers rather than on every handler."""

from __future__ import annotations

from typing import Any

from aiogram.filters import BaseFilter
from aiogram.types import TelegramObject

from storage.models import Role, User


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
