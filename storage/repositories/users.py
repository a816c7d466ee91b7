from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def add(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def count_by_role(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(User.role, func.count()).group_by(User.role))
    return {role: count for role, count in rows}


async def set_reachable(session: AsyncSession, user_id: int, reachable: bool) -> None:
    await session.execute(update(User).where(User.id == user_id).values(reachable=reachable))


async def set_role(session: AsyncSession, user_id: int, role: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(role=role))


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(language=language))


# Supervisors first, then students; by name within each.
_PEOPLE_ORDER = (case((User.role == "supervisor", 0), (User.role == "member", 1), else_=2),
                 User.full_name, User.id)


async def people(session: AsyncSession, roles: Sequence[str], *, offset: int,
                 limit: int) -> Sequence[User]:
    query = (select(User).where(User.role.in_(roles)).order_by(*_PEOPLE_ORDER)
             .offset(offset).limit(limit))
    return (await session.scalars(query)).all()


async def count_people(session: AsyncSession, roles: Sequence[str]) -> int:
    return int(await session.scalar(
        select(func.count()).select_from(User).where(User.role.in_(roles))) or 0)


async def set_deactivated(session: AsyncSession, user_id: int, at: datetime | None) -> bool:
    """Deactivate (``at``) or reactivate (None); False when it already was so, which makes
    a double click or two admins at once change (and announce) it only once."""
    changes = User.deactivated_at.is_(None) if at is not None \
        else User.deactivated_at.is_not(None)
    result = await session.execute(
        update(User).where(User.id == user_id, changes).values(deactivated_at=at)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def recipients(session: AsyncSession,
                     ids: Collection[int]) -> dict[int, tuple[str, bool]]:
    """Of these users (the unknown ones left out): their stored language, and whether they
    are deactivated. One query for a whole batch of notifications."""
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.language, User.deactivated_at)
                                 .where(User.id.in_(list(ids))))
    return {user_id: (language, deactivated_at is not None)
            for user_id, language, deactivated_at in rows}


async def active_admins(session: AsyncSession, ids: Collection[int]) -> Sequence[User]:
    """The registered, active admins among these ids (the configured ones), by id."""
    if not ids:
        return []
    query = select(User).where(User.id.in_(list(ids)), User.role == "admin",
                               User.deactivated_at.is_(None)).order_by(User.id)
    return (await session.scalars(query)).all()


async def active_with_roles(session: AsyncSession, roles: Sequence[str]) -> Sequence[User]:
    """Every active person of these roles (an admin's message to all supervisors or all)."""
    query = select(User).where(User.role.in_(list(roles)), User.deactivated_at.is_(None)) \
        .order_by(User.id)
    return (await session.scalars(query)).all()


async def by_username(session: AsyncSession, username: str) -> User | None:
    """Someone registered by their Telegram @username (case-insensitive)."""
    return await session.scalar(select(User).where(
        func.lower(User.username) == username.lower()).limit(1))
