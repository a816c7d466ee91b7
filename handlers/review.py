"""Deciding on a version from its buttons.

Approve is one tap: recorded at once (after **Close them** / **Keep open** when earlier
requested changes would stay open), then the card offers **Add comment**, **Add grade** and
**Done**; the student's notice waits for Done or a quiet period (DECISION_QUIET_SECONDS), so
what is added at once goes in the same message. Request changes and Reject ask for the
comment (or a file) → (after Request changes, when earlier requested changes would stay
open: keep them or close them) → recorded. A grade belongs to an approval only."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import (
    ApprovedAction,
    ApprovedCb,
    CarryCb,
    ReviewAction,
    ReviewCb,
)
from handlers.filters import Magic, Registered, conversation_steps
from handlers.keyboards import markup, review_buttons, with_row
from services.compare_jobs import ChangeView
from services.context import Services
from services.errors import AlreadyReviewed, DomainError
from services.reviews import COMMENT_MAX, ReviewResult, clean_comment, parse_grade
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
    carry = State()


class AmendStates(StatesGroup):
    """After one-tap Approve: the comment or the grade being added."""

    comment = State()
    grade = State()


def approved_buttons(t: Texts, submission_id: int) -> InlineKeyboardMarkup:
    keyboard = markup([
        [(t("review.button.add_comment"),
          ApprovedCb(action=ApprovedAction.COMMENT, submission_id=submission_id)),
         (t("review.button.add_grade"),
          ApprovedCb(action=ApprovedAction.GRADE, submission_id=submission_id))],
        [(t("review.button.done"),
          ApprovedCb(action=ApprovedAction.DONE, submission_id=submission_id))]])
    assert keyboard is not None
    return keyboard


def _card_of(query: CallbackQuery) -> dict[str, Any]:
    card = query.message if isinstance(query.message, Message) else None
    return {"card_chat": card.chat.id if card else None,
            "card_message": card.message_id if card else None,
            "card_caption": bool(card and card.document)}


async def pressed(query: CallbackQuery, callback_data: ReviewCb, services: Services,
                  user: User, t: Texts, state: FSMContext, bot: Bot) -> None:
    decision = DECISIONS[callback_data.action]
    if await state.get_state() in (ReviewStates.comment.state, ReviewStates.carry.state):
        asked = await state.get_data()
        if asked.get("submission_id") == callback_data.submission_id \
                and asked.get("decision") == decision.value:
            # A double tap: the question stands, asked once.
            await query.answer(t("review.asked_already"))
            return
    try:
        target = await services.reviews.check_can_review(user, callback_data.submission_id)
    except AlreadyReviewed as exc:
        if decision is Decision.APPROVED and exc.params.get("reviewer_name") == user.full_name \
                and exc.params.get("decision") in (None, Decision.APPROVED.value):
            # A double tap on Approve: recorded once, nothing changes.
            await query.answer(t("review.approved_already"))
            return
        raise
    data: dict[str, Any] = {"submission_id": callback_data.submission_id,
                            "decision": decision.value, **_card_of(query)}
    if decision is Decision.APPROVED:
        before = await services.reviews.open_before(user, callback_data.submission_id)
        if before.total > before.addressed:
            await query.answer()
            # Earlier requested changes this version does not address: close or carry?
            await state.set_state(ReviewStates.carry)
            await state.set_data(data)
            await bot.send_message(query.from_user.id, t(
                "review.ask_carry", total=before.total, addressed=before.addressed,
                left=before.total - before.addressed),
                reply_markup=markup([[(t("review.button.close_them"), CarryCb(keep=False)),
                                      (t("review.button.keep_open"), CarryCb(keep=True))]]))
            return
        # Answered after recording: a refusal (decided meanwhile) is the button's answer.
        await _record(bot, services, user, t, data, keep_open=False)
        await query.answer()
        return
    await query.answer()
    await state.set_state(ReviewStates.comment)
    await state.set_data(data)
    await bot.send_message(query.from_user.id, t(
        "review.ask_comment_required", decision=t(f"decision.{decision.value}"),
        max=COMMENT_MAX, version=target.submission.version, title=target.thesis.title))


async def got_comment(message: Message, state: FSMContext, services: Services, user: User,
                      t: Texts, bot: Bot) -> None:
    decision = Decision((await state.get_data())["decision"])
    comment = clean_comment(decision, message.text)
    await _commented(message, state, services, user, t, bot, comment)


async def got_feedback_file(message: Message, state: FSMContext, services: Services,
                            user: User, t: Texts, bot: Bot) -> None:
    document = message.document
    assert document is not None
    data = await state.get_data()
    staged = await services.reviews.stage_feedback(
        user, data["submission_id"], incoming_document(bot, document, "feedback"))
    comment = clean_comment(Decision.APPROVED, message.caption)
    await state.update_data(feedback=staged.id)  # the file's id only
    await _commented(message, state, services, user, t, bot, comment)


async def skip_comment(message: Message, state: FSMContext) -> None:
    """/skip where Request changes or Reject asks for its comment: the comment is required."""
    clean_comment(Decision((await state.get_data())["decision"]), None)


async def comment_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("review.need_comment"))


async def _commented(message: Message, state: FSMContext, services: Services, user: User,
                     t: Texts, bot: Bot, comment: str | None) -> None:
    """The comment of Request changes or Reject is in: recorded, unless earlier requested
    changes would stay open (then: keep them or close them)."""
    data = {**await state.get_data(), "comment": comment}
    await state.clear()
    if Decision(data["decision"]) is Decision.CHANGES_REQUESTED:
        try:
            before = await services.reviews.open_before(user, data["submission_id"])
        except DomainError:
            before = None  # refused: recording says why (and lets go of a feedback file)
        if before is not None and before.total > before.addressed:
            # Earlier requested changes the version does not address: carry them over?
            await state.set_state(ReviewStates.carry)
            await state.set_data(data)
            await message.answer(
                t("checklist.ask_carry", total=before.total, addressed=before.addressed,
                  left=before.total - before.addressed),
                reply_markup=markup([[(t("checklist.keep"), CarryCb(keep=True)),
                                      (t("checklist.close_all"), CarryCb(keep=False))]]))
            return
    await _record(bot, services, user, t, data, keep_open=True)


async def carry_pressed(query: CallbackQuery, callback_data: CarryCb, state: FSMContext,
                        services: Services, user: User, t: Texts, bot: Bot) -> None:
    data = await state.get_data()
    await state.clear()
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            pass
    await _record(bot, services, user, t, data, keep_open=callback_data.keep)
    await query.answer()


async def carry_skipped(message: Message, state: FSMContext, services: Services, user: User,
                        t: Texts, bot: Bot) -> None:
    data = await state.get_data()
    await state.clear()
    # /skip keeps them open after Request changes; after Approve it closes them.
    await _record(bot, services, user, t, data,
                  keep_open=Decision(data["decision"]) is not Decision.APPROVED)


async def carry_not_pressed(message: Message, state: FSMContext, t: Texts) -> None:
    approving = (await state.get_data()).get("decision") == Decision.APPROVED.value
    await message.answer(t("review.need_carry" if approving else "checklist.need_carry"))


async def _record(bot: Bot, services: Services, user: User, t: Texts, data: dict[str, Any],
                  keep_open: bool) -> None:
    feedback = await services.staged_files.held_id(data["feedback"]) \
        if data.get("feedback") else None
    decision = Decision(data["decision"])
    approving = decision is Decision.APPROVED
    result = await services.reviews.decide(
        user, data["submission_id"], decision, comment=data.get("comment"),
        feedback=feedback, keep_open=keep_open, hold=approving)
    changes = await services.comparisons.view_for(result.target.submission.id,
                                                  result.target.submission.version)
    await _update_cards(bot, t, data, result, changes, follow_up=approving)
    if result.review is None and result.progress is not None:
        await bot.send_message(user.id, t(
            "team.review.waiting", student=result.target.student.full_name,
            version=result.target.submission.version,
            waiting=", ".join(result.progress.waiting)))
        return
    if approving:
        await bot.send_message(user.id, t(
            "review.approved", student=result.target.student.full_name,
            version=result.target.submission.version,
            seconds=round(services.reviews.config.decision_quiet_seconds)))
        return
    await bot.send_message(user.id, t("review.done", decision=t(f"decision.{decision.value}"),
                                      student=result.target.student.full_name,
                                      version=result.target.submission.version))


# --- after one-tap Approve: Add comment, Add grade, Done --------------------------------

async def approved_pressed(query: CallbackQuery, callback_data: ApprovedCb,
                           services: Services, user: User, t: Texts, state: FSMContext,
                           bot: Bot) -> None:
    submission_id = callback_data.submission_id
    if callback_data.action is ApprovedAction.DONE:
        done = await services.reviews.tell_now(user, submission_id)
        await query.answer()
        if await state.get_state() in (AmendStates.comment.state, AmendStates.grade.state):
            await state.clear()
        await _drop_follow_up(query)
        student = done.target.student.full_name
        key = "review.told" if done.released else (
            "review.told_already" if done.decided else "review.vote_done")
        await bot.send_message(user.id, t(key, student=student,
                                          version=done.target.submission.version))
        return
    await services.reviews.hold(user, submission_id)
    await query.answer()
    adding_comment = callback_data.action is ApprovedAction.COMMENT
    await state.set_state(AmendStates.comment if adding_comment else AmendStates.grade)
    await state.set_data({"submission_id": submission_id})
    await bot.send_message(user.id, t("review.add_comment_ask" if adding_comment
                                      else "review.add_grade_ask", max=COMMENT_MAX))


async def _drop_follow_up(query: CallbackQuery) -> None:
    """Add comment / Add grade / Done leave the message Done was pressed on."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    rows = [row for row in message.reply_markup.inline_keyboard
            if not any((b.callback_data or "").startswith(ApprovedCb.__prefix__ + ":")
                       for b in row)]
    try:
        await message.edit_reply_markup(
            reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None)
    except TelegramBadRequest:
        pass


