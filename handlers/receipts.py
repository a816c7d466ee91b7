"""/receipt [N]: a signed PDF receipt for the student's version (the latest without N); the
declaration's confirmation sends one too (handlers/assessment.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from handlers.filters import HasRole
from services.context import Services
from services.vocabulary import Role
from storage.models import User
from telegram.pdf import receipt_pdf
from telegram.texts import Texts


async def send_receipt(message: Message, services: Services, user: User, t: Texts,
                       version: int | None) -> None:
    data = await services.receipts.for_version(user, version)
    signed = services.receipts.sign(receipt_pdf(t, data), data)
    await message.answer_document(
        BufferedInputFile(signed, filename=f"receipt-v{data.version}.pdf"),
        caption=t("receipt.caption", version=data.version, title=data.title,
                  sha256=data.sha256))


async def receipt(message: Message, command: CommandObject, services: Services, user: User,
                  t: Texts) -> None:
    args = (command.args or "").strip().lstrip("v")
    if args and not args.isdigit():
        await message.answer(t("receipt.usage"))
        return
    await send_receipt(message, services, user, t, int(args) if args else None)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(receipt, Command("receipt"), HasRole(Role.STUDENT))
    return router
