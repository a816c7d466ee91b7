"""Which stored objects rows refer to: the only ground on which an object may be deleted."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import CompoundSelect, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Application,
    Assessment,
    AssessmentMark,
    ExaminerGrade,
    Review,
    ReviewVote,
    Submission,
    ThreadMessage,
    VersionComparison,
)


async def referenced_keys(session: AsyncSession, keys: Collection[str]) -> set[str]:
    """The keys among ``keys`` that a version (submissions.file_key), a review's feedback
    file (reviews.feedback_file_key, review_votes.feedback_file_key), an examiner's report
    (examiner_grades.report_file_key), a thread comment's attachment
    (thread_messages.file_key) or a version's detailed comparison
    (version_comparisons.html_key), a marker's report (assessment_marks.report_file_key)
    or an assessment's protocol (assessments.protocol_key) or an application's CV
    (applications.cv_key) refers to."""
    if not keys:
        return set()
    wanted = list(keys)
    query: CompoundSelect[str | None] = union(
        select(Submission.file_key).where(Submission.file_key.in_(wanted)),
        select(Review.feedback_file_key).where(Review.feedback_file_key.in_(wanted)),
        select(ReviewVote.feedback_file_key).where(ReviewVote.feedback_file_key.in_(wanted)),
        select(ExaminerGrade.report_file_key).where(ExaminerGrade.report_file_key.in_(wanted)),
        select(ThreadMessage.file_key).where(ThreadMessage.file_key.in_(wanted)),
        select(VersionComparison.html_key).where(VersionComparison.html_key.in_(wanted)),
        select(AssessmentMark.report_file_key).where(
            AssessmentMark.report_file_key.in_(wanted)),
        select(Assessment.protocol_key).where(Assessment.protocol_key.in_(wanted)),
        select(Application.cv_key).where(Application.cv_key.in_(wanted)),
    )
    return {key for (key,) in await session.execute(query) if key is not None}


async def is_referenced(session: AsyncSession, key: str) -> bool:
    return key in await referenced_keys(session, (key,))
