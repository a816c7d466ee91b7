"""Admin /stats."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers.filters import HasRole
from handlers.texts import Texts
from services.context import Services
from storage.models import Role, User


async def stats(message: Message, services: Services, user: User, t: Texts) -> None:
    result = await services.overview.stats(user)
    users = ", ".join(f"{t(f'role.{role}')}: {count}"
                      for role, count in sorted(result.users_by_role.items())) or t("stats.none")
    theses = ", ".join(f"{t(f'thesis.{status}')}: {count}"
                       for status, count in sorted(result.theses_by_status.items())) \
        or t("stats.none")
    median = f"{result.median_review_hours:.1f} h" if result.median_review_hours is not None \
        else t("stats.none")
    await message.answer(t("stats.view", users=users, theses=theses,
                           week=result.submissions_this_week, median=median))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.ADMIN))
    router.message.register(stats, Command("stats"))
    return router
