"""What a thesis's whole timeline adds to its versions and milestones (services/history.py):
thread messages, requested changes, the examiner's grade, meetings, final and reopen."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    AuditEntry,
    ChecklistItem,
    ExaminerGrade,
    Submission,
    ThreadMessage,
    User,
)

MOVES = ("thesis.finalize", "thesis.reopen")


async def thread_messages(session: AsyncSession, submission_ids: Collection[int]
                          ) -> Sequence[tuple[ThreadMessage, str | None, str | None]]:
    """Every thread message of these versions, in order, with its author's name and role."""
    if not submission_ids:
        return []
    query = (select(ThreadMessage, User.full_name, User.role)
             .outerjoin(User, User.id == ThreadMessage.author_id)
             .where(ThreadMessage.submission_id.in_(list(submission_ids)))
             .order_by(ThreadMessage.id))
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]


async def checklist_items(session: AsyncSession, thesis_id: int
                          ) -> Sequence[tuple[ChecklistItem, int | None]]:
    """A thesis's requested changes, by round, with the version that addressed each."""
    addressed = aliased(Submission)
    query = (select(ChecklistItem, addressed.version)
             .outerjoin(addressed, addressed.id == ChecklistItem.addressed_submission_id)
             .where(ChecklistItem.thesis_id == thesis_id)
             .order_by(ChecklistItem.review_id, ChecklistItem.position))
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def examiner_grade(session: AsyncSession, thesis_id: int
                         ) -> tuple[ExaminerGrade, str | None] | None:
    query = (select(ExaminerGrade, User.full_name)
             .outerjoin(User, User.id == ExaminerGrade.examiner_id)
             .where(ExaminerGrade.thesis_id == thesis_id))
    row = (await session.execute(query)).first()
    return (row[0], row[1]) if row else None


async def moves(session: AsyncSession, thesis_id: int
                ) -> Sequence[tuple[AuditEntry, str | None]]:
    """Final and reopen, from the audit log, with who made each."""
    query = (select(AuditEntry, User.full_name)
             .outerjoin(User, User.id == AuditEntry.actor_id)
             .where(AuditEntry.object_type == "thesis",
                    AuditEntry.object_id == str(thesis_id), AuditEntry.action.in_(MOVES))
             .order_by(AuditEntry.id))
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]
