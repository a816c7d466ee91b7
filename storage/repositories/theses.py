"""Theses and their versions (submissions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.vocabulary import ThesisStatus
from storage.models import (
    ExaminerGrade,
    Milestone,
    Review,
    ReviewPromise,
    Submission,
    Thesis,
    ThesisMember,
    ThreadMessage,
    User,
    VersionComparison,
    VersionSimilarity,
)
from storage.repositories.milestones import OPEN
from storage.repositories.reviews import Outcome, outcome_of


@dataclass(frozen=True)
class VersionRow:
    submission: Submission
    review: Outcome | None  # the version's decision


@dataclass(frozen=True)
class PendingRow:
    submission: Submission
    thesis: Thesis
    student: User
    # The viewer's role on the thesis team (None in the admin's whole-university queue).
    role: str | None = None


# Joins a thesis to its latest version.
_LATEST = (Submission.thesis_id == Thesis.id) & (Submission.version == Thesis.latest_version) \
    & (Submission.kind == Thesis.stage)

# The statements of the busiest views are built once, with bound parameters: building a
# statement and computing its cache key cost more CPU than PostgreSQL spends running it.
_BY_STUDENT = select(Thesis).where(Thesis.student_id == bindparam("student_id"))
_BY_STUDENT_LOCKED = _BY_STUDENT.with_for_update()
_WITH_LATEST = (
    select(Thesis, Submission, Review)
    .outerjoin(Submission, _LATEST)
    .outerjoin(Review, outcome_of(Submission.id))
    .where(Thesis.student_id == bindparam("student_id"))
)
# A student's status page: the thesis, its latest version with its review, and the open
# milestones (a row per milestone, at least one row: driven from the student).
# The promise on the latest version ("I'll review by …") and who made it come along.
_PROMISER = aliased(User)
_STATUS = (
    select(Thesis, Submission, Review, Milestone, ReviewPromise, _PROMISER)
    .select_from(User)
    .outerjoin(Thesis, Thesis.student_id == User.id)
    .outerjoin(Submission, _LATEST)
    .outerjoin(Review, outcome_of(Submission.id))
    .outerjoin(ReviewPromise, ReviewPromise.submission_id == Submission.id)
    .outerjoin(_PROMISER, _PROMISER.id == ReviewPromise.promised_by)
    .outerjoin(Milestone, and_(Milestone.student_id == User.id, *OPEN))
    .where(User.id == bindparam("student_id"))
    .order_by(Milestone.due_at, Milestone.id)
)
# Every version with its outcome and its approvals (an approval outcome says what its
# approvers said: storage/repositories/reviews.Outcome), a row per such decision.
_DECIDER = aliased(User)
_WITH_VERSIONS = (
    select(Thesis, Submission, Review, _DECIDER.full_name)
    .outerjoin(Submission, Submission.thesis_id == Thesis.id)
    .outerjoin(Review, and_(Review.submission_id == Submission.id,
                            or_(Review.outcome_at.is_not(None), Review.decision == "approved")))
    .outerjoin(_DECIDER, _DECIDER.id == Review.reviewer_id)
    .where(Thesis.student_id == bindparam("student_id"))
    # The proposal's versions first ("proposal" < "thesis"), then the thesis's.
    .order_by(Submission.kind, Submission.version, Review.created_at, Review.id)
)
_WITH_OWNER = (
    select(Submission, Thesis, User, Review)
    .join(Thesis, Thesis.id == Submission.thesis_id)
    .join(User, User.id == Thesis.student_id)
    .outerjoin(Review, outcome_of(Submission.id))
    .where(Submission.id == bindparam("submission_id"))
)


def _version(submission: Submission | None, review: Review | None) -> VersionRow | None:
    """The row of an outer-joined latest version (none before the first upload)."""
    return VersionRow(submission, Outcome.of(review) if review is not None else None) \
        if submission is not None else None


async def by_student(session: AsyncSession, student_id: int, *,
                     lock: bool = False) -> Thesis | None:
    return await session.scalar(_BY_STUDENT_LOCKED if lock else _BY_STUDENT,
                                {"student_id": student_id})


async def add(session: AsyncSession, thesis: Thesis) -> Thesis:
    session.add(thesis)
    await session.flush()
    return thesis


async def with_latest(session: AsyncSession,
                      student_id: int) -> tuple[Thesis | None, VersionRow | None]:
    """A student's thesis and its latest version with its review, in one statement."""
    row = (await session.execute(_WITH_LATEST, {"student_id": student_id})).first()
    if row is None:
        return None, None
    thesis, submission, review = row
    return thesis, _version(submission, review)


