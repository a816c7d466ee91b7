"""Admin /stats and /users (people, their status, Deactivate / Reactivate)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import AccessAction, AccessCb, PeoplePageCb, PersonCb
from handlers.filters import HasRole
from handlers.keyboards import people_buttons, person_buttons, with_dashboard
from services.access import AccessChange
from services.context import Services
from services.topics import TopicStats
from services.vocabulary import Role
from storage.models import User
from telegram.texts import Texts


async def stats(message: Message, services: Services, user: User, t: Texts,
                webapp_url: str | None = None) -> None:
    result = await services.overview.stats(user)
    users = ", ".join(f"{t(f'role.{role}')}: {count}"
                      for role, count in sorted(result.users_by_role.items())) or t("stats.none")
    theses = ", ".join(f"{t(f'thesis.{status}')}: {count}"
                       for status, count in sorted(result.theses_by_status.items())) \
        or t("stats.none")
    median = t("stats.median", hours=float(result.median_review_hours)) \
        if result.median_review_hours is not None else t("stats.none")
    promises = await services.promises.tally()
    topics = await services.topics.statistics(user)
    await message.answer(t("stats.view", users=users, theses=theses,
                           week=result.submissions_this_week, median=median)
                         + "\n" + t("promise.stats", kept=promises.kept, broken=promises.broken)
                         + topic_lines(t, topics),
                         reply_markup=with_dashboard(t, None, webapp_url))


def topic_lines(t: Texts, rows: list[TopicStats]) -> str:
    """Topics and applications per supervisor: acceptance rate, days to a decision."""
    if not rows:
        return ""
    lines = [t("stats.topics.header")]
    for row in rows[:40]:
        lines.append(t("stats.topics.line", name=row.supervisor, topics=row.topics,
                       count=row.applications, accepted=row.accepted,
                       rate=f"{row.acceptance_rate:g} %" if row.acceptance_rate is not None
                       else t("stats.none"),
                       days=f"{row.days_to_decision:.1f}" if row.days_to_decision is not None
                       else t("stats.none")))
    return "\n\n" + "\n".join(lines)


async def people(message: Message, services: Services, user: User, t: Texts) -> None:
    await _send_people(message, services, user, t, page=0)


async def people_page(query: CallbackQuery, callback_data: PeoplePageCb, services: Services,
                      user: User, t: Texts) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _send_people(query.message, services, user, t, page=callback_data.page)


async def _send_people(message: Message, services: Services, user: User, t: Texts,
                       page: int) -> None:
    result = await services.access.people(user, page)
    if result.total == 0:
        await message.answer(t("users.none"))
        return
    lines = [t("users.header", total=result.total, page=result.page + 1, pages=result.pages)]
    lines += [t("users.line", name=person.full_name, role=t(f"role.{person.role}"),
                deactivated=t.raw("users.line.deactivated") if person.deactivated_at else None)
              for person in result.people]
    await message.answer("\n".join(lines), reply_markup=people_buttons(
        t, ((person.full_name, person.id) for person in result.people),
        result.page, result.pages))


async def person(query: CallbackQuery, callback_data: PersonCb, services: Services,
                 user: User, t: Texts) -> None:
    found = await services.access.person(user, callback_data.user_id)
    await query.answer()
    await _send_person(query, found, t)


async def change_access(query: CallbackQuery, callback_data: AccessCb, services: Services,
                        user: User, t: Texts) -> None:
    deactivate = callback_data.action is AccessAction.DEACTIVATE
    change: AccessChange = await (services.access.deactivate if deactivate
                                  else services.access.reactivate)(user, callback_data.user_id)
    done = "deactivated" if deactivate else "reactivated"
    key = f"users.{done}" if change.changed else f"users.already_{done}"
    await query.answer(t(key, name=change.person.full_name))
    if isinstance(query.message, Message):
        await query.message.answer(t(key, name=change.person.full_name)
                                   + (t("users.invites_revoked", count=change.invites_revoked)
                                      if change.invites_revoked else ""))
    await _send_person(query, change.person, t)


async def _send_person(query: CallbackQuery, person: User, t: Texts) -> None:
    if not isinstance(query.message, Message):
        return
    status = t("users.status.deactivated", at=person.deactivated_at) if person.deactivated_at \
        else t("users.status.active")
    await query.message.answer(
        t("users.person", name=person.full_name,
          username=t.raw("users.username", username=person.username) if person.username
          else None, role=t(f"role.{person.role}"), status=status),
        reply_markup=person_buttons(t, person.id, active=person.deactivated_at is None))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN))
    router.callback_query.filter(HasRole(Role.ADMIN))
    router.message.register(stats, Command("stats"))
    router.message.register(people, Command("users"))
    router.callback_query.register(people_page, PeoplePageCb.filter())
    router.callback_query.register(person, PersonCb.filter())
    router.callback_query.register(change_access, AccessCb.filter())
    return router
