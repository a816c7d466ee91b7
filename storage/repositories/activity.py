"""Students with their thesis, latest version, signs of life and lateness, in one statement
for any number of students (``/students``, ``/message``'s filters, the silent digest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BindParameter, Select, Subquery, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import (
    Meeting,
    MeetingParticipant,
    Milestone,
    Submission,
    Thesis,
    ThesisMember,
    ThreadMessage,
    User,
)
from storage.repositories.milestones import OPEN


@dataclass(frozen=True)
class Activity:
    overdue_since: datetime | None = None  # the earliest own due time of an overdue milestone
    last_comment_at: datetime | None = None  # the student's last comment in a thread
    last_meeting_at: datetime | None = None  # the last meeting they were in, already begun


@dataclass(frozen=True)
class StudentActivity:
    member_id: int  # whose team list this row is in
    role: str  # the member's role on the student's team
    student: User
    thesis: Thesis | None
    latest: Submission | None
    activity: Activity


def _scoped(query: Select[int, datetime], column: InstrumentedAttribute[int],
            member_id: int | BindParameter[Any] | None) -> Subquery:
    """Grouped per student; only the students on this user's teams (None: every student),
    so that the aggregate reads their rows only."""
    if member_id is not None:
        query = query.where(column.in_(
            select(ThesisMember.student_id).where(ThesisMember.user_id == member_id)))
    return query.subquery()


def _signals(member_id: int | BindParameter[Any] | None, now: datetime | BindParameter[Any],
             ) -> tuple[Subquery, Subquery, Subquery]:
    overdue = _scoped(
        select(Milestone.student_id.label("student_id"),
               func.min(Milestone.own_due_at).label("at"))
        .where(*OPEN, Milestone.own_due_at <= now).group_by(Milestone.student_id),
        Milestone.student_id, member_id)
    comments = _scoped(
        select(Thesis.student_id.label("student_id"),
               func.max(ThreadMessage.created_at).label("at"))
        .join(Submission, Submission.id == ThreadMessage.submission_id)
        .join(Thesis, Thesis.id == Submission.thesis_id)
        .where(ThreadMessage.author_id == Thesis.student_id).group_by(Thesis.student_id),
        Thesis.student_id, member_id)
    meetings = _scoped(
        select(MeetingParticipant.student_id.label("student_id"),
               func.max(Meeting.starts_at).label("at"))
        .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
        .where(Meeting.cancelled_at.is_(None), Meeting.starts_at <= now)
        .group_by(MeetingParticipant.student_id),
        MeetingParticipant.student_id, member_id)
    return overdue, comments, meetings


def _students_query(scoped: bool) -> Select[Any]:
    """``students_of``'s statement, built once with bound parameters (``now``, and
    ``member_id`` when ``scoped``): building it took more CPU than PostgreSQL takes to run it
    (issue 33)."""
    member_id: BindParameter[int] | None = bindparam("member_id") if scoped else None
    overdue, comments, meetings = _signals(member_id, bindparam("now"))
    member = ThesisMember.student_id == User.id
    if member_id is not None:
        member = and_(member, ThesisMember.user_id == member_id)
    return (
        select(ThesisMember.user_id, ThesisMember.role, User, Thesis, Submission,
               overdue.c.at, comments.c.at, meetings.c.at)
        .select_from(User)
        .join(ThesisMember, member)
        .outerjoin(Thesis, Thesis.student_id == User.id)
        .outerjoin(Submission, and_(Submission.thesis_id == Thesis.id,
                                    Submission.version == Thesis.latest_version,
                                    Submission.kind == Thesis.stage))
        .outerjoin(overdue, overdue.c.student_id == User.id)
        .outerjoin(comments, comments.c.student_id == User.id)
        .outerjoin(meetings, meetings.c.student_id == User.id)
        .order_by(ThesisMember.user_id, User.full_name, User.id)
    )


_STUDENTS_OF_MEMBER = _students_query(scoped=True)
_STUDENTS_OF_EVERYONE = _students_query(scoped=False)


async def students_of(session: AsyncSession, member_id: int | None,
                      now: datetime) -> list[StudentActivity]:
    """Every student on this user's teams (None: every team row of every student), with
    their thesis, latest version and activity. One statement."""
    if member_id is None:
        rows = await session.execute(_STUDENTS_OF_EVERYONE, {"now": now})
    else:
        rows = await session.execute(_STUDENTS_OF_MEMBER, {"now": now, "member_id": member_id})
    return [StudentActivity(m, role, student, thesis, latest,
                            Activity(_utc(due), _utc(comment), _utc(met)))
            for m, role, student, thesis, latest, due, comment, met in rows]


@dataclass(frozen=True)
class SignalRow:
    """A student's row as plain values (no ORM objects: the weekly digest reads them all)."""

    member_id: int
    role: str
    student_id: int
    name: str
    joined_at: datetime
    active: bool
    thesis_status: str | None
    thesis_updated_at: datetime | None
    latest_at: datetime | None
    activity: Activity


async def signals_of_all(session: AsyncSession, now: datetime) -> list[SignalRow]:
    """Every team row of every student with what the urgency rules need, as plain values;
    one statement."""
    overdue, comments, meetings = _signals(None, now)
    query = (
        select(ThesisMember.user_id, ThesisMember.role, User.id, User.full_name,
               User.created_at, User.deactivated_at, Thesis.status, Thesis.updated_at,
               Submission.submitted_at, overdue.c.at, comments.c.at, meetings.c.at)
        .select_from(User)
        .join(ThesisMember, ThesisMember.student_id == User.id)
        .outerjoin(Thesis, Thesis.student_id == User.id)
        .outerjoin(Submission, and_(Submission.thesis_id == Thesis.id,
                                    Submission.version == Thesis.latest_version,
                                    Submission.kind == Thesis.stage))
        .outerjoin(overdue, overdue.c.student_id == User.id)
        .outerjoin(comments, comments.c.student_id == User.id)
        .outerjoin(meetings, meetings.c.student_id == User.id)
        .where(User.role == "student")
        .order_by(ThesisMember.user_id, User.full_name, User.id)
    )
    return [SignalRow(m, role, sid, name, joined, gone is None, status, updated, latest,
                      Activity(_utc(due), _utc(comment), _utc(met)))
            for m, role, sid, name, joined, gone, status, updated, latest, due, comment, met
            in await session.execute(query)]


def _utc(moment: datetime | str | None) -> datetime | None:
    """Aggregates may lose the column type (SQLite hands back text or naive times)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
