"""/start with or without an invite code, /help and /cancel; leaving a step for a command."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject

from handlers.filters import Magic
from handlers.keyboards import guide_button
from handlers.roster import send_first_run
from handlers.topics import show_topic
from services.context import Services
from services.guide import guide_url
from services.registration import Outcome, Person, StartResult
from services.topics import code_of
from services.vocabulary import Role
from storage.models import User
from telegram.menu import set_menu
from telegram.texts import Texts, language_of

# An invite code pasted alone, or its whole "Code: …" line (services/invites.py: new_code).
INVITE_CODE = re.compile(r"^\s*(?:\w+:\s*)?([A-Za-z0-9_-]{24})\s*$")
# Commands that are part of a step (/skip) or end it themselves (/cancel).
STEP_COMMANDS = frozenset({"skip", "cancel"})


@dataclass(frozen=True)
class LeftStep:
    """The step a command interrupted: its state and what it had gathered (staged files are
    already gone)."""

    state: str
    data: dict[str, Any]

    @property
    def conversation(self) -> str:
        return self.state.split(":", 1)[0]


async def leave_step(state: FSMContext, services: Services) -> LeftStep | None:
    """End the current step as /cancel does: what it staged is discarded, nothing recorded."""
    current = await state.get_state()
    if current is None:
        return None
    data = await state.get_data()
    # A file already streamed to the store for an unfinished step must not stay behind
    # (unless a row refers to it: the service checks).
    await services.submissions.discard_pending(data)
    await state.clear()
    return LeftStep(current, data)


def command_of(message: Message) -> str | None:
    text = message.text or ""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""


class LeaveStepOnCommand(BaseMiddleware):
    """A command always works: sent in the middle of a step, it leaves the step (saying so in
    one line) and then runs as it would outside any step. Runs before the routers' filters,
    so that no step's handler (a comment, a title) takes the command as its answer."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if (isinstance(event, Message) and data.get("raw_state") is not None
                and event.chat.type == ChatType.PRIVATE
                and command_of(event) not in (None, *STEP_COMMANDS)):
            t: Texts = data["t"]
            left = await leave_step(data["state"], data["services"])
            data["raw_state"] = None
            if left is not None:
                data["left_step"] = left
                key = f"left.{left.conversation}"
                await event.answer(t(key if t.has(key) else "left.step"))
        return await handler(event, data)


async def start(message: Message, command: CommandObject, services: Services, t: Texts,
                state: FSMContext, bot: Bot, registered_now: bool = False,
                webapp_url: str | None = None, user: User | None = None) -> None:
    assert message.from_user is not None
    await state.clear()
    code = code_of(command.args)
    if code is not None:
        # A topic's deep link: the topic with Apply, registered or not (handlers/topics.py).
        await show_topic(message, services, t, bot, user, code)
        return
    person = Person(id=message.from_user.id, full_name=message.from_user.full_name,
                    username=message.from_user.username,
                    language=language_of(message.from_user.language_code))
    result = await services.registration.start(person, command.args)
    if result.outcome is Outcome.UNKNOWN or result.user is None:
        await message.answer(t("start.unknown", user_id=message.from_user.id))
        return
    user = result.user
    supervisor = result.supervisor.full_name if result.supervisor else None
    if result.joined is not None:
        # A team invite: a new supervisor-side user, or one already registered, joined.
        key = "team.start.registered" if result.outcome is Outcome.REGISTERED \
            else "team.start.joined"
        await message.answer(t(key, name=user.full_name, student=result.joined.student.full_name,
                               role=t(f"team.role.{result.joined.role.value}")))
        await set_menu(bot, message.chat.id, user.role, t)
        return
    if registered_now:
        # An admin from ADMIN_IDS, registered by this very update before it got here.
        result = StartResult(Outcome.REGISTERED, user)
    if result.outcome is Outcome.REGISTERED and user.role == Role.ADMIN.value:
        # A configured admin's first /start: the welcome with the steps of a roll-out,
        # ticked as they are done (one message, its Refresh button ticks them).
        await send_first_run(message, services, user, t)
    elif result.outcome is Outcome.REGISTERED:
        # A student of a roster whose supervisor has not joined yet has none for now.
        key = "start.registered.no_supervisor" if user.role == Role.STUDENT.value \
            and supervisor is None else f"start.registered.{user.role}"
        await message.answer(t(key, name=user.full_name, supervisor=supervisor))
    else:
        text = t("start.already", role=t(f"role.{user.role}"), name=user.full_name,
                 supervisor_line=t.raw("start.already.supervisor_line", supervisor=supervisor)
                 if supervisor else None)
        if command.args:
            text += t("start.already.code_ignored")
        await message.answer(text)
    await set_menu(bot, message.chat.id, user.role, t, webapp_url)


async def bare_code(message: Message, services: Services, t: Texts, state: FSMContext,
                    bot: Bot, registered_now: bool = False,
                    webapp_url: str | None = None) -> None:
    """An invite code pasted alone (the invite's "Code:" line) works as ``/start <code>``."""
    code = INVITE_CODE.search(message.text or "")
    assert code is not None
    command = CommandObject(prefix="/", command="start", args=code.group(1))
    await start(message, command, services, t, state, bot, registered_now, webapp_url)


async def help_command(message: Message, t: Texts, user: User | None,
                       services: Services) -> None:
    if user is None:
        assert message.from_user is not None
        await message.answer(t("start.unknown", user_id=message.from_user.id))
        return
    # **Guide**: the person's guide on the app's HTTP side (docs/guide/, api/guide.py).
    url = guide_url(services.deps.config.public_base_url, user.role, t.language)
    await message.answer(t(f"help.{user.role}"), reply_markup=guide_button(t, url))


async def cancel(message: Message, state: FSMContext, t: Texts, services: Services) -> None:
    if await leave_step(state, services) is None:
        await message.answer(t("nothing_to_cancel"))
        return
    await message.answer(t("cancelled"))


def create_router() -> Router:
    router = Router(name=__name__)
    # No state filter: these three answer in any state (other commands leave a step before
    # they reach any router: LeaveStepOnCommand).
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(bare_code, StateFilter(None), Magic(F.text.regexp(INVITE_CODE)))
    return router
