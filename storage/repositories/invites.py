from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite


async def add(session: AsyncSession, invite: Invite) -> Invite:
    session.add(invite)
    await session.flush()
    return invite


async def by_code(session: AsyncSession, code: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.code == code))


async def get(session: AsyncSession, invite_id: int) -> Invite | None:
    return await session.get(Invite, invite_id)


async def consume(session: AsyncSession, invite_id: int, now: datetime) -> bool:
    """Take one use, atomically: two people racing for the last use cannot both win."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.uses < Invite.max_uses,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
        .values(uses=Invite.uses + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def active_by(session: AsyncSession, creator_id: int, now: datetime) -> Sequence[Invite]:
    query = (
        select(Invite)
        .where(
            Invite.created_by == creator_id,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
            Invite.uses < Invite.max_uses,
            # Personal links of a roster are listed by /roster, not /invites.
            Invite.roster_person_id.is_(None),
        )
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    return (await session.scalars(query)).all()


async def revoke(session: AsyncSession, invite_id: int, now: datetime) -> bool:
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite_id, Invite.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_open_by(session: AsyncSession, creator_id: int, now: datetime) -> int:
    """Revoke every invite of this person that could still be used; how many there were."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.created_by == creator_id,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
            Invite.uses < Invite.max_uses,
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
