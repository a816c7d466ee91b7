"""/roster for admins: import a department's roster (a CSV or XLSX sent to the chat, a
preview, then Import / Cancel), who joined and who has not (Remind, Revoke per person), the
template, the personal links as a mail-merge CSV and a printable PDF of QR codes; and the
first-run checklist of a configured admin."""

from __future__ import annotations

import asyncio
from typing import TypedDict, cast

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from handlers.callbacks import RosterAction, RosterCb, RosterPersonAction, RosterPersonCb
from handlers.filters import HasRole, Magic
from handlers.invites import share_url
from handlers.keyboards import Button, markup
from services.context import Services
from services.errors import RosterUnreadable
from services.roster import FirstRun, Preview, RosterView, sorted_links
from services.roster_sheets import MAX_BYTES, mail_merge_csv, template_csv
from services.vocabulary import Role
from storage.models import User
from telegram.files import stream_file
from telegram.pdf import roster_links_pdf
from telegram.qr import qr_png
from telegram.texts import Texts

# A preview stays one message (Telegram's 4,096 characters): the first problems, then a count.
PROBLEMS_SHOWN = 60


class RosterStates(StatesGroup):
    confirm = State()


class RosterData(TypedDict):
    """The roster waiting for Import: Telegram's copy of the file (read again on Import)."""

    file_id: str


async def _link_base(bot: Bot) -> str:
    me = await bot.me()
    return f"https://t.me/{me.username}?start="


async def _download(bot: Bot, file_id: str) -> bytes:
    parts: list[bytes] = []
    size = 0
    async for chunk in stream_file(bot, file_id):
        size += len(chunk)
        if size > MAX_BYTES:
            raise RosterUnreadable()
        parts.append(chunk)
    return b"".join(parts)


# --- the import -----------------------------------------------------------------------------

def preview_text(t: Texts, preview: Preview) -> str:
    lines = [t("roster.preview.create", supervisors=preview.supervisors,
               students=preview.students)]
    if preview.updated:
        lines.append(t("roster.preview.updated", count=preview.updated))
    if preview.unchanged:
        lines.append(t("roster.preview.unchanged", count=preview.unchanged))
    if preview.problems:
        lines.append(t("roster.preview.problems", count=len(preview.problems)))
        lines += [t("roster.preview.problem", row=p.row, reason=t(f"roster.reason.{p.reason}"))
                  for p in preview.problems[:PROBLEMS_SHOWN]]
        if len(preview.problems) > PROBLEMS_SHOWN:
            lines.append(t("roster.preview.more", count=len(preview.problems) - PROBLEMS_SHOWN))
    if not preview.changes:
        lines.append(t("roster.preview.nothing"))
    return "\n".join(lines)


async def got_roster(message: Message, services: Services, user: User, t: Texts,
                     state: FSMContext, bot: Bot) -> None:
    assert message.document is not None
    if (message.document.file_size or 0) > MAX_BYTES:
        raise RosterUnreadable()
    data = await _download(bot, message.document.file_id)
    preview = await services.roster.check(user, data)
    if not preview.changes:
        await message.answer(preview_text(t, preview))
        return
    await state.set_state(RosterStates.confirm)
    await state.set_data(cast(dict[str, str], RosterData(file_id=message.document.file_id)))
    await message.answer(preview_text(t, preview), reply_markup=markup([[
        (t("roster.import_button"), RosterCb(action=RosterAction.IMPORT)),
        (t("roster.cancel_button"), RosterCb(action=RosterAction.CANCEL))]]))


async def import_pressed(query: CallbackQuery, services: Services, user: User, t: Texts,
                         state: FSMContext, bot: Bot) -> None:
    data = cast(RosterData, await state.get_data())
    if await state.get_state() != RosterStates.confirm.state or "file_id" not in data:
        await query.answer(t("roster.import_gone"), show_alert=True)
        return
    await query.answer(t("roster.importing"))
    done = await services.roster.import_roster(user, await _download(bot, data["file_id"]))
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(t("roster.imported", supervisors=done.supervisors,
                                     students=done.students, updated=done.updated))


async def cancel_pressed(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    if await state.get_state() == RosterStates.confirm.state:
        await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(t("roster.cancelled"))


async def waiting_for_button(message: Message, t: Texts) -> None:
    await message.answer(t("roster.use_buttons"))


# --- /roster --------------------------------------------------------------------------------

def roster_answer(t: Texts, view: RosterView) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [t("roster.header", joined=view.joined, pending=view.pending)]
    for line in view.lines:
        person, link = line.person, line.link
        state = t("roster.link.live", expires=link.expires_at) if link else t("roster.link.none")
        lines.append(t("roster.line", name=person.full_name, role=t(f"role.{person.role}"),
                       email=person.email, link=state))
    lines.append(t("roster.send_file"))
    rows: list[list[Button]] = [
        [(t("roster.remind_button", name=line.person.full_name[:40]),
          RosterPersonCb(action=RosterPersonAction.REMIND, person_id=line.person.id)),
         (t("roster.revoke_button"),
          RosterPersonCb(action=RosterPersonAction.REVOKE, person_id=line.person.id))]
        for line in view.lines]
    pages: list[Button] = []
    if view.page > 0:
        pages.append(("◀️", RosterCb(action=RosterAction.PAGE, page=view.page - 1)))
    if view.page + 1 < view.pages:
        pages.append(("▶️", RosterCb(action=RosterAction.PAGE, page=view.page + 1)))
    rows.append(pages)
    rows.append([(t("roster.template_button"), RosterCb(action=RosterAction.TEMPLATE))])
    if view.pending:
        rows.append([(t("roster.links_csv_button"), RosterCb(action=RosterAction.LINKS_CSV)),
                     (t("roster.links_pdf_button"), RosterCb(action=RosterAction.LINKS_PDF))])
    return "\n".join(lines), markup(rows)


async def show_roster(message: Message, services: Services, user: User, t: Texts) -> None:
    text, buttons = roster_answer(t, await services.roster.view(user))
    await message.answer(text, reply_markup=buttons)


async def page_pressed(query: CallbackQuery, callback_data: RosterCb, services: Services,
                       user: User, t: Texts) -> None:
    text, buttons = roster_answer(t, await services.roster.view(user, callback_data.page))
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=buttons)


