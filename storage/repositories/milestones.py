"""Milestones (deadlines) set by supervisors. "Open" means not submitted and not deleted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Milestone, User

# "Open": not yet met by a submission, not deleted.
OPEN = (Milestone.submission_id.is_(None), Milestone.deleted_at.is_(None))


async def earliest_open(session: AsyncSession, student_id: int, *,
                        lock: bool = False) -> Milestone | None:
    query = (
        select(Milestone)
        .where(Milestone.student_id == student_id, *OPEN)
        .order_by(Milestone.due_at, Milestone.id)
        .limit(1)
    )
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


def add(session: AsyncSession, milestone: Milestone) -> Milestone:
    session.add(milestone)
    return milestone


async def get(session: AsyncSession, milestone_id: int, *, lock: bool = False) -> Milestone | None:
    query = select(Milestone).where(Milestone.id == milestone_id, Milestone.deleted_at.is_(None))
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def of_supervisor(session: AsyncSession,
                        supervisor_id: int) -> list[tuple[Milestone, User]]:
    query = (
        select(Milestone, User)
        .join(User, User.id == Milestone.student_id)
        .where(Milestone.supervisor_id == supervisor_id, Milestone.deleted_at.is_(None))
        .order_by(Milestone.due_at, User.full_name, Milestone.id)
    )
    return [(m, u) for m, u in (await session.execute(query)).all()]


_OF_STUDENT = (
    select(Milestone)
    .where(Milestone.student_id == bindparam("student_id"), Milestone.deleted_at.is_(None))
    .order_by(Milestone.due_at, Milestone.id)
)


async def of_student(session: AsyncSession, student_id: int) -> Sequence[Milestone]:
    return (await session.scalars(_OF_STUDENT, {"student_id": student_id})).all()


async def lock_open(session: AsyncSession, ids: Sequence[int]) -> Sequence[Milestone]:
    """Lock these milestones (in id order, so two schedulers never deadlock), if still open."""
    if not ids:
        return []
    query = (
        select(Milestone).where(Milestone.id.in_(list(ids)), *OPEN)
        .order_by(Milestone.id).with_for_update()
    )
    return (await session.scalars(query)).all()


async def open_due_between(session: AsyncSession, after: datetime,
                           until: datetime) -> Sequence[Milestone]:
    """Open milestones with ``after < due_at <= until`` (a bounded window of the partial
    index ix_milestones_open_due: the scheduler's scans)."""
    query = (
        select(Milestone).where(*OPEN, Milestone.due_at > after, Milestone.due_at <= until)
        .order_by(Milestone.due_at, Milestone.id)
    )
    return (await session.scalars(query)).all()
