from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Review, Submission
from storage.repositories.rows import insert_once


class DuplicateReview(Exception):
    """The database refused a second review of one version."""


async def add(session: AsyncSession, review: Review) -> Review:
    # Only the one-review-per-version key: any other refusal is a bug, raised as it is.
    return await insert_once(session, review, DuplicateReview, when=lambda exc: (
        "submission_id" in str(exc.orig) or "uq_reviews" in str(exc.orig)))


_FOR_SUBMISSION = select(Review).where(Review.submission_id == bindparam("submission_id"))


async def for_submission(session: AsyncSession, submission_id: int) -> Review | None:
    return await session.scalar(_FOR_SUBMISSION, {"submission_id": submission_id})


_BY_FEEDBACK_KEY = select(Review).where(Review.feedback_file_key == bindparam("file_key"))


async def by_feedback_key(session: AsyncSession, file_key: str) -> Review | None:
    """The review whose feedback file is stored under this object key, if one was recorded."""
    return await session.scalar(_BY_FEEDBACK_KEY, {"file_key": file_key})


async def review_durations_since(session: AsyncSession, since: datetime) -> list[float]:
    rows = await session.execute(
        select(Submission.submitted_at, Review.created_at)
        .join(Review, Review.submission_id == Submission.id)
        .where(Review.created_at >= since)
    )
    return [(reviewed - submitted).total_seconds() for submitted, reviewed in rows]
