"""A thread per version: 💬 Reply (or a Telegram reply to a message about a version) →
the comment, with an optional PDF/DOCX → the other side is told; reading a thread, paged;
and the supervisor-only 📝 Note about a student."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import NoteCb, ThreadAction, ThreadCb, ThreadFileCb
from handlers.filters import Magic, Registered, RepliesToVersion, conversation_steps
from handlers.keyboards import Button, in_rows, markup
from services.context import Services
from services.threads import COMMENT_MAX, NOTE_MAX, PAGE_SIZE, ThreadPage
from storage.models import User
from telegram.files import incoming_document, incoming_media
from telegram.notifications import media_line
from telegram.render import clip
from telegram.texts import Texts


class ThreadStates(StatesGroup):
    comment = State()


class NoteStates(StatesGroup):
    text = State()


async def reply_pressed(query: CallbackQuery, callback_data: ThreadCb, services: Services,
                        user: User, t: Texts, state: FSMContext, bot: Bot) -> None:
    target = await services.threads.check_can_comment(user, callback_data.submission_id)
    await query.answer()
    await state.set_state(ThreadStates.comment)
    await state.set_data({"submission_id": target.submission.id})
    await bot.send_message(user.id, t("threads.ask_comment", version=target.submission.version,
                                      title=target.thesis.title, max=COMMENT_MAX))


async def got_comment(message: Message, state: FSMContext, services: Services, user: User,
                      t: Texts, bot: Bot) -> None:
    submission_id = (await state.get_data())["submission_id"]
    await _comment(message, services, user, t, bot, submission_id)
    # Cleared only once recorded: a comment too long may be sent again, shorter.
    await state.clear()


async def comment_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("threads.need_comment"))


async def replied(message: Message, reply_submission_id: int, services: Services,
                  user: User, t: Texts, bot: Bot) -> None:
    await _comment(message, services, user, t, bot, reply_submission_id)


async def _comment(message: Message, services: Services, user: User, t: Texts, bot: Bot,
                   submission_id: int) -> None:
    attachment, seconds = None, None
    if message.document is not None:
        attachment = await services.threads.stage_attachment(
            user, submission_id, incoming_document(bot, message.document, "comment"))
    elif message.voice is not None:
        # A voice message or a photo is a comment of its own, stored and relayed as one.
        seconds = message.voice.duration
        attachment = await services.threads.stage_attachment(
            user, submission_id, incoming_media(bot, message.voice.file_id,
                                                message.voice.file_size, "voice.ogg"),
            media="voice")
    elif message.photo:
        largest = message.photo[-1]
        attachment = await services.threads.stage_attachment(
            user, submission_id, incoming_media(bot, largest.file_id, largest.file_size,
                                                "photo.jpg"), media="photo")
    text = message.text if attachment is None else message.caption
    result = await services.threads.comment(user, submission_id, text, attachment, seconds)
    key = "threads.sent" if result.recipients else "threads.saved"
    await message.answer(t(key, version=result.target.submission.version))


# --- reading a thread -----------------------------------------------------------------

async def read_thread(query: CallbackQuery, callback_data: ThreadCb, services: Services,
                      user: User, t: Texts) -> None:
    page = await services.threads.thread(user, callback_data.submission_id, callback_data.page)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    text, buttons = thread_view(t, page)
    if callback_data.action is ThreadAction.PAGE:
        try:
            await query.message.edit_text(text, reply_markup=buttons)
            return
        except TelegramBadRequest:
            pass  # too old to edit (or unchanged): send it anew
    await query.message.answer(text, reply_markup=buttons)


def thread_view(t: Texts, page: ThreadPage) -> tuple[str, InlineKeyboardMarkup | None]:
    submission = page.target.submission
    if not page.entries:
        text = t("threads.view.empty", version=submission.version)
    else:
        text = t("threads.view.header", version=submission.version,
                 title=clip(page.target.thesis.title, 200), total=page.total,
                 page=page.page + 1, pages=page.pages)
    files: list[Button] = []
    for n, entry in enumerate(page.entries, start=page.page * PAGE_SIZE + 1):
        comment = entry.comment
        text += t("threads.view.entry", author=clip(entry.author_name, 100),
                  at=comment.created_at,
                  text=t.raw("threads.comment.text", text=clip(comment.body, 550))
                  if comment.body else None,
                  file=media_line(t, comment.media, comment.file_name, comment.media_seconds,
                                  comment.file_size) if comment.file_name else None)
        if comment.telegram_file_id:
            files.append((t("threads.file_button", n=n), ThreadFileCb(comment_id=comment.id)))
    pager: list[Button] = []
    if page.page > 0:
        pager.append((t("threads.older"), ThreadCb(action=ThreadAction.PAGE,
                                                   submission_id=submission.id,
                                                   page=page.page - 1)))
    if page.page < page.pages - 1:
        pager.append((t("threads.newer"), ThreadCb(action=ThreadAction.PAGE,
                                                   submission_id=submission.id,
                                                   page=page.page + 1)))
    reply: list[Button] = [(t("threads.reply_button"),
                            ThreadCb(action=ThreadAction.REPLY, submission_id=submission.id))]
    return text, markup([*in_rows(files, 5), pager, reply])


async def send_attachment(query: CallbackQuery, callback_data: ThreadFileCb,
                          services: Services, user: User, bot: Bot) -> None:
    comment = await services.threads.attachment(user, callback_data.comment_id)
    await query.answer()
    assert comment.telegram_file_id is not None
    if comment.media == "voice":
        await bot.send_voice(user.id, comment.telegram_file_id)
    elif comment.media == "photo":
        await bot.send_photo(user.id, comment.telegram_file_id)
    else:
        await bot.send_document(user.id, comment.telegram_file_id)


# --- supervisor-only notes --------------------------------------------------------------

async def note_pressed(query: CallbackQuery, callback_data: NoteCb, services: Services,
                       user: User, t: Texts, state: FSMContext, bot: Bot) -> None:
    student = await services.threads.check_can_note(user, callback_data.student_id)
    await query.answer()
    await state.set_state(NoteStates.text)
    await state.set_data({"student_id": student.id})
    await bot.send_message(user.id, t("threads.ask_note", student=student.full_name,
                                      max=NOTE_MAX))


async def got_note(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts) -> None:
    student_id = (await state.get_data())["student_id"]
    student = await services.threads.add_note(user, student_id, message.text)
    await state.clear()
    await message.answer(t("threads.note_saved", student=student.full_name))


async def note_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("threads.need_note"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.callback_query.register(reply_pressed, ThreadCb.filter(F.action == ThreadAction.REPLY))
    router.callback_query.register(read_thread, ThreadCb.filter())
    router.callback_query.register(send_attachment, ThreadFileCb.filter())
    router.callback_query.register(note_pressed, NoteCb.filter())
    router.message.register(replied, StateFilter(None), RepliesToVersion())
    comments = conversation_steps(__name__ + ".comment", ThreadStates)
    comments.message.register(got_comment, Magic(F.text | F.document | F.voice | F.photo))
    comments.message.register(comment_not_text)
    notes = conversation_steps(__name__ + ".note", NoteStates)
    notes.message.register(got_note, Magic(F.text))
    notes.message.register(note_not_text)
    router.include_routers(comments, notes)
    return router
