"""The outbox sender's side of notifications: what it may claim and how an outcome is kept.

Pure bookkeeping over the outbox rows, plus one rule: a user who blocked the bot gets
nothing more, and a student's supervisor is told once. Every write after a claim carries
the claim's attempt number, so a sender that stalled past its lease changes nothing.
Each function runs in the caller's transaction (the sender opens one per outcome).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications import StudentUnreachable, notify
from storage.models import OutboxMessage, Role
from storage.repositories import outbox, users


async def claim(session: AsyncSession, now: datetime, limit: int,
                lease: timedelta) -> tuple[Sequence[OutboxMessage], int]:
    """Up to ``limit`` due rows, leased to the caller; and how many are waiting in all."""
    rows = await outbox.claim(session, now=now, limit=limit, lease=lease)
    return rows, await outbox.count_pending(session)


async def languages(session: AsyncSession, chat_ids: Collection[int]) -> dict[int, str]:
    """The stored language of each recipient; a chat the bot has no user for is left out."""
    return await users.languages(session, chat_ids)


async def sent(session: AsyncSession, row: OutboxMessage, now: datetime) -> None:
    await outbox.mark_sent(session, [row.id], now, row.attempts)


async def part_sent(session: AsyncSession, row: OutboxMessage, parts: int) -> None:
    """The first ``parts`` parts of a message went out: a retry resumes after them."""
    await outbox.set_parts_sent(session, row.id, parts, row.attempts)


async def failed(session: AsyncSession, row: OutboxMessage, reason: str) -> None:
    await outbox.mark_failed(session, row.id, reason, row.attempts)


async def retry_at(session: AsyncSession, row: OutboxMessage, at: datetime, reason: str,
                   refund: bool = False) -> None:
    await outbox.reschedule(session, row.id, at, reason, row.attempts, refund=refund)


async def unreachable(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """The user blocked the bot: stop writing to them and tell their supervisor, once."""
    await outbox.fail_pending_for_chat(session, chat_id, "403 blocked by user")
    user = await users.get(session, chat_id)
    if user is None or not user.reachable:
        return
    await users.set_reachable(session, user.id, False)
    if user.role == Role.STUDENT.value and user.supervisor_id is not None:
        notify(session, user.supervisor_id, StudentUnreachable(student_name=user.full_name), now)
