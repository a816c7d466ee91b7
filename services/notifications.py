"""Messages the bot sends on its own initiative go through the outbox.

They are written in the caller's transaction, so a notification exists if and only if
the change that caused it was committed; ``bot/workers.py`` delivers them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories import outbox

OUTBOX_WRITTEN = "outbox_written"


class Kind:
    NEW_SUBMISSION = "new_submission"
    DECISION = "decision"
    DEADLINE_SET = "deadline_set"
    DEADLINE_MOVED = "deadline_moved"
    DEADLINE_REMINDER = "deadline_reminder"
    DEADLINE_OVERDUE = "deadline_overdue"
    STUDENT_OVERDUE = "student_overdue"
    REVIEW_DIGEST = "review_digest"
    STUDENT_UNREACHABLE = "student_unreachable"
    ACCESS_DEACTIVATED = "access_deactivated"
    ACCESS_REACTIVATED = "access_reactivated"
    THESIS_FINAL = "thesis_final"
    THESIS_REOPENED = "thesis_reopened"
    MILESTONE_EXTENDED = "milestone_extended"
    MILESTONE_DELETED = "milestone_deleted"


def notify(session: AsyncSession, chat_id: int, kind: str, now: datetime, **params: Any) -> None:
    outbox.add(session, chat_id=chat_id, kind=kind, payload=params, now=now)
    # Lets the update middleware wake the sender right after commit instead of at its next poll.
    session.info[OUTBOX_WRITTEN] = True
