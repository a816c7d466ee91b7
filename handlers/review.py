"""Deciding on a version from its buttons: comment (or file) → optional grade → (after
Request changes, when earlier requested changes would stay open: keep them or close them) →
recorded."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import CarryCb, ReviewAction, ReviewCb
from handlers.filters import Magic, Registered, conversation_steps
from handlers.keyboards import markup, review_buttons, with_row
from services.compare_jobs import ChangeView
from services.context import Services
from services.errors import DomainError
from services.reviews import COMMENT_MAX, ReviewResult, clean_comment, parse_grade
from services.submissions import StagedFile
from services.vocabulary import Decision
from storage.models import User
from telegram.changes import changes_button
from telegram.files import incoming_document
from telegram.notifications import submission_card
from telegram.render import CAPTION_LIMIT
from telegram.texts import Texts

DECISIONS = {
    ReviewAction.APPROVE: Decision.APPROVED,
    ReviewAction.CHANGES: Decision.CHANGES_REQUESTED,
    ReviewAction.REJECT: Decision.REJECTED,
}


class ReviewStates(StatesGroup):
    comment = State()
    grade = State()
    carry = State()


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
    if Decision(data["decision"]) is Decision.CHANGES_REQUESTED:
        try:
            before = await services.reviews.open_before(user, data["submission_id"])
        except DomainError:
            before = None  # refused: recording says why (and lets go of a feedback file)
        if before is not None and before.total > before.addressed:
            # Earlier requested changes the version does not address: carry them over?
            await state.set_state(ReviewStates.carry)
            await state.set_data({**data, "grade": grade})
            await message.answer(
                t("checklist.ask_carry", total=before.total, addressed=before.addressed,
                  left=before.total - before.addressed),
                reply_markup=markup([[(t("checklist.keep"), CarryCb(keep=True)),
                                      (t("checklist.close_all"), CarryCb(keep=False))]]))
            return
    await _record(bot, services, user, t, {**data, "grade": grade}, keep_open=True)


async def carry_pressed(query: CallbackQuery, callback_data: CarryCb, state: FSMContext,
                        services: Services, user: User, t: Texts, bot: Bot) -> None:
    data = await state.get_data()
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            pass
    await _record(bot, services, user, t, data, keep_open=callback_data.keep)


async def carry_skipped(message: Message, state: FSMContext, services: Services, user: User,
                        t: Texts, bot: Bot) -> None:
    data = await state.get_data()
    await state.clear()
    await _record(bot, services, user, t, data, keep_open=True)


async def carry_not_pressed(message: Message, t: Texts) -> None:
    await message.answer(t("checklist.need_carry"))


async def _record(bot: Bot, services: Services, user: User, t: Texts, data: dict[str, Any],
                  keep_open: bool) -> None:
    feedback = StagedFile.from_dict(data["feedback"]) if data.get("feedback") else None
    decision = Decision(data["decision"])
    result = await services.reviews.decide(
        user, data["submission_id"], decision, comment=data.get("comment"),
        feedback=feedback, grade=data.get("grade"), keep_open=keep_open)
    changes = await services.comparisons.view_for(result.target.submission.id,
                                                  result.target.submission.version)
    await _update_cards(bot, t, data, result, changes)
    if result.review is None and result.progress is not None:
        await bot.send_message(user.id, t(
            "team.review.waiting", student=result.target.student.full_name,
            version=result.target.submission.version,
            waiting=", ".join(result.progress.waiting)))
        return
    await bot.send_message(user.id, t("review.done", decision=t(f"decision.{decision.value}"),
                                      student=result.target.student.full_name,
                                      version=result.target.submission.version))


async def grade_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("error.invalid_grade"))


async def _update_cards(bot: Bot, t: Texts, data: dict[str, Any], result: ReviewResult,
                        changes: ChangeView | None = None) -> None:
    """Every member's card of the version shows where it stands: the outcome (review buttons
    gone, so nobody presses them again), or under the rule 'all' who approved and who is
    still to decide (review buttons kept for those only); what changed since the last
    version stays on it, with its 🔍 button."""
    target = result.target
    if result.review is not None:
        tail = t("card.outcome", decision=t(f"decision.{result.review.decision}"),
                 reviewer=result.reviewer.full_name, at=result.review.created_at)
    elif result.progress is not None:
        tail = t("team.card.progress", approved=", ".join(result.progress.approved),
                 waiting=", ".join(result.progress.waiting))
    else:
        return
    places = {(card.chat_id, card.message_id): card.caption for card in result.cards}
    if data.get("card_chat") and data.get("card_message"):
        # The card pressed (a delivered card, or an item of /queue).
        places[(data["card_chat"], data["card_message"])] = bool(data.get("card_caption"))
    for (chat_id, message_id), caption in places.items():
        text = submission_card(
            t, student_name=target.student.full_name, title=target.thesis.title,
            version=target.submission.version, note=target.submission.note,
            submitted_at=target.submission.submitted_at, caption=caption,
            checklist=result.marks, changes=changes) + tail
        keep = result.review is None and result.progress is not None \
            and chat_id in result.progress.waiting_ids
        buttons = with_row(review_buttons(t, target.submission.id) if keep else None,
                           changes_button(t, changes, target.submission.id))
        await _edit(bot, chat_id, message_id, caption, text, buttons)


async def _edit(bot: Bot, chat_id: int, message_id: int, caption: bool, text: str,
                markup: InlineKeyboardMarkup | None) -> None:
    try:
        if caption:
            await bot.edit_message_caption(chat_id=chat_id, message_id=message_id,
                                           caption=text[:CAPTION_LIMIT], reply_markup=markup)
        else:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                        reply_markup=markup)
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
    steps.message.register(carry_skipped, StateFilter(ReviewStates.carry), Command("skip"))
    steps.message.register(carry_not_pressed, StateFilter(ReviewStates.carry))
    router.callback_query.register(carry_pressed, StateFilter(ReviewStates.carry),
                                   CarryCb.filter())
    router.include_router(steps)
    return router
