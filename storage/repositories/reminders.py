"""The reminder log: claiming a reminder is inserting its (kind, subject_key) row.

The unique key makes the claim exactly once across replicas and restarts; the caller
writes the outbox row in the same transaction, so both exist or neither does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReminderLog


async def claim(session: AsyncSession, kind: str, subject_key: str, now: datetime) -> bool:
    """True if this call inserted the row (we own the reminder), False if it existed."""
    values = {"kind": kind, "subject_key": subject_key, "created_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement = pg_insert(ReminderLog).values(**values).on_conflict_do_nothing(
            index_elements=["kind", "subject_key"]).returning(ReminderLog.id)
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(ReminderLog).values(**values).on_conflict_do_nothing(
            index_elements=["kind", "subject_key"]).returning(ReminderLog.id)
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise NotImplementedError(dialect)
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def exists(session: AsyncSession, kind: str, subject_key: str) -> bool:
    query = select(ReminderLog.id).where(ReminderLog.kind == kind,
                                         ReminderLog.subject_key == subject_key)
    return await session.scalar(query) is not None


async def existing(session: AsyncSession, kind: str, keys: list[str]) -> set[str]:
    """Which of these keys are already claimed (a cheap filter before claiming)."""
    if not keys:
        return set()
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        query = select(ReminderLog.subject_key).where(
            ReminderLog.kind == kind, ReminderLog.subject_key.in_(keys[start:start + 500]))
        found.update((await session.scalars(query)).all())
    return found


async def claim_many(session: AsyncSession, kind: str, keys: list[str],
                     now: datetime) -> set[str]:
    """Claim these keys at once (a statement per 500): the ones this call inserted."""
    claimed: set[str] = set()
    dialect = session.get_bind().dialect.name
    for start in range(0, len(keys), 500):
        values = [{"kind": kind, "subject_key": key, "created_at": now}
                  for key in keys[start:start + 500]]
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement = pg_insert(ReminderLog).values(values).on_conflict_do_nothing(
                index_elements=["kind", "subject_key"]).returning(ReminderLog.subject_key)
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            statement = sqlite_insert(ReminderLog).values(values).on_conflict_do_nothing(
                index_elements=["kind", "subject_key"]).returning(ReminderLog.subject_key)
        claimed.update((await session.scalars(statement)).all())
    return claimed