async def amend_comment(message: Message, state: FSMContext, services: Services, user: User,
                        t: Texts) -> None:
    submission_id = (await state.get_data())["submission_id"]
    amended = await services.reviews.amend(user, submission_id, comment=message.text or "")
    await state.clear()
    await _amended(message, t, amended.told, submission_id, "review.comment_added",
                   amended.target.student.full_name)


async def amend_file(message: Message, state: FSMContext, services: Services, user: User,
                     t: Texts, bot: Bot) -> None:
    document = message.document
    assert document is not None
    submission_id = (await state.get_data())["submission_id"]
    staged = await services.reviews.stage_feedback(
        user, submission_id, incoming_document(bot, document, "feedback"), addition=True)
    amended = await services.reviews.amend(user, submission_id, comment=message.caption,
                                           feedback=staged)
    await state.clear()
    await _amended(message, t, amended.told, submission_id, "review.comment_added",
                   amended.target.student.full_name)


async def amend_grade(message: Message, state: FSMContext, services: Services, user: User,
                      t: Texts) -> None:
    grade = parse_grade(message.text or "")
    submission_id = (await state.get_data())["submission_id"]
    amended = await services.reviews.amend(user, submission_id, grade=grade)
    await state.clear()
    await _amended(message, t, amended.told, submission_id, "review.grade_added",
                   amended.target.student.full_name, grade=grade)


