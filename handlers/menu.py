"""Each role's command menu, set per chat so people only see what they can use."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from handlers.texts import Texts

COMMANDS: dict[str, tuple[str, ...]] = {
    "admin": ("help", "invite", "invites", "queue", "stats", "users", "export", "calendar",
              "mydata", "cancel"),
    "supervisor": ("help", "invite", "invites", "queue", "students", "deadline", "milestones",
                   "meeting", "meetings", "calendar", "export", "mydata", "cancel"),
    "student": ("help", "submit", "status", "history", "deadlines", "meetings", "calendar",
                "mydata", "cancel"),
}


async def set_menu(bot: Bot, chat_id: int, role: str, t: Texts,
                   webapp_url: str | None = None) -> None:
    commands = [BotCommand(command=name, description=t(f"cmd.{name}"))
                for name in COMMANDS.get(role, ("help",))]
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))
    if webapp_url:
        # The chat's menu button opens the Mini App for anyone who may act; a person whose
        # access was revoked gets the plain commands menu back.
        button = MenuButtonWebApp(text=t("webapp.menu_button"),
                                  web_app=WebAppInfo(url=webapp_url)) \
            if role in COMMANDS else MenuButtonDefault()
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
