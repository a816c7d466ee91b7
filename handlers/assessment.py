"""The assessment in the chat: /scheme and /statement (admins), the student's declaration,
a marker's component marks and report (the examiner's **Grade** leads here), the marks side
by side, proposals, a third marker, and **Release**."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from handlers.callbacks import AssessAction, AssessCb
from handlers.filters import HasRole, Magic, Registered, conversation_steps
from handlers.keyboards import Button, in_rows, markup
from handlers.receipts import send_receipt
from services.assessment import Board, Released
from services.assessment_rules import InvalidMark, SchemeRules, describe, parse_mark
from services.context import Services
from services.vocabulary import Role
from storage.models import User
from telegram.files import incoming_document
from telegram.notifications import grade_text
from telegram.pdf import protocol_pdf
from telegram.render import clip
from telegram.texts import Texts, languages


class MarkStates(StatesGroup):
    mark = State()
    report = State()


class ProposeStates(StatesGroup):
    total = State()


class ReopenGradeStates(StatesGroup):
    reason = State()


def scheme_text(t: Texts, version: int, rules: SchemeRules) -> str:
    return t("assess.scheme.current", version=version, scheme=describe(rules))


def board_text(t: Texts, board: Board) -> str:
    lines = [t("assess.board.header", student=board.student.full_name,
               title=clip(board.thesis.title, 200))]
    if not board.open:
        lines.append(t("assess.board.hidden"))
        return "\n".join(lines)
    for marker, row in board.sets:
        marks = ", ".join(f"{name} {row.marks.get(name, '–')}" for name in board.rules.names)
        lines.append(t("assess.board.line", name=marker.user.full_name,
                       role=t(f"assess.role.{marker.role.value}"), marks=marks,
                       total=f"{row.total:g}"))
    if board.agreed is not None:
        lines.append(t("assess.board.agreed", grade=grade_text(t, board.rules.scale.value,
                                                                board.agreed)))
    elif board.proposal is not None:
        lines.append(t("assess.board.proposal", name=board.proposer or "?",
                       total=f"{board.proposal:g}"))
    return "\n".join(lines)


def board_buttons(t: Texts, board: Board, user: User) -> list[list[Button]]:
    sid = board.student.id
    rows: list[list[Button]] = []
    marker = any(m.user.id == user.id for m in board.markers)
    if board.state.value == "disagreed" and marker:
        row: list[Button] = [(t("assess.button.propose"),
                              AssessCb(action=AssessAction.PROPOSE, student_id=sid))]
        if board.proposal is not None:
            row.insert(0, (t("assess.button.accept"),
                           AssessCb(action=AssessAction.ACCEPT, student_id=sid)))
        rows.append(row)
    if board.may_release:
        rows.append([(t("assess.button.release"),
                      AssessCb(action=AssessAction.RELEASE, student_id=sid))])
    if board.state.value == "released" and user.role == Role.ADMIN.value:
        rows.append([(t("assess.button.reopen"),
                      AssessCb(action=AssessAction.REOPEN, student_id=sid))])
    return rows


def released_lines(t: Texts, view: Released) -> list[str]:
    """What the student is told at Release (and sees in /history after it)."""
    total = view.assessment.agreed_total or 0.0
    lines = [t("assess.released.header", title=clip(view.thesis.title, 200),
               grade=grade_text(t, view.rules.scale.value, total))]
    lines += [t("assess.released.component", name=name, mark=f"{mark:g}")
              for name, mark in view.components.items()]
    for name, role, row in view.reports:
        lines.append(t("assess.released.report", name=name, role=t(f"assess.role.{role.value}"),
                       text=clip(row.report or "", 1500),
                       file=row.report_file_name or ""))
    return lines


# --- admins: the scheme and the statement ---------------------------------------------------

async def scheme(message: Message, command: CommandObject, services: Services, user: User,
                 t: Texts) -> None:
    if command.args:
        version, rules = await services.assessment.set_scheme(user, command.args)
        await message.answer(t("assess.scheme.saved") + "\n" + scheme_text(t, version, rules))
        return
    version, rules = await services.assessment.current_rules()
    await message.answer(scheme_text(t, version, rules) + "\n\n" + t("assess.scheme.usage"))


async def statement(message: Message, command: CommandObject, services: Services,
                    user: User, t: Texts) -> None:
    language, _, text = (command.args or "").strip().partition(" ")
    if language not in languages() or not text.strip():
        await message.answer(t("assess.statement.usage", languages=", ".join(languages())))
        return
    await services.assessment.set_statement(user, language, text)
    await message.answer(t("assess.statement.saved", language=language))


# --- the student's declaration --------------------------------------------------------------

async def declare(query: CallbackQuery, services: Services, user: User, t: Texts) -> None:
    text = await services.assessment.statement(user.language) or t("assess.declaration.default")
    thesis, row = await services.assessment.declare(user, text)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(t("assess.declaration.done", title=thesis.title,
                                     sha256=row.sha256))
        # The receipt of the version declared, signed.
        await send_receipt(query.message, services, user, t, None)


# --- marking ----------------------------------------------------------------------------------

async def start_marking(query: CallbackQuery, student_id: int, services: Services,
                        user: User, t: Texts, state: FSMContext, bot: Bot) -> None:
    start = await services.assessment.start_marking(user, student_id)
    await query.answer()
    names = [c.name for c in start.components]
    weights = [c.weight for c in start.components]
    await state.set_state(MarkStates.mark)
    await state.set_data({"student_id": student_id, "names": names, "weights": weights,
                          "marks": {}})
    await bot.send_message(user.id, t("assess.mark.intro", student=start.student.full_name,
                                      title=start.thesis.title, count=len(names)))
    await bot.send_message(user.id, _ask(t, names, weights, 0))


def _ask(t: Texts, names: list[str], weights: list[int], index: int) -> str:
    return t("assess.mark.ask", name=names[index], weight=weights[index],
             position=index + 1, count=len(names))


async def got_mark(message: Message, state: FSMContext, t: Texts) -> None:
    data = await state.get_data()
    names: list[str] = data["names"]
    marks: dict[str, int] = data["marks"]
    try:
        value = parse_mark(message.text or "")
    except InvalidMark:
        await message.answer(t("error.assessment_invalid_mark"))
        return
    marks[names[len(marks)]] = value
    await state.update_data(marks=marks)
    if len(marks) < len(names):
        await message.answer(_ask(t, names, data["weights"], len(marks)))
        return
    await state.set_state(MarkStates.report)
    await message.answer(t("assess.mark.ask_report"))


async def mark_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("error.assessment_invalid_mark"))


async def got_report_text(message: Message, state: FSMContext, services: Services,
                          user: User, t: Texts) -> None:
    await _submit(message, state, services, user, t, message.text, None)


async def got_report_file(message: Message, state: FSMContext, services: Services,
                          user: User, t: Texts, bot: Bot) -> None:
    assert message.document is not None
    data = await state.get_data()
    staged = await services.assessment.stage_report(
        user, data["student_id"], incoming_document(bot, message.document, "report"))
    await state.update_data(feedback=staged.id)  # the file's id only
    await _submit(message, state, services, user, t, message.caption, staged.id)


async def report_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("assess.mark.ask_report"))


async def _submit(message: Message, state: FSMContext, services: Services, user: User,
                  t: Texts, report: str | None, file: int | None) -> None:
    data = await state.get_data()
    await state.clear()
    outcome = await services.assessment.submit(user, data["student_id"], data["marks"],
                                               report, file)
    await message.answer(t("assess.mark.done", student=outcome.student.full_name,
                           total=f"{outcome.total:g}", state=t(f"assess.after.{outcome.state}")))


# --- the board, proposals, the third marker, release --------------------------------------

async def pressed(query: CallbackQuery, callback_data: AssessCb, services: Services,
                  user: User, t: Texts, state: FSMContext, bot: Bot) -> None:
    action, sid = callback_data.action, callback_data.student_id
    if action is AssessAction.DECLARE:
        await declare(query, services, user, t)
    elif action is AssessAction.MARK:
        await start_marking(query, sid, services, user, t, state, bot)
    elif action is AssessAction.BOARD:
        board = await services.assessment.board(user, sid)
        await query.answer()
        await bot.send_message(user.id, board_text(t, board),
                               reply_markup=markup(board_buttons(t, board, user)))
    elif action is AssessAction.PROPOSE:
        await services.assessment.board(user, sid)  # may they see it at all
        await query.answer()
        await state.set_state(ProposeStates.total)
        await state.set_data({"student_id": sid})
        await bot.send_message(user.id, t("assess.propose.ask"))
    elif action is AssessAction.ACCEPT:
        outcome = await services.assessment.accept(user, sid)
        await query.answer()
        await bot.send_message(user.id, t("assess.accepted", total=f"{outcome.total:g}",
                                          state=t(f"assess.after.{outcome.state}")))
    elif action is AssessAction.RELEASE:
        student, _total = await services.assessment.release(user, sid)
        await query.answer()
        await bot.send_message(user.id, t("assess.release.done", student=student.full_name))
        await send_protocol(bot, services, user, t, sid)
    elif action is AssessAction.APPOINT:
        await appoint(query, callback_data, services, user, t, bot)
    elif action is AssessAction.REOPEN:
        board = await services.assessment.board(user, sid)
        if user.role != Role.ADMIN.value or board.state.value != "released":
            await query.answer(t("error.assessment_not_released"), show_alert=True)
            return
        await query.answer()
        await state.set_state(ReopenGradeStates.reason)
        await state.set_data({"student_id": sid})
        await bot.send_message(user.id, t("assess.reopen.ask", student=board.student.full_name,
                                          title=clip(board.thesis.title, 200)))


async def reopen_grade(message: Message, services: Services, user: User, t: Texts) -> None:
    """/reopen_grade (admins): the released grades, one button each."""
    found = await services.assessment.released_recently(user)
    if not found:
        await message.answer(t("assess.reopen.none"))
        return
    buttons = [[(f"{student.full_name[:30]} — {thesis.title[:30]}",
                 AssessCb(action=AssessAction.REOPEN, student_id=student.id))]
               for student, thesis in found]
    await message.answer(t("assess.reopen.pick"), reply_markup=markup(buttons))


async def got_reopen_reason(message: Message, state: FSMContext, services: Services,
                            user: User, t: Texts) -> None:
    reason = (message.text or "").strip()
    if not reason:
        await message.answer(t("assess.reopen.ask_again"))
        return
    data = await state.get_data()
    await state.clear()
    student = await services.assessment.reopen_release(user, data["student_id"], reason)
    await message.answer(t("assess.reopen.done", student=student.full_name))


async def reopen_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("assess.reopen.ask_again"))


async def send_protocol(bot: Bot, services: Services, user: User, t: Texts,
                        student_id: int) -> None:
    """After Release: the protocol PDF, kept with the thesis, and a copy for the releaser."""
    view = await services.assessment.protocol(user, student_id)
    pdf = protocol_pdf(t, view)
    await services.assessment.store_protocol(user, student_id, pdf)
    await bot.send_document(user.id, BufferedInputFile(pdf, filename=f"protocol-{student_id}.pdf"),
                            caption=t("protocol.caption", title=view.released.thesis.title))


async def appoint(query: CallbackQuery, callback_data: AssessCb, services: Services,
                  user: User, t: Texts, bot: Bot) -> None:
    sid = callback_data.student_id
    if callback_data.value == 0:
        student, people = await services.assessment.third_candidates(user, sid)
        await query.answer()
        buttons = in_rows(((p.full_name[:40],
                            AssessCb(action=AssessAction.APPOINT, student_id=sid, value=p.id))
                           for p in people), 2)
        await bot.send_message(user.id, t("assess.appoint.pick", student=student.full_name)
                               if people else t("assess.appoint.nobody"),
                               reply_markup=markup(buttons))
        return
    student, third = await services.assessment.appoint(user, sid, callback_data.value)
    await query.answer()
    await bot.send_message(user.id, t("assess.appoint.done", marker=third.full_name,
                                      student=student.full_name))


async def got_proposal(message: Message, state: FSMContext, services: Services, user: User,
                       t: Texts) -> None:
    try:
        total = parse_mark(message.text or "")
    except InvalidMark:
        await message.answer(t("error.assessment_invalid_mark"))
        return
    data = await state.get_data()
    await state.clear()
    student, proposed = await services.assessment.propose(user, data["student_id"], total)
    await message.answer(t("assess.propose.done", total=f"{proposed:g}",
                           student=student.full_name))


async def proposal_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("error.assessment_invalid_mark"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(scheme, Command("scheme"), HasRole(Role.ADMIN))
    router.message.register(statement, Command("statement"), HasRole(Role.ADMIN))
    router.message.register(reopen_grade, Command("reopen_grade"), HasRole(Role.ADMIN))
    router.callback_query.register(pressed, AssessCb.filter(), Registered())
    steps = conversation_steps(__name__ + ".steps", MarkStates)
    steps.message.register(got_mark, StateFilter(MarkStates.mark), Magic(F.text))
    steps.message.register(mark_not_text, StateFilter(MarkStates.mark))
    steps.message.register(got_report_text, StateFilter(MarkStates.report), Magic(F.text))
    steps.message.register(got_report_file, StateFilter(MarkStates.report), Magic(F.document))
    steps.message.register(report_not_text, StateFilter(MarkStates.report))
    router.include_router(steps)
    propose = conversation_steps(__name__ + ".propose", ProposeStates)
    propose.message.register(got_proposal, StateFilter(ProposeStates.total), Magic(F.text))
    propose.message.register(proposal_not_text, StateFilter(ProposeStates.total))
    router.include_router(propose)
    reopen = conversation_steps(__name__ + ".reopen", ReopenGradeStates)
    reopen.message.register(got_reopen_reason, StateFilter(ReopenGradeStates.reason),
                            Magic(F.text))
    reopen.message.register(reopen_not_text, StateFilter(ReopenGradeStates.reason))
    router.include_router(reopen)
    return router
