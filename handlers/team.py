"""The thesis team from /students: who is on it, invites (Add co-supervisor, Add examiner),
Remove, the approval rule (Approval: any / all), and **Grade** (a marker's component marks,
handlers/assessment.py) with **Marks** (side by side once every marker has submitted)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from handlers.assessment import start_marking
from handlers.callbacks import (
    AssessAction,
    AssessCb,
    DefenceAction,
    DefenceCb,
    TeamAction,
    TeamCb,
)
from handlers.filters import HasRole
from handlers.invites import share_url
from handlers.keyboards import Button, in_rows, markup
from services.context import Services
from services.team_management import TeamView
from services.vocabulary import ApprovalRule, Role, TeamRole, ThesisStatus
from storage.models import User
from telegram.qr import qr_png
from telegram.render import clip
from telegram.texts import Texts

INVITES = {TeamAction.ADD_CO: TeamRole.CO_SUPERVISOR, TeamAction.ADD_EXAMINER: TeamRole.EXAMINER}
RULES = {TeamAction.RULE_ANY: ApprovalRule.ANY, TeamAction.RULE_ALL: ApprovalRule.ALL}
# Statuses in which a thesis has an assessment (Marks shows it).
ASSESSED = (ThesisStatus.FINAL.value, ThesisStatus.RELEASED.value)


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


def team_buttons(t: Texts, view: TeamView, may_mark: bool = False,
                 assessed: bool = False) -> InlineKeyboardMarkup | None:
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
    assessing: list[Button] = []
    if may_mark:
        assessing.append((t("team.button.grade"),
                          TeamCb(action=TeamAction.GRADE, student_id=student_id)))
    if assessed:
        assessing.append((t("assess.button.board"),
                          AssessCb(action=AssessAction.BOARD, student_id=student_id)))
    rows.append(assessing)
    if view.can_manage and view.thesis is not None \
            and view.thesis.status == ThesisStatus.FINAL.value:
        rows.append([(t("defence.button.schedule"),
                      DefenceCb(action=DefenceAction.SCHEDULE, student_id=student_id))])
    return markup(rows)


async def pressed(query: CallbackQuery, callback_data: TeamCb, services: Services,
                  user: User, t: Texts, bot: Bot, state: FSMContext) -> None:
    action, student_id = callback_data.action, callback_data.student_id
    if action is TeamAction.VIEW:
        view = await services.teams.view(user, student_id)
        may_mark = await services.assessment.may_mark(user, student_id)
        await query.answer()
        await bot.send_message(user.id, team_text(t, view), reply_markup=team_buttons(
            t, view, may_mark, view.thesis is not None and view.thesis.status in ASSESSED))
    elif action in INVITES:
        role = INVITES[action]
        invite = await services.teams.invite(user, student_id, role)
        await query.answer()
        me = await bot.me()
        link = f"https://t.me/{me.username}?start={invite.code}"
        share = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=t("invite.share_button"), url=share_url(link, t("invite.share_text")))]])
        view = await services.teams.view(user, student_id)
        await bot.send_photo(user.id, BufferedInputFile(qr_png(link), "invite.png"),
                             caption=t("team.invite.created",
                                       role=t(f"team.role.{role.value}"),
                                       student=view.student.full_name, link=link,
                                       expires=invite.expires_at),
                             reply_markup=share)
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
        await start_marking(query, student_id, services, user, t, state, bot)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.callback_query.filter(HasRole(Role.SUPERVISOR, Role.MEMBER, Role.ADMIN))
    router.callback_query.register(pressed, TeamCb.filter())
    return router
