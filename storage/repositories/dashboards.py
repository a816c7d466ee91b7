"""Reads for the Mini App's dashboards: pages of students, submission times, weekly counts.

Every query here is bounded by an index or a page: the dashboards are opened by many people
and must cost the same at 1,000 and at 100,000 users.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.vocabulary import TeamRole, ThesisStatus
from storage.models import Submission, Thesis, ThesisMember, User


@dataclass(frozen=True)
class StudentRow:
    student: User
    thesis: Thesis | None
    latest: Submission | None


@dataclass(frozen=True)
class SubmissionPoint:
    student_id: int
    version: int
    submitted_at: datetime


_LATEST = (Submission.thesis_id == Thesis.id) & (Submission.version == Thesis.latest_version) \
    & (Submission.kind == Thesis.stage)


def _students(supervisor_id: int | None, status: str | None) -> list[ColumnElement[bool]]:
    where = [User.role == "student"]
    if supervisor_id is not None:
        # The supervisor's own students and those whose thesis team they are on.
        where.append(User.id.in_(select(ThesisMember.student_id)
                                 .where(ThesisMember.user_id == supervisor_id)))
    if status is not None:
        where.append(Thesis.status == status)
    return where


async def students_page(session: AsyncSession, supervisor_id: int | None, status: str | None,
                        *, offset: int, limit: int) -> list[StudentRow]:
    """Students (of one supervisor, or everyone's), by name, with their thesis and latest
    version; ``status`` keeps only theses in that status."""
    query = (
        select(User, Thesis, Submission)
        .outerjoin(Thesis, Thesis.student_id == User.id)
        .outerjoin(Submission, _LATEST)
        .where(*_students(supervisor_id, status))
        .order_by(User.full_name, User.id).offset(offset).limit(limit)
    )
    return [StudentRow(u, t, s) for u, t, s in await session.execute(query)]


async def count_students(session: AsyncSession, supervisor_id: int | None,
                         status: str | None) -> int:
    query = select(func.count()).select_from(User)
    if status is not None:
        query = query.join(Thesis, Thesis.student_id == User.id)
    return int(await session.scalar(query.where(*_students(supervisor_id, status))) or 0)


async def submission_points(session: AsyncSession,
                            student_ids: Sequence[int]) -> list[SubmissionPoint]:
    """Every version of these students' theses: when it came (for a chart)."""
    if not student_ids:
        return []
    query = (
        select(Thesis.student_id, Submission.version, Submission.submitted_at)
        .join(Submission, Submission.thesis_id == Thesis.id)
        .where(Thesis.student_id.in_(list(student_ids)))
        .order_by(Thesis.student_id, Submission.version)
    )
    return [SubmissionPoint(int(s), int(v), at) for s, v, at in await session.execute(query)]


async def submissions_per_day(session: AsyncSession, since: datetime) -> dict[date, int]:
    """How many versions came each day (UTC) since then: one row a day, whatever the volume."""
    day = func.date(Submission.submitted_at)
    query = select(day, func.count()).where(Submission.submitted_at >= since).group_by(day)
    out: dict[date, int] = {}
    for value, count in await session.execute(query):
        # PostgreSQL returns a date, SQLite its ISO text.
        key = value if isinstance(value, date) else date.fromisoformat(str(value))
        out[key] = int(count)
    return out


async def pending_by_supervisor(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(supervisor id, name, versions waiting for them), most waiting first."""
    supervisor = aliased(User)
    query = (
        select(supervisor.id, supervisor.full_name, func.count())
        .select_from(Thesis)
        .join(ThesisMember, and_(ThesisMember.student_id == Thesis.student_id,
                                 ThesisMember.role == TeamRole.SUPERVISOR.value))
        .join(supervisor, supervisor.id == ThesisMember.user_id)
        .where(Thesis.status == ThesisStatus.SUBMITTED.value)
        .group_by(supervisor.id, supervisor.full_name)
        .order_by(func.count().desc(), supervisor.full_name)
    )
    return [(int(i), str(n), int(c)) for i, n, c in await session.execute(query)]
