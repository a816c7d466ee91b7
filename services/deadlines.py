"""Milestones with due dates, and how submissions meet them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.context import BaseService
from storage.models import Submission
from storage.repositories import milestones


async def attach_submission(session: AsyncSession, student_id: int, submission: Submission,
                            now: datetime) -> None:
    """A version submitted while a milestone is open meets the earliest open one."""
    milestone = await milestones.earliest_open(session, student_id, lock=True)
    if milestone is not None:
        milestone.submission_id = submission.id
        milestone.submitted_at = now
        submission.milestone_id = milestone.id


class DeadlineService(BaseService):
    """Supervisor-set milestones; see issue 5 for the full set of rules."""
