"""The one place where routers are composed, in the order they are tried."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType


def get_routers() -> list[Router]:
    from handlers import (
        admin,
        chats,
        fallback,
        files,
        invites,
        review,
        start,
        student,
        submit,
        supervisor,
    )

    private = Router(name="private")
    private.message.filter(F.chat.type == ChatType.PRIVATE)
    private.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
    private.include_routers(
        start.router, invites.router, submit.router, review.router, student.router,
        supervisor.router, admin.router, files.router, fallback.router,
    )
    return [chats.router, private]
