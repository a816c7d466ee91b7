"""Theses and their versions (submissions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Review, Submission, Thesis, ThesisStatus, User


@dataclass(frozen=True)
class VersionRow:
    submission: Submission
    review: Review | None


@dataclass(frozen=True)
class PendingRow:
    submission: Submission
    thesis: Thesis
    student: User


async def by_student(session: AsyncSession, student_id: int, *,
                     lock: bool = False) -> Thesis | None:
    query = select(Thesis).where(Thesis.student_id == student_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def add(session: AsyncSession, thesis: Thesis) -> Thesis:
    session.add(thesis)
    await session.flush()
    return thesis


async def latest(session: AsyncSession, thesis: Thesis) -> VersionRow | None:
    if thesis.latest_version == 0:
        return None
    row = (
        await session.execute(
            select(Submission, Review)
            .outerjoin(Review, Review.submission_id == Submission.id)
            .where(Submission.thesis_id == thesis.id, Submission.version == thesis.latest_version)
        )
    ).first()
    return VersionRow(row[0], row[1]) if row else None


async def add_submission(session: AsyncSession, submission: Submission) -> Submission:
    session.add(submission)
    await session.flush()
    return submission


async def versions(session: AsyncSession, thesis_id: int) -> list[VersionRow]:
    rows = await session.execute(
        select(Submission, Review)
        .outerjoin(Review, Review.submission_id == Submission.id)
        .where(Submission.thesis_id == thesis_id)
        .order_by(Submission.version)
    )
    return [VersionRow(s, r) for s, r in rows]


async def submission_with_owner(
    session: AsyncSession, submission_id: int
) -> tuple[Submission, Thesis, User] | None:
    row = (
        await session.execute(
            select(Submission, Thesis, User)
            .join(Thesis, Thesis.id == Submission.thesis_id)
            .join(User, User.id == Thesis.student_id)
            .where(Submission.id == submission_id)
        )
    ).first()
    return (row[0], row[1], row[2]) if row else None


def _pending_query(supervisor_id: int | None) -> Select[Submission, Thesis, User]:
    # A thesis in status "submitted" has exactly one waiting version, its latest (a decision
    # and its status change share a transaction), and its updated_at is when that version
    # came. Driving the query from theses keeps it independent of how many versions exist.
    query = (
        select(Submission, Thesis, User)
        .select_from(Thesis)
        .join(Submission, (Submission.thesis_id == Thesis.id)
              & (Submission.version == Thesis.latest_version))
        .join(User, User.id == Thesis.student_id)
        .where(Thesis.status == ThesisStatus.SUBMITTED.value)
    )
    if supervisor_id is not None:
        query = query.where(User.supervisor_id == supervisor_id)
    return query


async def pending(
    session: AsyncSession, supervisor_id: int | None, *, offset: int = 0, limit: int = 10
) -> list[PendingRow]:
    query = (
        _pending_query(supervisor_id)
        .order_by(Thesis.updated_at, Thesis.id)
        .offset(offset)
        .limit(limit)
    )
    rows = await session.execute(query)
    return [PendingRow(s, t, u) for s, t, u in rows]


async def count_pending(session: AsyncSession, supervisor_id: int | None) -> int:
    query = select(func.count()).select_from(Thesis).where(
        Thesis.status == ThesisStatus.SUBMITTED.value)
    if supervisor_id is not None:
        query = query.join(User, User.id == Thesis.student_id).where(
            User.supervisor_id == supervisor_id)
    return int(await session.scalar(query) or 0)


async def pending_older_than(session: AsyncSession, before: datetime) -> list[PendingRow]:
    query = (
        _pending_query(None)
        .where(Thesis.updated_at < before)
        .order_by(User.supervisor_id, Thesis.updated_at)
    )
    rows = await session.execute(query)
    return [PendingRow(s, t, u) for s, t, u in rows]


async def set_status(session: AsyncSession, thesis_id: int, status: str, now: datetime) -> None:
    await session.execute(
        update(Thesis).where(Thesis.id == thesis_id).values(status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def overview(session: AsyncSession,
                   supervisor_id: int) -> list[tuple[User, Thesis | None, Submission | None]]:
    query = (
        select(User, Thesis, Submission)
        .outerjoin(Thesis, Thesis.student_id == User.id)
        .outerjoin(
            Submission,
            (Submission.thesis_id == Thesis.id) & (Submission.version == Thesis.latest_version),
        )
        .where(User.supervisor_id == supervisor_id)
        .order_by(User.full_name, User.id)
    )
    return [(u, t, s) for u, t, s in await session.execute(query)]


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Thesis.status, func.count()).group_by(Thesis.status))
    return {status: count for status, count in rows}


async def count_submissions_since(session: AsyncSession, since: datetime) -> int:
    query = select(func.count()).select_from(Submission).where(Submission.submitted_at >= since)
    return int(await session.scalar(query) or 0)