@dataclass(frozen=True)
class StatusRows:
    thesis: Thesis | None
    latest: VersionRow | None
    upcoming: list[Milestone]  # open, earliest due first
    promise: ReviewPromise | None = None  # on the latest version
    promiser: User | None = None


async def status_of(session: AsyncSession, student_id: int) -> StatusRows:
    """A student's thesis, its latest version and review, their open milestones (earliest
    due first) and the review promise on that version, in one statement."""
    rows = (await session.execute(_STATUS, {"student_id": student_id})).all()
    if not rows:
        return StatusRows(None, None, [])
    thesis, submission, review, _milestone, promise, promiser = rows[0]
    return StatusRows(thesis, _version(submission, review),
                      [row[3] for row in rows if row[3] is not None], promise, promiser)


async def with_versions(session: AsyncSession,
                        student_id: int) -> tuple[Thesis | None, list[VersionRow]]:
    """A student's thesis and all its versions with their reviews, in one statement."""
    rows = (await session.execute(_WITH_VERSIONS, {"student_id": student_id})).all()
    if not rows:
        return None, []
    versions: dict[int, tuple[Submission, list[tuple[Review, str | None]]]] = {}
    for _t, submission, review, name in rows:
        if submission is not None:
            decisions = versions.setdefault(submission.id, (submission, []))[1]
            if review is not None:
                decisions.append((review, name))
    found = []
    for submission, decisions in versions.values():
        outcome = next((r for r, _name in decisions if r.outcome_at is not None), None)
        found.append(VersionRow(submission, Outcome.of(outcome, decisions)
                                if outcome is not None else None))
    return rows[0][0], found


async def add_submission(session: AsyncSession, submission: Submission) -> Submission:
    session.add(submission)
    await session.flush()
    return submission


_LOCK_OF_VERSION = (
    select(Thesis.id)
    .where(Thesis.id == select(Submission.thesis_id)
           .where(Submission.id == bindparam("submission_id")).scalar_subquery())
    .with_for_update()
)


async def lock_thesis_of(session: AsyncSession, submission_id: int) -> None:
    """Lock the thesis of this version (as a decision or a new version does), until the
    transaction ends. Read what the lock protects after it, in statements of their own: a
    row the statement that waited joined in is from before the wait."""
    await session.execute(_LOCK_OF_VERSION, {"submission_id": submission_id})


async def submission_with_owner(
    session: AsyncSession, submission_id: int
) -> tuple[Submission, Thesis, User, Outcome | None] | None:
    """A version, its thesis and student, and its decision if it has one, in one
    statement."""
    row = (await session.execute(_WITH_OWNER, {"submission_id": submission_id})).first()
    return (row[0], row[1], row[2], Outcome.of(row[3]) if row[3] is not None else None) \
        if row else None


# A member's theses: the team row of this user on the thesis's student.
_MEMBER = and_(ThesisMember.student_id == Thesis.student_id,
               ThesisMember.user_id == bindparam("supervisor_id"))


def _pending_query(of_supervisor: bool) -> Select[Submission, Thesis, User]:
    # A thesis in status "submitted" has exactly one waiting version, its latest (a decision
    # and its status change share a transaction), and its updated_at is when that version
    # came. Driving the query from theses keeps it independent of how many versions exist.
    query = (
        select(Submission, Thesis, User)
        .select_from(Thesis)
        .join(Submission, _LATEST)
        .join(User, User.id == Thesis.student_id)
        .where(Thesis.status == ThesisStatus.SUBMITTED.value)
    )
    if of_supervisor:
        return query.join(ThesisMember, _MEMBER).add_columns(ThesisMember.role)
    return query


