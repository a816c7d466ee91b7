"""Inserting a row that a unique key may refuse, without spoiling the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def insert_once(session: AsyncSession, row: T, refused: type[Exception],
                      when: Callable[[IntegrityError], bool] = lambda _exc: True) -> T:
    """Insert ``row`` in a savepoint (so the outer transaction stays usable); a refusal the
    database gives and ``when`` recognises is raised as ``refused``, any other as it is."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        if when(exc):
            raise refused from exc
        raise
    return row
