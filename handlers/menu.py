"""Each role's command menu, in each person's language, set per chat so people only see what
they can use; and the menu of people the bot does not know yet, one per language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from handlers.texts import DEFAULT_LANGUAGE, Texts, languages

COMMANDS: dict[str, tuple[str, ...]] = {
    "admin": ("help", "invite", "invites", "queue", "stats", "users", "language", "cancel"),
    "supervisor": ("help", "invite", "invites", "queue", "students", "deadline", "milestones",
                   "language", "cancel"),
    "student": ("help", "submit", "status", "history", "deadlines", "language", "cancel"),
}
# Not registered yet (or refused): /help says how to join.
NOBODY: tuple[str, ...] = ("help",)


def commands(role: str, t: Texts) -> list[BotCommand]:
    return [BotCommand(command=name, description=t(f"cmd.{name}"))
            for name in COMMANDS.get(role, NOBODY)]


async def set_menu(bot: Bot, chat_id: int, role: str, t: Texts) -> None:
    """The chat's own menu, in the language the person uses with the bot (stored, or chosen
    with /language), whatever language their Telegram app is in: so no ``language_code``."""
    await bot.set_my_commands(commands(role, t), scope=BotCommandScopeChat(chat_id=chat_id))


async def set_default_menus(bot: Bot) -> None:
    """For people without a chat menu yet: one per catalog language, picked by Telegram from
    the app's language (``language_code``), and English for every other language."""
    for language in languages():
        await bot.set_my_commands(commands("", Texts(language)), scope=BotCommandScopeDefault(),
                                  language_code=language)
    await bot.set_my_commands(commands("", Texts(DEFAULT_LANGUAGE)),
                              scope=BotCommandScopeDefault())
