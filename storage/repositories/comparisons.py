"""Comparison jobs and their outcomes, and the extracted text of each version."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import ComparisonStatus, OutboxStatus
from storage.models import OutboxMessage, Submission, Thesis, VersionComparison, VersionText

PENDING, RUNNING = ComparisonStatus.PENDING.value, ComparisonStatus.RUNNING.value
EDITING = ComparisonStatus.EDITING.value


def add_job(session: AsyncSession, submission_id: int, now: datetime) -> None:
    session.add(VersionComparison(submission_id=submission_id, status=PENDING,
                                  next_attempt_at=now, created_at=now, edited=[]))


async def claim(session: AsyncSession, *, now: datetime, limit: int,
                lease: timedelta) -> Sequence[VersionComparison]:
    """Up to ``limit`` due jobs, marked as ours for ``lease`` (SKIP LOCKED on PostgreSQL,
    so replicas claim side by side and never the same job). A job whose lease ran out
    (its worker died) is due again; an EDITING one keeps its status (its summary is
    stored: only the cards are left)."""
    due = or_(
        VersionComparison.status.in_([PENDING, EDITING])
        & (VersionComparison.next_attempt_at <= now),
        (VersionComparison.status == RUNNING) & (VersionComparison.claimed_until < now),
    )
    query = (select(VersionComparison).where(due)
             .order_by(VersionComparison.next_attempt_at).limit(limit))
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.scalars(query)).all()
    for row in rows:
        if row.status == PENDING:
            row.status = RUNNING
        else:
            # An EDITING job is due by next_attempt_at: held off while this claim lasts,
            # so that no other worker edits the same cards meanwhile.
            row.next_attempt_at = now + lease
        row.claimed_until = now + lease
        row.attempts += 1
    await session.flush()
    return rows


def _ours(submission_id: int, attempt: int) -> Any:
    """Fenced like the outbox: a worker whose lease ran out cannot overwrite its successor."""
    return and_(VersionComparison.submission_id == submission_id,
                VersionComparison.attempts == attempt,
                VersionComparison.status.in_([RUNNING, EDITING]))


async def finish(session: AsyncSession, submission_id: int, attempt: int,
                 **values: Any) -> bool:
    """Write a claimed job's outcome (status, summary, reason, html_key…); False when the
    job is no longer ours."""
    result = await session.execute(update(VersionComparison)
                                   .where(_ours(submission_id, attempt)).values(**values))
    return bool(getattr(result, "rowcount", 0))


async def get(session: AsyncSession, submission_id: int) -> VersionComparison | None:
    return await session.get(VersionComparison, submission_id)


async def of_submissions(session: AsyncSession,
                         ids: Collection[int]) -> dict[int, VersionComparison]:
    if not ids:
        return {}
    query = select(VersionComparison).where(VersionComparison.submission_id.in_(list(ids)))
    return {row.submission_id: row for row in await session.scalars(query)}


async def version_with_previous(session: AsyncSession, submission_id: int
                                ) -> tuple[Submission, Thesis, Submission | None] | None:
    """A version, its thesis, and the version before it (None for the first)."""
    row = (await session.execute(
        select(Submission, Thesis).join(Thesis, Thesis.id == Submission.thesis_id)
        .where(Submission.id == submission_id))).first()
    if row is None:
        return None
    submission, thesis = row
    previous = await session.scalar(select(Submission).where(
        Submission.thesis_id == submission.thesis_id, Submission.kind == submission.kind,
        Submission.version == submission.version - 1))
    return submission, thesis, previous


async def text_of(session: AsyncSession, submission_id: int) -> VersionText | None:
    return await session.get(VersionText, submission_id)


async def save_text(session: AsyncSession, text: VersionText) -> None:
    """Stored once per version: a second worker's copy (same file, same text) is dropped."""
    if await session.get(VersionText, text.submission_id) is None:
        session.add(text)
        await session.flush()


async def unsent_cards(session: AsyncSession, ref: str, kind: str) -> int:
    """How many notifications of ``kind`` about ``ref`` are still to be sent."""
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.ref == ref, OutboxMessage.kind == kind,
        OutboxMessage.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]))
    return int(await session.scalar(query) or 0)
