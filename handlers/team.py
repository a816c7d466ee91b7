"""The thesis team from /students: who is on it, invites (Add co-supervisor, Add examiner),
Remove, the approval rule (Approval: any / all), and the examiner's Grade."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from handlers.callbacks import TeamAction, TeamCb
from handlers.filters import HasRole, Magic, conversation_steps
from handlers.invites import share_url
from handlers.keyboards import Button, in_rows, markup
from services.context import Services
from services.reviews import parse_grade
from services.submissions import StagedFile
from services.team_management import TeamView
from services.vocabulary import ApprovalRule, Role, TeamRole
from storage.models import User
from telegram.files import incoming_document
from telegram.render import clip
from telegram.texts import Texts

INVITES = {TeamAction.ADD_CO: TeamRole.CO_SUPERVISOR, TeamAction.ADD_EXAMINER: TeamRole.EXAMINER}
RULES = {TeamAction.RULE_ANY: ApprovalRule.ANY, TeamAction.RULE_ALL: ApprovalRule.ALL}


class GradeStates(StatesGroup):
    grade = State()
    report = State()


def team_text(t: Texts, view: TeamView) -> str:
    lines = [t("team.view.header", student=view.student.full_name,
               title=clip(view.thesis.title, 200) if view.thesis else None)]
    lines += [t("team.view.member", name=m.user.full_name, role=t(f"team.role.{m.role.value}"),
                inactive=t.raw("team.view.inactive") if not m.active else None)
              for m in view.members]
    lines.append(t(f"team.view.rule.{view.rule.value}"))
    if view.grade is not None:
        lines.append(t("team.view.grade", grade=view.grade.grade))
    return "\n".join(lines)


def team_buttons(t: Texts, view: TeamView) -> InlineKeyboardMarkup | None:
    student_id = view.student.id
    rows: list[list[Button]] = []
    if view.can_manage:
        invite_row: list[Button] = [(t("team.button.add_co"),
                       TeamCb(action=TeamAction.ADD_CO, student_id=student_id))]
        if not any(m.role is TeamRole.EXAMINER for m in view.members):
            invite_row.append((t("team.button.add_examiner"),
                               TeamCb(action=TeamAction.ADD_EXAMINER, student_id=student_id)))
        rows.append(invite_row)
        if view.thesis is not None:
            rows.append([(t("team.button.rule_any"),
                          TeamCb(action=TeamAction.RULE_ANY, student_id=student_id)),
                         (t("team.button.rule_all"),
                          TeamCb(action=TeamAction.RULE_ALL, student_id=student_id))])
        rows += in_rows(((t("team.button.remove", name=clip(m.user.full_name, 40)),
                          TeamCb(action=TeamAction.REMOVE, student_id=student_id,
                                 member_id=m.user.id))
                         for m in view.members if m.role is not TeamRole.SUPERVISOR), 2)
    if view.can_grade:
        rows.append([(t("team.button.grade"),
                      TeamCb(action=TeamAction.GRADE, student_id=student_id))])
    return markup(rows)


async def pressed(query: CallbackQuery, callback_data: TeamCb, services: Services,
                  user: User, t: Texts, bot: Bot, state: FSMContext) -> None:
    action, student_id = callback_data.action, callback_data.student_id
    if action is TeamAction.VIEW:
        view = await services.teams.view(user, student_id)
        await query.answer()
        await bot.send_message(user.id, team_text(t, view), reply_markup=team_buttons(t, view))
    elif action in INVITES:
        role = INVITES[action]
        invite = await services.teams.invite(user, student_id, role)
        await query.answer()
        me = await bot.me()
        link = f"https://t.me/{me.username}?start={invite.code}"
        share = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=t("invite.share_button"), url=share_url(link, t("invite.share_text")))]])
        view = await services.teams.view(user, student_id)
        await bot.send_message(user.id, t("team.invite.created",
                                          role=t(f"team.role.{role.value}"),
                                          student=view.student.full_name, link=link,
                                          expires=invite.expires_at),
                               reply_markup=share, disable_web_page_preview=True)
    elif action is TeamAction.REMOVE:
        student, removed = await services.teams.remove(user, student_id, callback_data.member_id)
        await query.answer()
        await bot.send_message(user.id, t("team.removed", member=removed.full_name,
                                          student=student.full_name))
    elif action in RULES:
        rule = RULES[action]
        await services.teams.set_rule(user, student_id, rule)
        await query.answer()
        view = await services.teams.view(user, student_id)
        await bot.send_message(user.id, t("team.rule.set", student=view.student.full_name,
                                          rule=t(f"team.view.rule.{rule.value}")))
    elif action is TeamAction.GRADE:
        student, thesis = await services.teams.check_can_grade(user, student_id)
        await query.answer()
        await state.set_state(GradeStates.grade)
        await state.set_data({"student_id": student_id})
        await bot.send_message(user.id, t("team.grade.ask", student=student.full_name,
                                          title=thesis.title))


async def got_grade(message: Message, state: FSMContext, t: Texts) -> None:
    grade = parse_grade(message.text or "")
    await state.update_data(grade=grade)
    await state.set_state(GradeStates.report)
    await message.answer(t("team.grade.ask_report"))


async def grade_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("error.invalid_grade"))


async def got_report_text(message: Message, state: FSMContext, services: Services,
                          user: User, t: Texts) -> None:
    await _record(message, state, services, user, t, report=message.text, file=None)


async def got_report_file(message: Message, state: FSMContext, services: Services,
                          user: User, t: Texts, bot: Bot) -> None:
    assert message.document is not None
    data = await state.get_data()
    staged = await services.teams.stage_report(
        user, data["student_id"], incoming_document(bot, message.document, "report"))
    # Kept in the conversation under "feedback", so /cancel discards it like any feedback.
    await state.update_data(feedback=staged.to_dict())
    await _record(message, state, services, user, t, report=message.caption, file=staged)


async def report_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("team.grade.ask_report"))


async def _record(message: Message, state: FSMContext, services: Services, user: User,
                  t: Texts, report: str | None, file: StagedFile | None) -> None:
    data = await state.get_data()
    await state.clear()
    student, row = await services.teams.grade(user, data["student_id"], data["grade"],
                                              report, file)
    await message.answer(t("team.grade.done", grade=row.grade, student=student.full_name))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.callback_query.register(pressed, TeamCb.filter())
    steps = conversation_steps(__name__ + ".steps", GradeStates)
    steps.message.register(got_grade, StateFilter(GradeStates.grade), Magic(F.text))
    steps.message.register(grade_not_text, StateFilter(GradeStates.grade))
    steps.message.register(got_report_text, StateFilter(GradeStates.report), Magic(F.text))
    steps.message.register(got_report_file, StateFilter(GradeStates.report),
                           Magic(F.document))
    steps.message.register(report_not_text, StateFilter(GradeStates.report))
    router.include_router(steps)
    return router
