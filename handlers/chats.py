"""Updates outside a private conversation: groups, blocks, inline queries, edits."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated, InlineQuery, Message

from handlers.texts import Texts
from services.context import Services

PRIVATE = F.chat.type == ChatType.PRIVATE


async def blocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.registration.mark_reachable(event.from_user.id, False)


async def unblocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.registration.mark_reachable(event.from_user.id, True)


async def added_to_group(event: ChatMemberUpdated, t: Texts, bot: Bot) -> None:
    me = await bot.me()
    await bot.send_message(event.chat.id, t("group.private_only", bot_username=me.username))


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


def create_router() -> Router:
    router = Router(name=__name__)
    router.my_chat_member.register(blocked, PRIVATE, ChatMemberUpdatedFilter(LEAVE_TRANSITION))
    router.my_chat_member.register(unblocked, PRIVATE, ChatMemberUpdatedFilter(JOIN_TRANSITION))
    router.my_chat_member.register(added_to_group, ~PRIVATE, ChatMemberUpdatedFilter(JOIN_TRANSITION))
    router.my_chat_member.register(other_membership_change)
    router.message.register(group_message, ~PRIVATE)
    router.channel_post.register(channel_post)
    router.edited_message.register(edited)
    router.inline_query.register(inline)
    return router
