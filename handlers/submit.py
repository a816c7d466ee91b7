"""/submit: title (first time) → document → which requested changes it addresses (when
some are open; handlers/checklist.py) → optional note → stored and announced."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Document, Message

from handlers import checklist
from handlers.callbacks import ChecklistAction, ChecklistCb, DropAction, DropCb
from handlers.filters import HasRole, Magic, RepliesToVersion, conversation_steps
from handlers.keyboards import markup
from handlers.start import LeftStep
from services.context import Services
from services.errors import DomainError, UploadStillArriving
from services.submissions import TITLE_MAX, IncomingFile, clean_title
from services.uploads import JOB_KEY
from services.vocabulary import Role, VersionKind
from storage.models import User
from telegram.files import incoming_document
from telegram.progress import ProgressKit
from telegram.texts import Texts


class SubmitStates(StatesGroup):
    title = State()
    document = State()
    checklist = State()
    note = State()
    dropped = State()  # a file sent outside any step: Submit or Cancel


# A file dropped outside any step, kept in the FSM data until Submit (or the title) comes.
DROPPED_KEY = "dropped"
# What the step uploads: a version of the thesis (absent) or of its proposal (/proposal).
KIND_KEY = "kind"


async def begin(message: Message, state: FSMContext, services: Services, user: User,
                t: Texts, left_step: LeftStep | None = None) -> None:
    thesis = await services.submissions.begin(user)
    await state.clear()
    title = left_step.data.get("title") if left_step and \
        left_step.conversation == SubmitStates.__name__ else None
    if thesis is None and title:
        # /submit again in the middle of a first submission: the title given stands.
        await state.update_data(title=title)
    elif thesis is None:
        await state.set_state(SubmitStates.title)
        await message.answer(t("submit.ask_title", max=TITLE_MAX))
        return
    await _ask_document(message, state, services, t)


async def _ask_document(message: Message, state: FSMContext, services: Services,
                        t: Texts, key: str = "submit.ask_file") -> None:
    await state.set_state(SubmitStates.document)
    limit_mb = services.deps.config.max_file_bytes // (1024 * 1024)
    await message.answer(t(key, limit_mb=limit_mb))


async def begin_proposal(message: Message, state: FSMContext, services: Services, user: User,
                         t: Texts) -> None:
    """/proposal: the thesis's proposal (its topic asks for one), reviewed like a version."""
    await services.submissions.begin(user, VersionKind.PROPOSAL)
    await state.clear()
    await state.update_data({KIND_KEY: VersionKind.PROPOSAL.value})
    await _ask_document(message, state, services, t, "submit.ask_proposal")


async def got_title(message: Message, state: FSMContext, services: Services, user: User,
                    t: Texts, bot: Bot, progress: ProgressKit,
                    wake_uploads: Callable[[], None]) -> None:
    title = clean_title(message.text)
    await state.update_data(title=title)
    dropped = (await state.get_data()).get(DROPPED_KEY)
    if isinstance(dropped, dict):
        # The file came first (dropped into the chat): it goes on with the title given.
        await _receive(message, state, services, user, t, bot, progress, wake_uploads,
                       Document.model_validate(dropped["document"]), message.chat.id,
                       user.id, int(dropped["source"]))
        return
    await _ask_document(message, state, services, t)


async def title_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("submit.need_title", max=TITLE_MAX))


async def got_document(message: Message, state: FSMContext, services: Services, user: User,
                       t: Texts, bot: Bot, progress: ProgressKit,
                       wake_uploads: Callable[[], None]) -> None:
    document = message.document
    assert document is not None and message.from_user is not None
    await _receive(message, state, services, user, t, bot, progress, wake_uploads, document,
                   message.chat.id, message.from_user.id, message.message_id)


