"""Deciding on a version: who may, once only, and what the thesis becomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services import lifecycle
from services.base import BaseService, read_only
from services.errors import (
    AlreadyReviewed,
    CommentRequired,
    CommentTooLong,
    InvalidGrade,
    NotAllowed,
    NotFound,
    Superseded,
)
from services.metrics import REVIEW_COMPLETIONS, REVIEW_TURNAROUND
from services.notifications import DecisionMade, notify
from services.submissions import IncomingFile, StagedFile, discard, stage_document
from storage.models import Decision, Review, Role, Submission, Thesis, User
from storage.repositories import audit, reviews, theses, users
from storage.repositories.reviews import DuplicateReview

COMMENT_MAX = 4000
EVENTS = {
    Decision.APPROVED: lifecycle.Event.APPROVE,
    Decision.CHANGES_REQUESTED: lifecycle.Event.REQUEST_CHANGES,
    Decision.REJECTED: lifecycle.Event.REJECT,
}


@dataclass(frozen=True)
class ReviewTarget:
    submission: Submission
    thesis: Thesis
    student: User


@dataclass(frozen=True)
class ReviewResult:
    review: Review
    target: ReviewTarget
    reviewer: User


def clean_comment(decision: Decision, raw: str | None) -> str | None:
    comment = (raw or "").strip()
    if len(comment) > COMMENT_MAX:
        raise CommentTooLong(max=COMMENT_MAX, length=len(comment))
    if not comment and decision is not Decision.APPROVED:
        raise CommentRequired()
    return comment or None


def parse_grade(raw: str) -> int:
    try:
        grade = int(raw.strip())
    except ValueError:
        raise InvalidGrade() from None
    if not 0 <= grade <= 100:
        raise InvalidGrade()
    return grade


class ReviewService(BaseService):
    @read_only
    async def check_can_review(self, actor: User, submission_id: int) -> ReviewTarget:
        """Everything that can be said before the reviewer types a comment."""
        return await self._target(actor, submission_id)

    async def _target(self, actor: User, submission_id: int) -> ReviewTarget:
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, existing = found
        target = ReviewTarget(submission, thesis, student)
        if not _may_review(actor, target.student):
            raise NotAllowed()
        if existing is not None:
            raise await self._already(existing)
        if target.submission.version < target.thesis.latest_version:
            raise Superseded(version=target.thesis.latest_version)
        return target

    async def decide(self, actor: User, submission_id: int, decision: Decision, *,
                     comment: str | None = None, feedback: StagedFile | None = None,
                     grade: int | None = None) -> ReviewResult:
        try:
            result = await self._decide(actor, submission_id, decision, comment, feedback, grade)
            await self.session.commit()
        except BaseException:
            await self.session.rollback()
            if feedback is not None:
                await discard(self.deps.files, feedback.key)
            raise
        REVIEW_COMPLETIONS.labels(decision=decision.value).inc()
        REVIEW_TURNAROUND.observe(review_age_seconds(result.target.submission.submitted_at,
                                                     result.review.created_at))
        return result

    async def _decide(self, actor: User, submission_id: int, decision: Decision,
                      comment: str | None, feedback: StagedFile | None,
                      grade: int | None) -> ReviewResult:
        if grade is not None and not 0 <= grade <= 100:
            raise InvalidGrade()
        comment = None if feedback and not comment else comment
        if feedback is None:
            comment = clean_comment(decision, comment)
        target = await self._target(actor, submission_id)
        # Lock the thesis so a new version and a decision cannot interleave.
        thesis = await theses.by_student(self.session, target.student.id, lock=True)
        assert thesis is not None
        if target.submission.version < thesis.latest_version:
            raise Superseded(version=thesis.latest_version)
        now = self.clock.now()
        new_status = lifecycle.next_status(thesis.status, EVENTS[decision])
        try:
            review = await reviews.add(self.session, Review(
                submission_id=submission_id, reviewer_id=actor.id, decision=decision.value,
                comment=comment, grade=grade, created_at=now,
                feedback_file_key=feedback.key if feedback else None,
                feedback_file_name=feedback.file_name if feedback else None,
                feedback_telegram_file_id=feedback.telegram_file_id if feedback else None))
        except DuplicateReview:
            existing = await reviews.for_submission(self.session, submission_id)
            raise await self._already(existing) from None
        await theses.set_status(self.session, thesis.id, new_status.value, now)
        notify(self.session, target.student.id, DecisionMade(
            submission_id=submission_id, decision=decision.value, title=thesis.title,
            version=target.submission.version, comment=comment, grade=grade,
            reviewer_name=actor.full_name,
            feedback_file_id=feedback.telegram_file_id if feedback else None,
            feedback_file_name=feedback.file_name if feedback else None), now)
        audit.record(self.session, actor_id=actor.id, action=f"review.{decision.value}",
                     object_type="submission", object_id=submission_id, at=now, grade=grade)
        return ReviewResult(review, target, actor)

    async def stage_feedback(self, actor: User, submission_id: int,
                             incoming: IncomingFile) -> StagedFile:
        """An annotated PDF/DOCX from the reviewer, stored like a submission."""
        await self._target(actor, submission_id)
        # Streaming may take minutes: hold no transaction (and no connection) meanwhile.
        await self.session.commit()
        return await stage_document(self.deps.files, self.config.file_prefix + "feedback/",
                                    incoming, self.config.max_file_bytes)

    async def _already(self, existing: Review | None) -> AlreadyReviewed:
        reviewer = None
        if existing is not None and existing.reviewer_id is not None:
            reviewer = await users.get(self.session, existing.reviewer_id)
        return AlreadyReviewed(
            reviewer_name=reviewer.full_name if reviewer else "?",
            at=existing.created_at if existing else None,
            decision=existing.decision if existing else None,
        )



def _may_review(actor: User, student: User) -> bool:
    if actor.role == Role.ADMIN.value:
        return True
    return actor.role == Role.SUPERVISOR.value and student.supervisor_id == actor.id


def review_age_seconds(submitted_at: datetime, decided_at: datetime) -> float:
    return max((decided_at - submitted_at).total_seconds(), 0.0)
