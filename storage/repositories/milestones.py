"""Milestones (deadlines) set by supervisors. "Open" means not submitted and not deleted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import ThesisStatus
from storage.models import Milestone, MilestoneExtension, Thesis, User

# "Open": not yet met by a submission, not deleted.
OPEN = (Milestone.submission_id.is_(None), Milestone.deleted_at.is_(None))
# The student's thesis is final: their milestones no longer remind anyone.
_THESIS_FINAL = exists().where(Thesis.student_id == Milestone.student_id,
                               Thesis.status == ThesisStatus.FINAL.value)
# A deactivated student is reminded of nothing (reactivated, of what is still due).
_STUDENT_ACTIVE = exists().where(User.id == Milestone.student_id,
                                 User.deactivated_at.is_(None))


async def earliest_open(session: AsyncSession, student_id: int, *,
                        lock: bool = False) -> Milestone | None:
    query = (
        select(Milestone)
        .where(Milestone.student_id == student_id, *OPEN)
        .order_by(Milestone.own_due_at, Milestone.id)
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
    """Lock these milestones (in id order, so two schedulers never deadlock), if still open
    and their student still active."""
    if not ids:
        return []
    query = (
        select(Milestone).where(Milestone.id.in_(list(ids)), *OPEN, ~_THESIS_FINAL,
                                _STUDENT_ACTIVE)
        .order_by(Milestone.id).with_for_update(of=Milestone)
    )
    return (await session.scalars(query)).all()


async def open_due_between(session: AsyncSession, after: datetime,
                           until: datetime) -> list[Milestone]:
    """Open milestones whose student's own due time is in ``after < due <= until``, the
    students' theses not final: the scheduler's scans. Milestones come by their common due
    time (a bounded window of the partial index ix_milestones_open_due) or by an extension
    in the window; the own due time decides. Deactivated students' milestones are left out."""
    extended = select(MilestoneExtension.milestone_id).where(
        MilestoneExtension.due_at > after, MilestoneExtension.due_at <= until)
    query = (
        select(Milestone).where(
            *OPEN, ~_THESIS_FINAL, _STUDENT_ACTIVE,
            or_(and_(Milestone.due_at > after, Milestone.due_at <= until),
                Milestone.id.in_(extended)))
        .order_by(Milestone.due_at, Milestone.id)
    )
    found = [m for m in (await session.scalars(query)).all() if after < m.own_due_at <= until]
    return sorted(found, key=lambda m: (m.own_due_at, m.id))


async def cohort(session: AsyncSession, milestone: Milestone) -> list[tuple[Milestone, User]]:
    """The rows of one milestone set for several students at once (same supervisor, title
    and moment of creation), with their students."""
    query = (
        select(Milestone, User).join(User, User.id == Milestone.student_id)
        .where(Milestone.supervisor_id == milestone.supervisor_id,
               Milestone.title == milestone.title,
               Milestone.created_at == milestone.created_at,
               Milestone.deleted_at.is_(None))
        .order_by(User.full_name, Milestone.id)
    )
    return [(m, u) for m, u in (await session.execute(query)).all()]


async def cohort_rules(session: AsyncSession, supervisor_id: int,
                       now: datetime) -> list[Milestone]:
    """One row of each milestone this supervisor set for all their students and that is
    still ahead (its latest-set row: a moved cohort moves every row)."""
    query = (
        select(Milestone)
        .where(Milestone.supervisor_id == supervisor_id, Milestone.cohort.is_(True),
               Milestone.deleted_at.is_(None), Milestone.due_at > now)
        .order_by(Milestone.created_at, Milestone.title, Milestone.due_set_at.desc(),
                  Milestone.id.desc())
    )
    rules: dict[tuple[str, datetime], Milestone] = {}
    for milestone in (await session.scalars(query)).all():
        rules.setdefault((milestone.title, milestone.created_at), milestone)
    return list(rules.values())


async def extension(session: AsyncSession, milestone_id: int,
                    student_id: int) -> MilestoneExtension | None:
    return await session.scalar(select(MilestoneExtension).where(
        MilestoneExtension.milestone_id == milestone_id,
        MilestoneExtension.student_id == student_id))


def add_extension(session: AsyncSession, extension_: MilestoneExtension) -> None:
    session.add(extension_)


async def drop_extensions(session: AsyncSession, milestone_id: int) -> None:
    await session.execute(delete(MilestoneExtension)
                          .where(MilestoneExtension.milestone_id == milestone_id))
