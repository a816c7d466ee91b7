"""Updates outside a private conversation: groups, blocks, inline queries, edits."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated, InlineQuery, Message

from handlers.texts import Texts
from services.context import Services

router = Router(name=__name__)
PRIVATE = F.chat.type == ChatType.PRIVATE


@router.my_chat_member(PRIVATE, ChatMemberUpdatedFilter(LEAVE_TRANSITION))
async def blocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.registration.mark_reachable(event.from_user.id, False)


@router.my_chat_member(PRIVATE, ChatMemberUpdatedFilter(JOIN_TRANSITION))
async def unblocked(event: ChatMemberUpdated, services: Services) -> None:
    await services.registration.mark_reachable(event.from_user.id, True)


@router.my_chat_member(~PRIVATE, ChatMemberUpdatedFilter(JOIN_TRANSITION))
async def added_to_group(event: ChatMemberUpdated, t: Texts, bot: Bot) -> None:
    me = await bot.me()
    await bot.send_message(event.chat.id, t("group.private_only", bot_username=me.username))


@router.my_chat_member()
async def other_membership_change(event: ChatMemberUpdated) -> None:
    """Leaving a group and the like need no answer."""


@router.message(~PRIVATE)
async def group_message(message: Message) -> None:
    """Messages in groups and channels are ignored on purpose: the bot works in private."""


@router.channel_post()
async def channel_post(message: Message) -> None:
    """Ignored on purpose."""


@router.edited_message()
async def edited(message: Message) -> None:
    """Edits change nothing already submitted; ignored on purpose."""


@router.inline_query()
async def inline(query: InlineQuery) -> None:
    await query.answer([], cache_time=300, is_personal=True)
