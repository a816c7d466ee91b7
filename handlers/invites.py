"""/invite and /invites for admins (supervisors) and supervisors (students)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from handlers.callbacks import InviteRevokeCb
from handlers.filters import HasRole
from handlers.keyboards import revoke_buttons
from services.context import Services
from services.errors import NotAllowed
from services.invites import MAX_DAYS, MAX_USES
from services.vocabulary import Role
from storage.models import User
from telegram.qr import qr_png as qr_png  # also used by other routers from here
from telegram.render import answer_lines
from telegram.texts import Texts


def _parse_args(raw: str | None) -> tuple[int | None, int]:
    parts = (raw or "").split()
    if len(parts) > 2 or not all(part.isdigit() for part in parts):
        raise ValueError
    days = int(parts[0]) if parts else None
    uses = int(parts[1]) if len(parts) > 1 else 1
    return days, uses


async def create_invite(message: Message, command: CommandObject, services: Services,
                        user: User, t: Texts, bot: Bot) -> None:
    try:
        days, uses = _parse_args(command.args)
        invite = await services.invites.create(user, days=days, uses=uses)
    except (ValueError, NotAllowed):
        await message.answer(t("invite.usage", max_days=MAX_DAYS, max_uses=MAX_USES))
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={invite.code}"
    uses_text = t("invite.uses.one") if invite.max_uses == 1 else \
        t("invite.uses.many", uses=invite.max_uses)
    text = t("invite.created", role=t(f"role.{invite.role}"), link=link, code=invite.code,
             expires=invite.expires_at, uses_text=uses_text)
    share = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=t("invite.share_button"), url=share_url(link, t("invite.share_text")))]])
    # Every invite comes on a QR code of its link: shown on a phone or on a slide.
    await message.answer_photo(BufferedInputFile(qr_png(link), "invite.png"), caption=text,
                               reply_markup=share)


def share_url(link: str, text: str) -> str:
    """Telegram's share dialog, prefilled with the link and a short text."""
    return "https://t.me/share/url?" + urlencode({"url": link, "text": text}, quote_via=quote)


async def list_invites(message: Message, services: Services, user: User, t: Texts) -> None:
    active = await services.invites.active(user)
    if not active:
        await message.answer(t("invites.none"))
        return
    lines = [t("invites.header", count=len(active))]
    lines += [t("invites.line", code=i.code, role=t(f"role.{i.role}"), uses=i.uses,
                max_uses=i.max_uses, expires=i.expires_at) for i in active]
    # Telegram allows 100 buttons a message; older invites can be revoked after newer ones go.
    buttons = revoke_buttons(
        (t("invites.revoke_button", short=i.code[:6]), i.id) for i in active[:90])
    await answer_lines(message, lines, buttons)


async def revoke_invite(query: CallbackQuery, callback_data: InviteRevokeCb,
                        services: Services, user: User, t: Texts) -> None:
    invite = await services.invites.revoke(user, callback_data.invite_id)
    await query.answer(t("invites.revoked", short=invite.code[:6]))
    if isinstance(query.message, Message):
        await query.message.answer(t("invites.revoked", short=invite.code[:6]))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN, Role.SUPERVISOR))
    router.callback_query.filter(HasRole(Role.ADMIN, Role.SUPERVISOR))
    router.message.register(create_invite, Command("invite"))
    router.message.register(list_invites, Command("invites"))
    router.callback_query.register(revoke_invite, InviteRevokeCb.filter())
    return router
