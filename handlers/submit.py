"""/submit: title (first time) → document → optional note → stored and announced."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from handlers.filters import HasRole, Magic, conversation_steps
from handlers.progress import ProgressKit
from handlers.start import LeftStep
from handlers.telegram_files import incoming_document
from handlers.texts import Texts
from services.context import Services
from services.errors import DomainError
from services.submissions import TITLE_MAX, StagedFile, clean_title
from storage.models import Role, User


class SubmitStates(StatesGroup):
    title = State()
    document = State()
    note = State()


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
                        t: Texts) -> None:
    await state.set_state(SubmitStates.document)
    limit_mb = services.deps.config.max_file_bytes // (1024 * 1024)
    await message.answer(t("submit.ask_file", limit_mb=limit_mb))


async def got_title(message: Message, state: FSMContext, services: Services,
                    t: Texts) -> None:
    title = clean_title(message.text)
    await state.update_data(title=title)
    await _ask_document(message, state, services, t)


async def title_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("submit.need_title", max=TITLE_MAX))


async def got_document(message: Message, state: FSMContext, services: Services, user: User,
                       t: Texts, bot: Bot, progress: ProgressKit) -> None:
    document = message.document
    assert document is not None and message.from_user is not None
    incoming = incoming_document(bot, document, "thesis")
    # Refused by its declared size or its name: one plain answer, no progress shown.
    services.submissions.check_incoming(incoming)
    async with progress.upload(bot, message.chat.id, message.from_user.id, message.message_id,
                               t, document.file_size) as upload:
        staged = await services.submissions.stage(user, incoming, upload.on_progress)
        await state.update_data(staged=staged.to_dict())
        await state.set_state(SubmitStates.note)
        await upload.finish(t("submit.ask_note"))


async def not_a_document(message: Message, t: Texts) -> None:
    await message.answer(t("submit.need_document"))


async def got_note(message: Message, state: FSMContext, services: Services, user: User,
                   t: Texts) -> None:
    note = None if (message.text or "").startswith("/skip") else message.text
    data = await state.get_data()
    staged = StagedFile.from_dict(data["staged"])
    try:
        result = await services.submissions.record(user, staged, title=data.get("title"),
                                                   note=note)
    except DomainError:
        # The staged file is gone with the failed attempt: start the step again.
        await state.clear()
        raise
    await state.clear()
    await message.answer(t("submit.received", version=result.submission.version,
                           at=result.submission.submitted_at))


async def note_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("submit.need_text_note"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.STUDENT))
    router.message.register(begin, Command("submit"))
    steps = conversation_steps(__name__ + ".steps", SubmitStates)
    steps.message.register(got_title, StateFilter(SubmitStates.title), Magic(F.text))
    steps.message.register(title_not_text, StateFilter(SubmitStates.title))
    steps.message.register(got_document, StateFilter(SubmitStates.document), Magic(F.document))
    steps.message.register(not_a_document, StateFilter(SubmitStates.document))
    steps.message.register(got_note, StateFilter(SubmitStates.note), Command("skip"))
    steps.message.register(got_note, StateFilter(SubmitStates.note), Magic(F.text))
    steps.message.register(note_not_text, StateFilter(SubmitStates.note))
    router.include_router(steps)
    return router
