"""Deciding on a version from its buttons: comment (or file) → optional grade → recorded."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import ReviewAction, ReviewCb
from handlers.changes import changes_button
from handlers.filters import Magic, Registered, conversation_steps
from handlers.keyboards import markup
from handlers.notifications import submission_card
from handlers.telegram_files import incoming_document
from handlers.texts import Texts
from services.comparisons import ChangeView
from services.context import Services
from services.reviews import COMMENT_MAX, clean_comment, parse_grade
from services.submissions import StagedFile
from storage.models import Decision, User

DECISIONS = {
    ReviewAction.APPROVE: Decision.APPROVED,
    ReviewAction.CHANGES: Decision.CHANGES_REQUESTED,
    ReviewAction.REJECT: Decision.REJECTED,
}


class ReviewStates(StatesGroup):
    comment = State()
    grade = State()


async def pressed(query: CallbackQuery, callback_data: ReviewCb, services: Services,
                  user: User, t: Texts, state: FSMContext) -> None:
    decision = DECISIONS[callback_data.action]
    target = await services.reviews.check_can_review(user, callback_data.submission_id)
    await query.answer()
    card = query.message if isinstance(query.message, Message) else None
    await state.set_state(ReviewStates.comment)
    await state.set_data({
        "submission_id": callback_data.submission_id, "decision": decision.value,
        "card_chat": card.chat.id if card else None,
        "card_message": card.message_id if card else None,
        "card_caption": bool(card and card.document),
    })
    params = {"version": target.submission.version, "title": target.thesis.title}
    if decision is Decision.APPROVED:
        text = t("review.ask_comment_optional", **params)
    else:
        text = t("review.ask_comment_required", decision=t(f"decision.{decision.value}"),
                 max=COMMENT_MAX, **params)
    await query.bot.send_message(query.from_user.id, text)  # type: ignore[union-attr]


async def skip_comment(message: Message, state: FSMContext, t: Texts) -> None:
    decision = Decision((await state.get_data())["decision"])
    clean_comment(decision, None)
    await _ask_grade(message, state, t, comment=None)


async def got_comment(message: Message, state: FSMContext, t: Texts) -> None:
    decision = Decision((await state.get_data())["decision"])
    comment = clean_comment(decision, message.text)
    await _ask_grade(message, state, t, comment=comment)


async def got_feedback_file(message: Message, state: FSMContext, services: Services,
                            user: User, t: Texts, bot: Bot) -> None:
    document = message.document
    assert document is not None
    data = await state.get_data()
    staged = await services.reviews.stage_feedback(
        user, data["submission_id"], incoming_document(bot, document, "feedback"))
    comment = clean_comment(Decision.APPROVED, message.caption)
    await state.update_data(feedback=staged.to_dict())
    await _ask_grade(message, state, t, comment=comment)


async def comment_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("review.need_comment"))


async def _ask_grade(message: Message, state: FSMContext, t: Texts,
                     comment: str | None) -> None:
    await state.update_data(comment=comment)
    await state.set_state(ReviewStates.grade)
    await message.answer(t("review.ask_grade"))


async def got_grade(message: Message, state: FSMContext, services: Services, user: User,
                    t: Texts, bot: Bot) -> None:
    grade = None
    if not (message.text or "").startswith("/skip"):
        grade = parse_grade(message.text or "")
    data = await state.get_data()
    await state.clear()
    feedback = StagedFile.from_dict(data["feedback"]) if data.get("feedback") else None
    decision = Decision(data["decision"])
    result = await services.reviews.decide(
        user, data["submission_id"], decision, comment=data.get("comment"),
        feedback=feedback, grade=grade)
    changes = await services.comparisons.view_for(result.target.submission.id,
                                                  result.target.submission.version)
    await _close_card(bot, t, data, result, changes)
    await message.answer(t("review.done", decision=t(f"decision.{decision.value}"),
                           student=result.target.student.full_name,
                           version=result.target.submission.version))


async def grade_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("error.invalid_grade"))


async def _close_card(bot: Bot, t: Texts, data: dict[str, Any], result: Any,
                      changes: ChangeView | None = None) -> None:
    """Replace the card's buttons with the outcome, so nobody presses them again (what
    changed since the last version stays on it, and its 🔍 button)."""
    if not data.get("card_chat") or not data.get("card_message"):
        return
    target = result.target
    text = submission_card(
        t, student_name=target.student.full_name, title=target.thesis.title,
        version=target.submission.version, note=target.submission.note,
        submitted_at=target.submission.submitted_at, caption=data.get("card_caption", False),
        changes=changes,
    ) + t("card.outcome", decision=t(f"decision.{result.review.decision}"),
          reviewer=result.reviewer.full_name, at=result.review.created_at)
    buttons = markup([changes_button(t, changes, target.submission.id)])
    try:
        if data.get("card_caption"):
            await bot.edit_message_caption(chat_id=data["card_chat"],
                                           message_id=data["card_message"], caption=text,
                                           reply_markup=buttons)
        else:
            await bot.edit_message_text(text, chat_id=data["card_chat"],
                                        message_id=data["card_message"], reply_markup=buttons)
    except TelegramBadRequest:
        # The card may be too old to edit or already edited; the decision stands.
        pass


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(Registered())
    router.callback_query.register(pressed, ReviewCb.filter())
    steps = conversation_steps(__name__ + ".steps", ReviewStates)
    steps.message.register(skip_comment, StateFilter(ReviewStates.comment), Command("skip"))
    steps.message.register(got_comment, StateFilter(ReviewStates.comment), Magic(F.text))
    steps.message.register(got_feedback_file, StateFilter(ReviewStates.comment), Magic(F.document))
    steps.message.register(comment_not_text, StateFilter(ReviewStates.comment))
    steps.message.register(got_grade, StateFilter(ReviewStates.grade), Command("skip"))
    steps.message.register(got_grade, StateFilter(ReviewStates.grade), Magic(F.text))
    steps.message.register(grade_not_text, StateFilter(ReviewStates.grade))
    router.include_router(steps)
    return router
