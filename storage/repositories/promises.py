"""Review promises ("I'll review by …"): one per version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Review, ReviewPromise, Submission, Thesis, ThesisStatus, User
from storage.repositories.reviews import outcome_of

# The version still waits: the thesis's latest, the thesis submitted, no decision yet.
_WAITING = and_(Submission.version == Thesis.latest_version,
                Submission.kind == Thesis.stage,
                Thesis.status == ThesisStatus.SUBMITTED.value)


async def put(session: AsyncSession, submission_id: int, promised_by: int, due_at: datetime,
              now: datetime) -> ReviewPromise:
    """The version's promise, made or moved (locked while it changes)."""
    row = await session.scalar(select(ReviewPromise).where(
        ReviewPromise.submission_id == submission_id).with_for_update())
    if row is None:
        row = ReviewPromise(submission_id=submission_id, promised_by=promised_by, due_at=due_at,
                            created_at=now)
        session.add(row)
    else:
        row.promised_by, row.due_at, row.created_at = promised_by, due_at, now
    await session.flush()
    return row


def _undecided() -> Select[ReviewPromise, Submission, Thesis, User]:
    return (select(ReviewPromise, Submission, Thesis, User)
            .join(Submission, Submission.id == ReviewPromise.submission_id)
            .join(Thesis, Thesis.id == Submission.thesis_id)
            .join(User, User.id == Thesis.student_id)
            .outerjoin(Review, outcome_of(Submission.id))
            .where(Review.id.is_(None), _WAITING))


async def passed_undecided(session: AsyncSession, after: datetime,
                           until: datetime) -> list[ReviewPromise]:
    """Promises due in ``after < due <= until`` whose version still waits."""
    query = _undecided().where(
        ReviewPromise.due_at > after, ReviewPromise.due_at <= until
    ).order_by(ReviewPromise.due_at, ReviewPromise.id)
    return [row[0] for row in (await session.execute(query)).all()]


async def undecided(session: AsyncSession, promise_id: int,
                    ) -> tuple[ReviewPromise, Submission, Thesis, User] | None:
    """This promise with its version, thesis and student, if the version still waits (the
    thesis row locked, so that a decision and the reminder cannot cross)."""
    query = _undecided().where(ReviewPromise.id == promise_id)
    row = (await session.execute(query.with_for_update(of=Thesis))).first()
    return (row[0], row[1], row[2], row[3]) if row else None


async def tally(session: AsyncSession, since: datetime,
                now: datetime) -> list[tuple[int | None, int, int]]:
    """Per promiser, of the promises due in ``since < due <= now``: (who, kept, broken). One
    statement, for /stats and every digest."""
    kept = case((and_(Review.id.is_not(None), Review.outcome_at <= ReviewPromise.due_at), 1),
                else_=0)
    query = (
        select(ReviewPromise.promised_by, func.sum(kept), func.count())
        .outerjoin(Review, outcome_of(ReviewPromise.submission_id))
        .where(ReviewPromise.due_at > since, ReviewPromise.due_at <= now)
        .group_by(ReviewPromise.promised_by)
    )
    return [(by, int(k or 0), int(total) - int(k or 0))
            for by, k, total in await session.execute(query)]
