"""Meetings, their participants and action items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Meeting, MeetingItem, MeetingParticipant, User

_LIVE = Meeting.cancelled_at.is_(None)


def add(session: AsyncSession, meeting: Meeting) -> Meeting:
    session.add(meeting)
    return meeting


def add_participant(session: AsyncSession, participant: MeetingParticipant) -> None:
    session.add(participant)


async def get(session: AsyncSession, meeting_id: int, *, lock: bool = False) -> Meeting | None:
    query = select(Meeting).where(Meeting.id == meeting_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def participants(session: AsyncSession,
                       meeting_ids: Sequence[int]) -> list[tuple[MeetingParticipant, User]]:
    if not meeting_ids:
        return []
    query = (select(MeetingParticipant, User).join(User, User.id == MeetingParticipant.student_id)
             .where(MeetingParticipant.meeting_id.in_(list(meeting_ids)))
             .order_by(MeetingParticipant.meeting_id, User.full_name, User.id))
    return [(p, u) for p, u in (await session.execute(query)).all()]


async def participant(session: AsyncSession, meeting_id: int, student_id: int, *,
                      lock: bool = False) -> MeetingParticipant | None:
    query = select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting_id,
                                             MeetingParticipant.student_id == student_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def items(session: AsyncSession, meeting_ids: Sequence[int]) -> list[MeetingItem]:
    if not meeting_ids:
        return []
    query = (select(MeetingItem).where(MeetingItem.meeting_id.in_(list(meeting_ids)))
             .order_by(MeetingItem.meeting_id, MeetingItem.position))
    return list((await session.scalars(query)).all())


async def item(session: AsyncSession, item_id: int, *, lock: bool = False) -> MeetingItem | None:
    query = select(MeetingItem).where(MeetingItem.id == item_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


def add_item(session: AsyncSession, item_: MeetingItem) -> None:
    session.add(item_)


async def drop_items(session: AsyncSession, meeting_id: int) -> None:
    await session.execute(delete(MeetingItem).where(MeetingItem.meeting_id == meeting_id))


async def of_supervisor(session: AsyncSession, supervisor_id: int) -> list[Meeting]:
    query = (select(Meeting).where(Meeting.supervisor_id == supervisor_id, _LIVE)
             .order_by(Meeting.starts_at, Meeting.id))
    return list((await session.scalars(query)).all())


# Built once (read on every student's /status and /history).
_OF_STUDENT = (select(Meeting)
               .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
               .where(MeetingParticipant.student_id == bindparam("student_id"), _LIVE)
               .order_by(Meeting.starts_at, Meeting.id))


async def of_student(session: AsyncSession, student_id: int) -> list[Meeting]:
    return list((await session.scalars(_OF_STUDENT, {"student_id": student_id})).all())


async def of_students(session: AsyncSession, student_ids: Sequence[int] | None) -> list[Meeting]:
    """Every live meeting with any of these students (None: every meeting)."""
    query = select(Meeting).where(_LIVE).order_by(Meeting.starts_at, Meeting.id)
    if student_ids is not None:
        query = query.where(Meeting.id.in_(
            select(MeetingParticipant.meeting_id)
            .where(MeetingParticipant.student_id.in_(list(student_ids)))))
    return list((await session.scalars(query)).all())


async def starting_between(session: AsyncSession, after: datetime,
                           until: datetime) -> list[Meeting]:
    """Live meetings starting in ``after < starts_at <= until`` (the scheduler's scans)."""
    query = (select(Meeting).where(_LIVE, Meeting.starts_at > after, Meeting.starts_at <= until)
             .order_by(Meeting.starts_at, Meeting.id))
    return list((await session.scalars(query)).all())
