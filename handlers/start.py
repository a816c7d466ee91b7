"""/start with or without an invite code, /help and /cancel."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.filters import Magic
from handlers.menu import set_menu
from handlers.texts import Texts
from services.context import Services
from services.registration import Outcome, Person
from storage.models import User


async def start(message: Message, command: CommandObject, services: Services, t: Texts,
                state: FSMContext, bot: Bot) -> None:
    assert message.from_user is not None
    await state.clear()
    person = Person(id=message.from_user.id, full_name=message.from_user.full_name,
                    username=message.from_user.username,
                    language=message.from_user.language_code or "en")
    result = await services.registration.start(person, command.args)
    if result.outcome is Outcome.UNKNOWN or result.user is None:
        await message.answer(t("start.unknown", user_id=message.from_user.id))
        return
    user = result.user
    supervisor = result.supervisor.full_name if result.supervisor else None
    if result.outcome is Outcome.REGISTERED:
        await message.answer(t(f"start.registered.{user.role}", name=user.full_name,
                               supervisor=supervisor))
    else:
        text = t("start.already", role=t(f"role.{user.role}"), name=user.full_name,
                 supervisor_line=t.raw("start.already.supervisor_line", supervisor=supervisor)
                 if supervisor else None)
        if command.args:
            text += t("start.already.code_ignored")
        await message.answer(text)
    await set_menu(bot, message.chat.id, user.role, t)


async def help_command(message: Message, t: Texts, user: User | None) -> None:
    if user is None:
        assert message.from_user is not None
        await message.answer(t("start.unknown", user_id=message.from_user.id))
        return
    await message.answer(t(f"help.{user.role}"))


async def cancel(message: Message, state: FSMContext, t: Texts, services: Services) -> None:
    current = await state.get_state()
    if current is None:
        await message.answer(t("nothing_to_cancel"))
        return
    data = await state.get_data()
    # A file already streamed to the store for an unfinished step must not stay behind.
    staged = data.get("staged") or data.get("feedback")
    if staged:
        await services.submissions.discard(staged["key"])
    await state.clear()
    await message.answer(t("cancelled"))


async def command_mid_conversation(message: Message, t: Texts) -> None:
    """Any other command typed in the middle of a conversation gets a hint, not a surprise."""
    command = (message.text or "").split()[0]
    await message.answer(t("in_conversation", command=command))


def create_router() -> Router:
    router = Router(name=__name__)
    # No state filter: these three answer in any state, mid-conversation included.
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(command_mid_conversation, ~StateFilter(None),
                            Magic(F.text.regexp(r"^/(?!skip\b)\w+")))
    return router
