"""Decisions on versions: one row per person and version (``Review``), the version's outcome
the row that decided it (``outcome_at``). What an outcome says is read here, from that one
table: ``Outcome`` (an approval's comments and grade come from the version's approvals)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from services.vocabulary import Decision
from storage.models import Review, StoredFile, Submission
from storage.repositories.rows import insert_once

COMMENT_MAX = 4000


class DuplicateReview(Exception):
    """The database refused a second outcome of one version."""


class DuplicateDecision(Exception):
    """The database refused a second decision by one person on one version."""


def is_outcome() -> ColumnElement[bool]:
    return Review.outcome_at.is_not(None)


def outcome_of(submission_id: ColumnElement[int] | InstrumentedAttribute[int],
               ) -> ColumnElement[bool]:
    """The join condition of a version and its outcome row."""
    return and_(Review.submission_id == submission_id, Review.outcome_at.is_not(None))


def said_grade() -> ColumnElement[int | None]:
    """In SQL, beside an outcome row (``Review``): the grade it says (``Outcome.grade``)."""
    approval = aliased(Review)
    latest = (select(approval.grade)
              .where(approval.submission_id == Review.submission_id,
                     approval.decision == Decision.APPROVED.value,
                     approval.grade.is_not(None))
              .order_by(approval.created_at.desc(), approval.id.desc())
              .limit(1).correlate(Review).scalar_subquery())
    return case((Review.decision == Decision.APPROVED.value, latest), else_=Review.grade)


@dataclass(frozen=True)
class Outcome:
    """A version's decision as everyone reads it: the deciding row's decision, feedback file
    and time, and what it says — for an approval, the approvers' comments (each under its
    author when several wrote) and the latest grade given."""

    id: int
    submission_id: int
    reviewer_id: int | None
    decision: str
    comment: str | None
    grade: int | None
    feedback_file_key: str | None
    feedback_file_name: str | None
    feedback_telegram_file_id: str | None
    created_at: datetime  # when the version was decided

    @classmethod
    def of(cls, row: Review,
           approvals: Iterable[tuple[Review, str | None]] = ()) -> Outcome:
        """``approvals``: the version's approvals (with their authors' names), oldest
        first; given for an approval outcome, they say what it says."""
        comment, grade = row.comment, row.grade
        said = [(review, name) for review, name in approvals
                if review.decision == Decision.APPROVED.value]
        if row.decision == Decision.APPROVED.value and said:
            comment = joined_comments([(name or "?", review.comment) for review, name in said])
            grade = next((r.grade for r, _name in reversed(said) if r.grade is not None), None)
        assert row.outcome_at is not None
        return cls(row.id, row.submission_id, row.reviewer_id, row.decision, comment, grade,
                   row.feedback_file_key, row.feedback_file_name,
                   row.feedback_telegram_file_id, row.outcome_at)


def joined_comments(written: Sequence[tuple[str, str | None]]) -> str | None:
    """Several people's comments for the student, each under its author when several
    wrote."""
    said = [(name, comment) for name, comment in written if comment]
    if len(said) <= 1:
        return said[0][1] if said else None
    return "\n".join(f"{name}: {comment}" for name, comment in said)[:COMMENT_MAX]


async def add(session: AsyncSession, review: Review) -> Review:
    """A person's decision (an outcome when ``outcome_at`` is set): a second outcome of the
    version is ``DuplicateReview``, a second decision of the person ``DuplicateDecision``."""
    try:
        return await insert_once(session, review, DuplicateDecision, when=lambda exc: (
            "uq_reviews_submission_reviewer" in str(exc.orig)
            or "reviews.submission_id, reviews.reviewer_id" in str(exc.orig)))
    except IntegrityError as exc:
        if "uq_reviews_outcome" in str(exc.orig) or "reviews.submission_id" in str(exc.orig):
            raise DuplicateReview() from exc
        raise


async def make_outcome(session: AsyncSession, review: Review, at: datetime) -> Review:
    """A decision already recorded becomes the version's outcome (the last approval, the
    vote that requested changes)."""
    try:
        async with session.begin_nested():
            review.outcome_at = at
            await session.flush()
    except IntegrityError as exc:
        if "uq_reviews_outcome" in str(exc.orig) or "reviews.submission_id" in str(exc.orig):
            raise DuplicateReview() from exc
        raise
    return review


_FOR_SUBMISSION = select(Review).where(Review.submission_id == bindparam("submission_id"),
                                       Review.outcome_at.is_not(None))


async def for_submission(session: AsyncSession, submission_id: int) -> Review | None:
    """The version's outcome row, if it is decided."""
    return await session.scalar(_FOR_SUBMISSION, {"submission_id": submission_id})


_OF_VERSION = (select(Review).where(Review.submission_id == bindparam("submission_id"))
               .order_by(Review.created_at, Review.id))


async def of_version(session: AsyncSession, submission_id: int) -> Sequence[Review]:
    """Every decision on a version, oldest first (the votes under the rule 'all')."""
    return (await session.scalars(_OF_VERSION, {"submission_id": submission_id})).all()


_BY_FEEDBACK_FILE = select(Review).join(
    StoredFile, StoredFile.key == Review.feedback_file_key).where(
    StoredFile.id == bindparam("file_id"))


async def by_feedback_file(session: AsyncSession, file_id: int) -> Review | None:
    """The decision whose feedback file is this stored file, if one was recorded."""
    return await session.scalar(_BY_FEEDBACK_FILE, {"file_id": file_id})


async def review_durations_since(session: AsyncSession, since: datetime) -> list[float]:
    rows = await session.execute(
        select(Submission.submitted_at, Review.outcome_at)
        .join(Review, outcome_of(Submission.id))
        .where(Review.outcome_at >= since)
    )
    return [(reviewed - submitted).total_seconds() for submitted, reviewed in rows
            if reviewed is not None]
