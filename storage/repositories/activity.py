"""Students' signs of life and lateness, a few grouped statements for any number of students
(``/students``, ``/message``'s filters, the silent digest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
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
)
from storage.repositories.milestones import OPEN


@dataclass
class Activity:
    overdue_since: datetime | None = None
    last_comment_at: datetime | None = None
    last_meeting_at: datetime | None = None


def _where(query: Select[int, datetime], column: InstrumentedAttribute[int],
           member_id: int | None) -> Select[int, datetime]:
    """Only the students on this user's teams (None: every student)."""
    if member_id is None:
        return query
    return query.where(column.in_(
        select(ThesisMember.student_id).where(ThesisMember.user_id == member_id)))


async def of_students(session: AsyncSession, member_id: int | None,
                      now: datetime) -> dict[int, Activity]:
    """Per student (of this member's teams, or all): the earliest overdue own due time of an
    open milestone, their last comment in a thread, their last meeting already begun.
    Three statements, whatever the number of students."""
    found: dict[int, Activity] = {}
    overdue = _where(
        select(Milestone.student_id, func.min(Milestone.own_due_at))
        .where(*OPEN, Milestone.own_due_at <= now).group_by(Milestone.student_id),
        Milestone.student_id, member_id)
    for student_id, moment in await session.execute(overdue):
        found.setdefault(student_id, Activity()).overdue_since = _utc(moment)
    comments = _where(
        select(Thesis.student_id, func.max(ThreadMessage.created_at))
        .join(Submission, Submission.id == ThreadMessage.submission_id)
        .join(Thesis, Thesis.id == Submission.thesis_id)
        .where(ThreadMessage.author_id == Thesis.student_id).group_by(Thesis.student_id),
        Thesis.student_id, member_id)
    for student_id, moment in await session.execute(comments):
        found.setdefault(student_id, Activity()).last_comment_at = _utc(moment)
    meetings = _where(
        select(MeetingParticipant.student_id, func.max(Meeting.starts_at))
        .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
        .where(Meeting.cancelled_at.is_(None), Meeting.starts_at <= now)
        .group_by(MeetingParticipant.student_id),
        MeetingParticipant.student_id, member_id)
    for student_id, moment in await session.execute(meetings):
        found.setdefault(student_id, Activity()).last_meeting_at = _utc(moment)
    return found


def _utc(moment: datetime | None) -> datetime | None:
    """Aggregates lose the column type (SQLite hands back naive times): read them as UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