async def _amended(message: Message, t: Texts, told: bool, submission_id: int, key: str,
                   student: str, **params: Any) -> None:
    tail = t("review.addition_told" if told else "review.addition_held", student=student)
    await message.answer(t(key, **params) + " " + tail,
                         reply_markup=None if told else approved_buttons(t, submission_id))


async def amend_skip(message: Message, state: FSMContext, t: Texts) -> None:
    submission_id = (await state.get_data())["submission_id"]
    await state.clear()
    await message.answer(t("review.nothing_added"),
                         reply_markup=approved_buttons(t, submission_id))


async def amend_not_text(message: Message, state: FSMContext, t: Texts) -> None:
    grading = await state.get_state() == AmendStates.grade.state
    await message.answer(t("error.invalid_grade" if grading else "review.need_comment"))


async def _update_cards(bot: Bot, t: Texts, data: dict[str, Any], result: ReviewResult,
                        changes: ChangeView | None = None, follow_up: bool = False) -> None:
    """Every member's card of the version shows where it stands: the outcome (review buttons
    gone, so nobody presses them again), or under the rule 'all' who approved and who is
    still to decide (review buttons kept for those only); what changed since the last
    version stays on it, with its 🔍 button. ``follow_up``: the card pressed offers Add
    comment, Add grade and Done (after Approve)."""
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
    pressed_at = None
    if data.get("card_chat") and data.get("card_message"):
        # The card pressed (a delivered card, or an item of /queue).
        pressed_at = (data["card_chat"], data["card_message"])
        places[pressed_at] = bool(data.get("card_caption"))
    for (chat_id, message_id), caption in places.items():
        text = submission_card(
            t, student_name=target.student.full_name, title=target.thesis.title,
            version=target.submission.version, note=target.submission.note,
            submitted_at=target.submission.submitted_at, caption=caption,
            checklist=result.marks, changes=changes) + tail
        keep = result.review is None and result.progress is not None \
            and chat_id in result.progress.waiting_ids
        buttons = review_buttons(t, target.submission.id) if keep else None
        if follow_up and (chat_id, message_id) == pressed_at:
            buttons = approved_buttons(t, target.submission.id)
        buttons = with_row(buttons, changes_button(t, changes, target.submission.id))
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
    router.callback_query.register(approved_pressed, ApprovedCb.filter())
    steps = conversation_steps(__name__ + ".steps", ReviewStates)
    steps.message.register(skip_comment, StateFilter(ReviewStates.comment), Command("skip"))
    steps.message.register(got_comment, StateFilter(ReviewStates.comment), Magic(F.text))
    steps.message.register(got_feedback_file, StateFilter(ReviewStates.comment), Magic(F.document))
    steps.message.register(comment_not_text, StateFilter(ReviewStates.comment))
    steps.message.register(carry_skipped, StateFilter(ReviewStates.carry), Command("skip"))
    steps.message.register(carry_not_pressed, StateFilter(ReviewStates.carry))
    router.callback_query.register(carry_pressed, StateFilter(ReviewStates.carry),
                                   CarryCb.filter())
    router.include_router(steps)
    amending = conversation_steps(__name__ + ".amend", AmendStates)
    amending.message.register(amend_skip, Command("skip"))
    amending.message.register(amend_comment, StateFilter(AmendStates.comment), Magic(F.text))
    amending.message.register(amend_file, StateFilter(AmendStates.comment), Magic(F.document))
    amending.message.register(amend_grade, StateFilter(AmendStates.grade), Magic(F.text))
    amending.message.register(amend_not_text, StateFilter(AmendStates.comment, AmendStates.grade))
    router.include_router(amending)
    return router
