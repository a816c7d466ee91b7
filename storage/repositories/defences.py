"""Defences and their participants (services/defence.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Defence, DefenceMember, Thesis


async def of_thesis(session: AsyncSession, thesis_id: int, *,
                    lock: bool = False) -> Defence | None:
    query = select(Defence).where(Defence.thesis_id == thesis_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def get(session: AsyncSession, defence_id: int, *, lock: bool = False) -> Defence | None:
    query = select(Defence).where(Defence.id == defence_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def members(session: AsyncSession, defence_ids: Sequence[int],
                  ) -> Sequence[DefenceMember]:
    if not defence_ids:
        return []
    return (await session.scalars(select(DefenceMember)
                                  .where(DefenceMember.defence_id.in_(defence_ids))
                                  .order_by(DefenceMember.id))).all()


async def member(session: AsyncSession, defence_id: int, user_id: int, *,
                 lock: bool = False) -> DefenceMember | None:
    query = select(DefenceMember).where(DefenceMember.defence_id == defence_id,
                                        DefenceMember.user_id == user_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def drop_members(session: AsyncSession, defence_id: int) -> None:
    await session.execute(delete(DefenceMember).where(DefenceMember.defence_id == defence_id))


async def of_user(session: AsyncSession, user_id: int) -> Sequence[tuple[Defence, Thesis]]:
    """The defences a person takes part in (for their calendar), earliest first."""
    rows = await session.execute(
        select(Defence, Thesis).join(Thesis, Thesis.id == Defence.thesis_id)
        .join(DefenceMember, DefenceMember.defence_id == Defence.id)
        .where(DefenceMember.user_id == user_id).order_by(Defence.starts_at))
    return [(d, t) for d, t in rows.all()]
