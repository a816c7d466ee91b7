from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def add(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def students_of(session: AsyncSession, supervisor_id: int) -> Sequence[User]:
    query = select(User).where(User.supervisor_id == supervisor_id).order_by(User.full_name)
    return (await session.scalars(query)).all()


async def count_by_role(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(User.role, func.count()).group_by(User.role))
    return {role: count for role, count in rows}


async def set_reachable(session: AsyncSession, user_id: int, reachable: bool) -> None:
    await session.execute(update(User).where(User.id == user_id).values(reachable=reachable))