async def template_pressed(query: CallbackQuery, t: Texts, bot: Bot) -> None:
    await query.answer()
    template = BufferedInputFile(template_csv(), "roster-template.csv")
    await bot.send_document(query.from_user.id, template, caption=t("roster.template_caption"))


async def links_pressed(query: CallbackQuery, callback_data: RosterCb, services: Services,
                        user: User, t: Texts, bot: Bot) -> None:
    await query.answer(t("roster.links_working"))
    rows = sorted_links(await services.roster.links(user))
    base = await _link_base(bot)
    if callback_data.action is RosterAction.LINKS_CSV:
        document = BufferedInputFile(
            mail_merge_csv((r.name, r.email, base + r.code) for r in rows), "roster-links.csv")
    else:
        # Drawing hundreds of QR codes takes a moment: not on the event loop.
        pdf = await asyncio.to_thread(roster_links_pdf, t, rows, base)
        document = BufferedInputFile(pdf, "roster-links.pdf")
    await bot.send_document(query.from_user.id, document,
                            caption=t("roster.links_caption", count=len(rows)))


async def person_pressed(query: CallbackQuery, callback_data: RosterPersonCb,
                         services: Services, user: User, t: Texts, bot: Bot) -> None:
    if callback_data.action is RosterPersonAction.REVOKE:
        person = await services.roster.revoke(user, callback_data.person_id)
        await query.answer(t("roster.revoked", name=person.full_name))
        if isinstance(query.message, Message):
            await query.message.answer(t("roster.revoked", name=person.full_name))
        return
    person, invite = await services.roster.remind(user, callback_data.person_id)
    await query.answer()
    link = await _link_base(bot) + invite.code
    share = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=t("invite.share_button"), url=share_url(link, t("invite.share_text")))]])
    await bot.send_photo(query.from_user.id, BufferedInputFile(qr_png(link), "invite.png"),
                         caption=t("roster.reminded", name=person.full_name,
                                   email=person.email, link=link, expires=invite.expires_at),
                         reply_markup=share)


# --- the first-run checklist ----------------------------------------------------------------

def first_run_answer(t: Texts, steps: FirstRun) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [t("firstrun.header")]
    for done, key in ((steps.scheme, "scheme"), (steps.statement, "statement"),
                      (steps.roster, "roster"), (steps.links, "links"),
                      (steps.test_student, "test_student")):
        lines.append(t("firstrun.step", mark="✅" if done else "⬜",
                       step=t(f"firstrun.{key}")))
    if steps.done:
        lines.append(t("firstrun.all_done"))
    return "\n".join(lines), markup([[(t("firstrun.refresh_button"),
                                       RosterCb(action=RosterAction.CHECKLIST))]])


async def send_first_run(message: Message, services: Services, user: User, t: Texts) -> None:
    """A configured admin's first /start: the welcome, and the checklist under it."""
    text, buttons = first_run_answer(t, await services.roster.first_run(user))
    welcome = t(f"start.registered.{user.role}", name=user.full_name, supervisor=None)
    await message.answer(f"{welcome}\n\n{text}", reply_markup=buttons)


async def checklist_pressed(query: CallbackQuery, services: Services, user: User,
                            t: Texts) -> None:
    text, buttons = first_run_answer(t, await services.roster.first_run(user))
    await query.answer()
    if isinstance(query.message, Message):
        # The welcome stays above the checklist.
        welcome = t(f"start.registered.{user.role}", name=user.full_name, supervisor=None)
        new = f"{welcome}\n\n{text}"
        if new != query.message.html_text:
            await query.message.edit_text(new, reply_markup=buttons)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN))
    router.callback_query.filter(HasRole(Role.ADMIN))
    router.message.register(show_roster, Command("roster"))
    router.message.register(got_roster, StateFilter(None, RosterStates.confirm),
                            Magic(F.document))
    router.message.register(waiting_for_button, StateFilter(RosterStates.confirm))
    router.callback_query.register(import_pressed, RosterCb.filter(
        F.action == RosterAction.IMPORT))
    router.callback_query.register(cancel_pressed, RosterCb.filter(
        F.action == RosterAction.CANCEL))
    router.callback_query.register(page_pressed, RosterCb.filter(F.action == RosterAction.PAGE))
    router.callback_query.register(template_pressed, RosterCb.filter(
        F.action == RosterAction.TEMPLATE))
    router.callback_query.register(links_pressed, RosterCb.filter(
        F.action.in_({RosterAction.LINKS_CSV, RosterAction.LINKS_PDF})))
    router.callback_query.register(checklist_pressed, RosterCb.filter(
        F.action == RosterAction.CHECKLIST))
    router.callback_query.register(person_pressed, RosterPersonCb.filter())
    return router
