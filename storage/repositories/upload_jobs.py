"""Upload jobs: recorded by the handler, claimed with a lease by the upload workers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import UploadJobState
from storage.models import UploadJob

QUEUED, RUNNING = UploadJobState.QUEUED.value, UploadJobState.RUNNING.value


async def add_once(session: AsyncSession, values: dict[str, Any]) -> UploadJob:
    """Insert the job of one document message, or find the one a first delivery made."""
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(UploadJob).values(**values).on_conflict_do_nothing(
        index_elements=["chat_id", "source_message_id"]))
    job = await session.scalar(select(UploadJob).where(
        UploadJob.chat_id == values["chat_id"],
        UploadJob.source_message_id == values["source_message_id"]))
    assert job is not None
    return job


async def get(session: AsyncSession, job_id: int) -> UploadJob | None:
    return await session.get(UploadJob, job_id)


async def claim(session: AsyncSession, now: datetime, lease: timedelta) -> UploadJob | None:
    """Take one due job for ``lease``: queued, or running under a lease that ran out (its
    worker died). On PostgreSQL, SKIP LOCKED lets replicas claim side by side."""
    due = or_(UploadJob.state == QUEUED,
              (UploadJob.state == RUNNING) & (UploadJob.lease_until < now))
    query = select(UploadJob).where(due).order_by(UploadJob.id).limit(1)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job = await session.scalar(query)
    if job is None:
        return None
    job.state = RUNNING
    job.lease_until = now + lease
    job.attempts += 1
    job.updated_at = now
    await session.flush()
    return job


def _ours(job_id: int, attempt: int) -> Any:
    """Still claimed by the worker that claimed it as ``attempt``: a worker that stalled past
    its lease must not undo what the one that took the job over did."""
    return (UploadJob.id == job_id) & (UploadJob.state == RUNNING) \
        & (UploadJob.attempts == attempt)


async def update_claimed(session: AsyncSession, job_id: int, attempt: int,
                         **values: Any) -> bool:
    result = await session.execute(update(UploadJob).where(_ours(job_id, attempt))
                                   .values(**values))
    return bool(getattr(result, "rowcount", 0))


async def set_state(session: AsyncSession, job_id: int, state: str, *,
                    only_from: tuple[str, ...], now: datetime) -> bool:
    result = await session.execute(update(UploadJob).where(
        UploadJob.id == job_id, UploadJob.state.in_(only_from)).values(
        state=state, updated_at=now))
    return bool(getattr(result, "rowcount", 0))