async def _receive(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts, bot: Bot, progress: ProgressKit,
                   wake_uploads: Callable[[], None], document: Document, chat_id: int,
                   user_id: int, source: int) -> None:
    """Receive the thesis file (sent at the step, or dropped and confirmed): the same checks,
    progress and checklist wherever it came from. ``message`` is where answers go."""
    incoming = incoming_document(bot, document, "thesis")
    # Refused by its declared size or its name: one plain answer, no progress shown.
    services.submissions.check_incoming(incoming)
    if progress.in_background(document.file_size):
        await _hand_to_worker(message, state, services, user, t, progress, incoming, source)
        wake_uploads()
        return
    async with progress.upload(bot, chat_id, user_id, source, t,
                               document.file_size) as upload:
        # The duplicate check after the stream and the open items: one transaction.
        async with services.reads():
            staged = await services.submissions.stage(user, incoming, upload.on_progress)
            has_open = await services.checklist.open_for(user)
        # The conversation holds the file's id only: the note step reads the rest back.
        await state.update_data(staged=staged.id)
        if has_open:
            # The requested changes come next, as their own message with its toggles.
            await upload.settle(t("progress.received"))
            await checklist.ask(message, state, services, user, t)
            await state.set_state(SubmitStates.checklist)
            return
        await state.set_state(SubmitStates.note)
        await upload.finish(t("submit.ask_note"))


async def _hand_to_worker(message: Message, state: FSMContext, services: Services, user: User,
                          t: Texts, progress: ProgressKit, incoming: IncomingFile,
                          source: int) -> None:
    """Too big to receive within the webhook's deadline: record an upload job, show its
    progress message and return; a worker receives the file (services/uploads.py)."""
    chat_id = message.chat.id
    shown = await progress.signals.progress_message(chat_id, source)
    if shown is None:
        sent = await message.answer(t("progress.background", percent=0))
        shown = sent.message_id
        await progress.signals.remember_progress(chat_id, source, shown)
    job = await services.uploads.enqueue(user, chat_id, source, incoming, shown)
    await state.update_data({JOB_KEY: job.id})
    await state.set_state(SubmitStates.note)


async def checklist_done(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await checklist.picked(query, state, t)
    await state.set_state(SubmitStates.note)
    await query.bot.send_message(query.from_user.id, t("submit.ask_note"))  # type: ignore[union-attr]


async def checklist_skip(message: Message, state: FSMContext, t: Texts) -> None:
    await state.update_data(addressed=[])
    await state.set_state(SubmitStates.note)
    await message.answer(t("submit.ask_note"))


async def checklist_need_buttons(message: Message, t: Texts) -> None:
    await message.answer(t("checklist.need_buttons"))


async def not_a_document(message: Message, t: Texts) -> None:
    await message.answer(t("submit.need_document"))


async def got_note(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts) -> None:
    note = None if (message.text or "").startswith("/skip") else message.text
    data = await state.get_data()
    job_id = data.get(JOB_KEY)
    try:
        file_id = (await services.uploads.staged_for_note(user, job_id)
                   if isinstance(job_id, int)
                   else await services.staged_files.held_id(data.get("staged")))
        kind = VersionKind(data.get(KIND_KEY, VersionKind.THESIS.value))
        result = await services.submissions.record(user, file_id, title=data.get("title"),
                                                   note=note,
                                                   addressed=data.get("addressed", ()),
                                                   kind=kind)
    except UploadStillArriving:
        raise  # the step stays: the worker asks for the note once the file is in
    except DomainError:
        # The staged file is gone with the failed attempt: start the step again.
        await state.clear()
        raise
    if isinstance(job_id, int):
        await services.uploads.used(job_id)
    await state.clear()
    key = "submit.received_proposal" if kind is VersionKind.PROPOSAL else "submit.received"
    await message.answer(t(key, version=result.submission.version,
                           at=result.submission.submitted_at))


async def note_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("submit.need_text_note"))


# --- a file dropped into the chat outside any step -------------------------------------------

async def dropped(message: Message, state: FSMContext, services: Services, user: User,
                  t: Texts) -> None:
    """A PDF/DOCX sent with no step waiting: offered as the next version (the title is asked
    first when there is no thesis yet)."""
    document = message.document
    assert document is not None
    thesis = await services.submissions.begin(user)
    await state.set_data({DROPPED_KEY: {"document": document.model_dump(mode="json"),
                                        "source": message.message_id}})
    if thesis is None:
        await state.set_state(SubmitStates.title)
        await message.answer(t("chat.drop.ask_title", max=TITLE_MAX))
        return
    await state.set_state(SubmitStates.dropped)
    await message.answer(
        t("chat.drop.confirm", version=thesis.latest_version + 1, title=thesis.title),
        reply_markup=markup([[(t("chat.drop.submit"), DropCb(action=DropAction.SUBMIT)),
                              (t("chat.drop.cancel"), DropCb(action=DropAction.CANCEL))]]))