def _count_query(of_supervisor: bool) -> Select[int]:
    query = select(func.count()).select_from(Thesis).where(
        Thesis.status == ThesisStatus.SUBMITTED.value)
    if of_supervisor:
        query = query.join(ThesisMember, _MEMBER)
    return query


# Keyed by "of one supervisor" (else the whole university's, for an admin).
_PENDING_PAGE = {
    mine: _pending_query(mine).order_by(Thesis.updated_at, Thesis.id)
    .offset(bindparam("offset")).limit(bindparam("limit"))
    for mine in (True, False)
}
_COUNT_PENDING = {mine: _count_query(mine) for mine in (True, False)}


async def pending(
    session: AsyncSession, supervisor_id: int | None, *, offset: int = 0, limit: int = 10
) -> list[PendingRow]:
    rows = await session.execute(
        _PENDING_PAGE[supervisor_id is not None],
        {"supervisor_id": supervisor_id, "offset": offset, "limit": limit})
    return [PendingRow(*row) for row in rows]


async def count_pending(session: AsyncSession, supervisor_id: int | None) -> int:
    count = await session.scalar(_COUNT_PENDING[supervisor_id is not None],
                                 {"supervisor_id": supervisor_id})
    return int(count or 0)


async def pending_older_than(session: AsyncSession, before: datetime) -> list[PendingRow]:
    query = (
        _pending_query(False)
        .where(Thesis.updated_at < before)
        .order_by(Thesis.updated_at, Thesis.id)
    )
    rows = await session.execute(query)
    return [PendingRow(s, t, u) for s, t, u in rows]


async def set_status(session: AsyncSession, thesis_id: int, status: str, now: datetime) -> None:
    await session.execute(
        update(Thesis).where(Thesis.id == thesis_id).values(status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Thesis.status, func.count()).group_by(Thesis.status))
    return {status: count for status, count in rows}


async def count_submissions_since(session: AsyncSession, since: datetime) -> int:
    query = select(func.count()).select_from(Submission).where(Submission.submitted_at >= since)
    return int(await session.scalar(query) or 0)


def holding(file_key: Any) -> Select[int]:
    """The id of the version stored under this object key (a key, or the key column of the
    row repositories/stored_files.attach updates)."""
    return select(Submission.id).where(Submission.file_key == file_key)


async def submission(session: AsyncSession, submission_id: int) -> Submission | None:
    return await session.get(Submission, submission_id)



_COMMENTS = (select(func.count()).select_from(ThreadMessage)
             .where(ThreadMessage.submission_id == Submission.id)
             .correlate(Submission).scalar_subquery())
_VERSION_FACTS = (
    select(Submission.id, _COMMENTS, VersionComparison, VersionSimilarity, ExaminerGrade)
    .outerjoin(VersionComparison, VersionComparison.submission_id == Submission.id)
    .outerjoin(VersionSimilarity, VersionSimilarity.submission_id == Submission.id)
    .outerjoin(ExaminerGrade, ExaminerGrade.thesis_id == Submission.thesis_id)
    .where(Submission.id.in_(bindparam("ids", expanding=True))))


@dataclass
class VersionFactRows:
    """Beside each version of a history: its comment count, comparison and shared-text check
    (versions without any: absent from that map); and the thesis's examiner's grade."""

    comments: dict[int, int]
    comparisons: dict[int, VersionComparison]
    similarity: dict[int, VersionSimilarity]
    grade: ExaminerGrade | None = None


async def version_facts(session: AsyncSession, ids: list[int]) -> VersionFactRows:
    """What a history shows beside each of these versions (of one thesis), in one statement
    (it was four: thread counts, comparisons, shared-text checks, the examiner's grade)."""
    facts = VersionFactRows({}, {}, {})
    if not ids:
        return facts
    for submission_id, comments, comparison, checked, grade in await session.execute(
            _VERSION_FACTS, {"ids": ids}):
        facts.grade = grade
        if comments:
            facts.comments[submission_id] = int(comments)
        if comparison is not None:
            facts.comparisons[submission_id] = comparison
        if checked is not None:
            facts.similarity[submission_id] = checked
    return facts
