"""Each role's command menu, set per chat so people only see what they can use."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat

from handlers.texts import Texts

COMMANDS: dict[str, tuple[str, ...]] = {
    "admin": ("help", "invite", "invites", "queue", "stats", "users", "export", "calendar",
              "mydata", "cancel"),
    "supervisor": ("help", "invite", "invites", "queue", "students", "deadline", "milestones",
                   "meeting", "meetings", "calendar", "export", "mydata", "cancel"),
    "student": ("help", "submit", "status", "history", "deadlines", "meetings", "calendar",
                "mydata", "cancel"),
}


async def set_menu(bot: Bot, chat_id: int, role: str, t: Texts) -> None:
    commands = [BotCommand(command=name, description=t(f"cmd.{name}"))
                for name in COMMANDS.get(role, ("help",))]
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))