async def replied_file(message: Message, reply_submission_id: int, state: FSMContext,
                       services: Services, user: User, t: Texts) -> None:
    """A PDF/DOCX sent as a reply to a message about a version (a feedback notice, a
    comment): a new version, or an attachment to that version's thread?"""
    document = message.document
    assert document is not None
    target = await services.threads.check_can_comment(user, reply_submission_id)
    await state.set_data({DROPPED_KEY: {
        "document": document.model_dump(mode="json"), "source": message.message_id,
        "reply_to": reply_submission_id, "caption": message.caption}})
    await state.set_state(SubmitStates.dropped)
    await message.answer(
        t("chat.drop.reply_ask", next=target.thesis.latest_version + 1,
          title=target.thesis.title, version=target.submission.version),
        reply_markup=markup([
            [(t("chat.drop.new_version"), DropCb(action=DropAction.SUBMIT)),
             (t("chat.drop.attachment"), DropCb(action=DropAction.ATTACH))],
            [(t("chat.drop.cancel"), DropCb(action=DropAction.CANCEL))]]))


async def drop_pressed(query: CallbackQuery, callback_data: DropCb, state: FSMContext,
                       services: Services, user: User, t: Texts, bot: Bot,
                       progress: ProgressKit, wake_uploads: Callable[[], None]) -> None:
    found = (await state.get_data()).get(DROPPED_KEY)
    message = query.message
    if not isinstance(found, dict) or not isinstance(message, Message):
        await query.answer(t("error.bad_button"), show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if callback_data.action is DropAction.CANCEL:
        await state.clear()
        await message.answer(t("cancelled"))
        return
    if callback_data.action is DropAction.ATTACH and found.get("reply_to"):
        # Into the thread of the version replied to, with its caption as the comment.
        submission_id = int(found["reply_to"])
        attachment = await services.threads.stage_attachment(
            user, submission_id,
            incoming_document(bot, Document.model_validate(found["document"]), "comment"))
        result = await services.threads.comment(user, submission_id, found.get("caption"),
                                                attachment)
        await state.clear()
        await message.answer(t("threads.sent" if result.recipients else "threads.saved",
                               version=result.target.submission.version))
        return
    await state.update_data({DROPPED_KEY: None})
    await _receive(message, state, services, user, t, bot, progress, wake_uploads,
                   Document.model_validate(found["document"]), message.chat.id, user.id,
                   int(found["source"]))


async def drop_need_button(message: Message, t: Texts) -> None:
    await message.answer(t("chat.drop.need_button"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.STUDENT))
    router.callback_query.filter(HasRole(Role.STUDENT))
    router.message.register(begin, Command("submit"))
    router.message.register(begin_proposal, Command("proposal"))
    steps = conversation_steps(__name__ + ".steps", SubmitStates)
    steps.message.register(got_title, StateFilter(SubmitStates.title), Magic(F.text))
    steps.message.register(drop_need_button, StateFilter(SubmitStates.dropped))
    router.callback_query.register(drop_pressed, StateFilter(SubmitStates.dropped),
                                   DropCb.filter())
    steps.message.register(title_not_text, StateFilter(SubmitStates.title))
    steps.message.register(got_document, StateFilter(SubmitStates.document), Magic(F.document))
    steps.message.register(not_a_document, StateFilter(SubmitStates.document))
    steps.message.register(checklist_skip, StateFilter(SubmitStates.checklist), Command("skip"))
    steps.message.register(checklist_need_buttons, StateFilter(SubmitStates.checklist))
    in_checklist = StateFilter(SubmitStates.checklist)
    router.callback_query.register(checklist.toggled, in_checklist,
                                   ChecklistCb.filter(F.action == ChecklistAction.TOGGLE))
    router.callback_query.register(checklist_done, in_checklist,
                                   ChecklistCb.filter(F.action == ChecklistAction.DONE))
    steps.message.register(got_note, StateFilter(SubmitStates.note), Command("skip"))
    steps.message.register(got_note, StateFilter(SubmitStates.note), Magic(F.text))
    steps.message.register(note_not_text, StateFilter(SubmitStates.note))
    router.include_router(steps)
    # Last: a PDF/DOCX with no step waiting; sent as a reply to a version's message it may
    # be a new version or an attachment to that thread (a reply to anything else: dropped).
    router.message.register(replied_file, StateFilter(None),
                            Magic(F.document & F.reply_to_message), RepliesToVersion())
    router.message.register(dropped, StateFilter(None), Magic(F.document))
    return router
