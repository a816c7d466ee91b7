"""The outbox sender's side of notifications: what it may claim and how an outcome is kept.

Pure bookkeeping over the outbox rows, plus two rules: a user who blocked the bot gets
nothing more, and a student's supervisors are told once; a deactivated user is sent nothing
but the notice of their deactivation. Every write after a claim carries
the claim's attempt number, so a sender that stalled past its lease changes nothing.
Each function runs in the caller's transaction (the sender opens one per outcome).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications import Kind, StudentUnreachable, notify
from services.team import members, recipients
from services.vocabulary import Role
from storage.models import OutboxMessage
from storage.repositories import outbox, team, users

# What a deactivated person is still sent: the notice that they were deactivated.
FOR_THE_DEACTIVATED = frozenset({Kind.ACCESS_DEACTIVATED.value})
DEACTIVATED = "recipient deactivated"


@dataclass(frozen=True)
class Claim:
    rows: Sequence[OutboxMessage]  # leased to the caller, to send
    pending: int  # waiting in all
    withheld: int  # claimed but for a deactivated recipient: failed with DEACTIVATED
    # The recipients' stored languages (a chat the bot has no user for is left out).
    languages: dict[int, str] = field(default_factory=dict)


async def claim(session: AsyncSession, now: datetime, limit: int, lease: timedelta) -> Claim:
    """Up to ``limit`` due rows, leased to the caller; and how many are waiting in all.

    A row for someone deactivated since it was written (a decision, a deadline notice, a
    card) is not sent: it is failed with the reason ``DEACTIVATED``, in the claim's
    transaction, and counted by the caller.
    """
    rows = await outbox.claim(session, now=now, limit=limit, lease=lease)
    known = await users.recipients(session, {row.chat_id for row in rows})
    withheld = [row for row in rows
                if known.get(row.chat_id, ("", False))[1]
                and row.kind not in FOR_THE_DEACTIVATED]
    for row in withheld:
        await outbox.mark_failed(session, row.id, DEACTIVATED, row.attempts)
    to_send = [row for row in rows if row not in withheld]
    languages = {chat_id: language for chat_id, (language, _off) in known.items()}
    return Claim(to_send, await outbox.count_pending(session), len(withheld), languages)


async def sent(session: AsyncSession, row: OutboxMessage, now: datetime,
               message_id: int | None = None) -> None:
    """Delivered; ``message_id`` is the message that carries its text and buttons."""
    await outbox.mark_sent(session, [row.id], now, row.attempts, message_id)


async def card_sent(session: AsyncSession, submission_id: int, chat_id: int, message_id: int,
                    caption: bool) -> None:
    """Where a version's card went: a decision by any member updates every card."""
    await team.record_card(session, submission_id, chat_id, message_id, caption)


async def part_sent(session: AsyncSession, row: OutboxMessage, parts: int,
                    message_id: int | None = None) -> None:
    """The first ``parts`` parts of a message went out: a retry resumes after them."""
    await outbox.set_parts_sent(session, row.id, parts, row.attempts, message_id)


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
    if user.role == Role.STUDENT.value:
        for member in recipients(await members(session, user.id), deciders_only=True):
            notify(session, member.user.id, StudentUnreachable(student_name=user.full_name),
                   now)
