"""Calendar feed tokens and export download links, found by the hash of their secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CalendarToken, ExportLink


async def calendar_of(session: AsyncSession, user_id: int, *,
                      lock: bool = False) -> CalendarToken | None:
    query = select(CalendarToken).where(CalendarToken.user_id == user_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def calendar_by_hash(session: AsyncSession, token_hash: str) -> CalendarToken | None:
    return await session.scalar(select(CalendarToken)
                                .where(CalendarToken.token_hash == token_hash))


def add(session: AsyncSession, row: CalendarToken | ExportLink) -> None:
    session.add(row)


async def export_by_hash(session: AsyncSession, token_hash: str,
                         now: datetime) -> ExportLink | None:
    return await session.scalar(select(ExportLink).where(
        ExportLink.token_hash == token_hash, ExportLink.expires_at > now))


async def drop_expired_exports(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(ExportLink).where(ExportLink.expires_at <= now))
