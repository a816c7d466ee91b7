"""The notification outbox: rows written with the change, claimed safely by senders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import OutboxStatus
from storage.models import OutboxMessage

P, SENDING = OutboxStatus.PENDING.value, OutboxStatus.SENDING.value


def add(session: AsyncSession, *, chat_id: int, kind: str, payload: dict[str, Any],
        now: datetime, ref: str | None = None, at: datetime | None = None) -> None:
    """``at``: not sent before then (a notice held for a quiet period)."""
    session.add(OutboxMessage(chat_id=chat_id, kind=kind, payload=payload, ref=ref,
                              status=P, next_attempt_at=at or now, created_at=now))


async def pending_about(session: AsyncSession, chat_id: int, ref: str,
                        kind: str) -> OutboxMessage | None:
    """The notification of this kind about ``ref`` still waiting to go to ``chat_id``."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.chat_id == chat_id, OutboxMessage.ref == ref,
                    OutboxMessage.kind == kind, OutboxMessage.status == P)
             .order_by(OutboxMessage.id.desc()).limit(1).with_for_update())
    return (await session.scalars(query)).first()


async def by_message(session: AsyncSession, chat_id: int,
                     message_id: int) -> OutboxMessage | None:
    """The notification that became this message of this chat, if it was one of ours."""
    query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id,
                                        OutboxMessage.message_id == message_id)
    return (await session.scalars(query.limit(1))).first()


async def sent_about(session: AsyncSession, ref: str,
                     kinds: Sequence[str]) -> Sequence[OutboxMessage]:
    """The notifications of these kinds about ``ref`` that reached a chat, oldest first."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.ref == ref, OutboxMessage.kind.in_(kinds),
                    OutboxMessage.message_id.is_not(None))
             .order_by(OutboxMessage.id))
    return (await session.scalars(query)).all()


async def claim(session: AsyncSession, *, now: datetime, limit: int,
                lease: timedelta) -> Sequence[OutboxMessage]:
    """Mark up to ``limit`` due rows as being sent by us, for ``lease``.

    Rows whose lease ran out (their sender died) are due again. On PostgreSQL,
    SKIP LOCKED lets several replicas claim side by side without waiting.
    """
    due = or_(
        (OutboxMessage.status == P) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_until < now),
    )
    query = select(OutboxMessage).where(due).order_by(OutboxMessage.id).limit(limit)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.scalars(query)).all()
    for row in rows:
        row.status = SENDING
        row.claimed_until = now + lease
        row.attempts += 1
    await session.flush()
    return rows


def _ours(row_id: int, attempt: int | None) -> Any:
    """The row, if it is still claimed by the sender that claimed it as ``attempt``.

    A sender whose lease ran out (it stalled, another replica took the row over) must not
    overwrite what the new owner did: every write after a claim is fenced by the attempt.
    """
    condition = OutboxMessage.id == row_id
    if attempt is not None:
        condition = condition & (OutboxMessage.status == SENDING) \
            & (OutboxMessage.attempts == attempt)
    return condition


async def mark_sent(session: AsyncSession, ids: Sequence[int], now: datetime,
                    attempt: int | None = None, message_id: int | None = None) -> None:
    if not ids:
        return
    condition = OutboxMessage.id.in_(ids) if attempt is None else _ours(ids[0], attempt)
    await session.execute(
        update(OutboxMessage).where(condition)
        .values(status=OutboxStatus.SENT.value, sent_at=now, claimed_until=None,
                message_id=message_id)
    )


async def set_parts_sent(session: AsyncSession, row_id: int, parts: int,
                        attempt: int | None = None, message_id: int | None = None) -> None:
    await session.execute(update(OutboxMessage).where(_ours(row_id, attempt))
                          .values(parts_sent=parts, message_id=message_id))


async def reschedule(session: AsyncSession, row_id: int, at: datetime, error: str,
                     attempt: int | None = None, refund: bool = False) -> None:
    """Back to pending at ``at``; ``refund`` gives the attempt back (Telegram's flood
    control and an unused claim are not failures of this message)."""
    values: dict[str, Any] = dict(status=P, next_attempt_at=at, claimed_until=None,
                                  last_error=error[:500])
    if refund:
        values["attempts"] = OutboxMessage.attempts - 1
    await session.execute(update(OutboxMessage).where(_ours(row_id, attempt)).values(**values))


async def mark_failed(session: AsyncSession, row_id: int, error: str,
                      attempt: int | None = None) -> None:
    await session.execute(
        update(OutboxMessage).where(_ours(row_id, attempt))
        .values(status=OutboxStatus.FAILED.value, claimed_until=None, last_error=error[:500])
    )


async def fail_pending_for_chat(session: AsyncSession, chat_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status.in_([P, SENDING]))
        .values(status=OutboxStatus.FAILED.value, claimed_until=None, last_error=error)
    )


async def count_pending(session: AsyncSession) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status.in_([P, SENDING]))
    return int(await session.scalar(query) or 0)
