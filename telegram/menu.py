"""Each role's command menu, in each person's language, set per chat so people only see what
they can use; and the menu of people the bot does not know yet, one per language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from telegram.cosmetic import cosmetic
from telegram.texts import DEFAULT_LANGUAGE, Texts, languages

COMMANDS: dict[str, tuple[str, ...]] = {
    "admin": ("help", "invite", "invites", "topics", "roster", "queue", "stats", "users",
              "message", "export", "calendar", "mydata", "scheme", "reopen_grade", "language",
              "cancel"),
    "supervisor": ("help", "invite", "invites", "topics", "queue", "students", "message",
                   "deadline",
                   "milestones", "meeting", "meetings", "calendar", "export", "mydata",
                   "language", "cancel"),
    # Joined by a team invite: no /invite, no /invites.
    "member": ("help", "queue", "students", "deadline", "milestones", "meeting", "meetings",
               "calendar", "export", "mydata", "language", "cancel"),
    "student": ("help", "submit", "proposal", "status", "history", "deadlines", "meetings",
                "calendar", "receipt", "topics", "mydata", "language", "cancel"),
}
# Not registered yet (or refused): /help says how to join; /topics is the catalogue.
NOBODY: tuple[str, ...] = ("help", "topics")


def commands(role: str, t: Texts) -> list[BotCommand]:
    return [BotCommand(command=name, description=t(f"cmd.{name}"))
            for name in COMMANDS.get(role, NOBODY)]


async def set_menu(bot: Bot, chat_id: int, role: str, t: Texts,
                   webapp_url: str | None = None) -> None:
    """The chat's own menu, in the language the person uses with the bot (stored, or chosen
    with /language), whatever language their Telegram app is in: so no ``language_code``."""
    # Cosmetic: a failure is counted and logged, and what was done stays done.
    await cosmetic("setMyCommands", bot.set_my_commands(
        commands(role, t), scope=BotCommandScopeChat(chat_id=chat_id)))
    if webapp_url:
        # The chat's menu button opens the Mini App for anyone who may act; a person whose
        # access was revoked gets the plain commands menu back.
        button = MenuButtonWebApp(text=t("webapp.menu_button"),
                                  web_app=WebAppInfo(url=webapp_url)) \
            if role in COMMANDS else MenuButtonDefault()
        await cosmetic("setChatMenuButton",
                       bot.set_chat_menu_button(chat_id=chat_id, menu_button=button))


async def set_default_menus(bot: Bot) -> None:
    """For people without a chat menu yet: one per catalog language, picked by Telegram from
    the app's language (``language_code``), and English for every other language."""
    for language in languages():
        await cosmetic("setMyCommands", bot.set_my_commands(
            commands("", Texts(language)), scope=BotCommandScopeDefault(),
            language_code=language))
    await cosmetic("setMyCommands", bot.set_my_commands(
        commands("", Texts(DEFAULT_LANGUAGE)), scope=BotCommandScopeDefault()))
