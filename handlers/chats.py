"""Updates outside a private conversation: groups, blocks, inline queries, edits.

Every kind the bot subscribes to outside private chats has a deliberate answer here:
- a user blocks / unblocks the bot: they are marked unreachable / reachable;
- the bot is added to a group: it says once that it works in private chats only;
  added to a channel, removed from a group: no answer;
- messages and edits in groups, channel posts, edited messages anywhere: ignored;
- inline queries: an empty personal answer;
- buttons outside a private chat (or on inline messages): an alert.
"""

from __future__ import annotations

import structlog
from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import CallbackQuery, ChatMemberUpdated, InlineQuery, Message

from handlers.filters import Magic
from services.context import Services
from telegram.texts import Texts

PRIVATE = Magic(F.chat.type == ChatType.PRIVATE)
GROUP = Magic(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))
log = structlog.get_logger("handlers.chats")


async def blocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.registration.mark_reachable(event.from_user.id, False)


async def unblocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.registration.mark_reachable(event.from_user.id, True)


async def added_to_group(event: ChatMemberUpdated, t: Texts, bot: Bot) -> None:
    me = await bot.me()
    try:
        await bot.send_message(event.chat.id, t("group.private_only", bot_username=me.username))
    except TelegramAPIError as exc:
        # A group where the bot may not write: nothing more to say there.
        log.info("group_hello_failed", error_type=type(exc).__name__)


async def other_membership_change(event: ChatMemberUpdated) -> None:
    """Leaving a group and the like need no answer."""


async def group_message(message: Message) -> None:
    """Messages in groups and channels are ignored on purpose: the bot works in private."""


async def channel_post(message: Message) -> None:
    """Ignored on purpose."""


async def edited(message: Message) -> None:
    """Edits change nothing already submitted; ignored on purpose."""


async def inline(query: InlineQuery) -> None:
    await query.answer([], cache_time=300, is_personal=True)


async def foreign_button(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("error.foreign_button"), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.my_chat_member.register(blocked, PRIVATE, ChatMemberUpdatedFilter(LEAVE_TRANSITION))
    router.my_chat_member.register(unblocked, PRIVATE, ChatMemberUpdatedFilter(JOIN_TRANSITION))
    router.my_chat_member.register(added_to_group, GROUP,
                                   ChatMemberUpdatedFilter(JOIN_TRANSITION))
    router.my_chat_member.register(other_membership_change)
    router.message.register(group_message, ~PRIVATE)
    router.channel_post.register(channel_post)
    router.edited_message.register(edited)
    router.inline_query.register(inline)
    router.callback_query.register(foreign_button,
                                   ~Magic(F.message.chat.type == ChatType.PRIVATE))
    return router
