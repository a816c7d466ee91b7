from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Milestone


async def earliest_open(session: AsyncSession, student_id: int, *,
                        lock: bool = False) -> Milestone | None:
    query = (
        select(Milestone)
        .where(Milestone.student_id == student_id, Milestone.submission_id.is_(None))
        .order_by(Milestone.due_at, Milestone.id)
        .limit(1)
    )
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)
