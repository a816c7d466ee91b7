"""Checklist items: the requested changes of a review, open until a decision closes them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import ChecklistState
from storage.models import ChecklistItem

OPEN, CLOSED = ChecklistState.OPEN.value, ChecklistState.CLOSED.value


def add(session: AsyncSession, *, thesis_id: int, review_id: int, texts: Sequence[str],
        now: datetime) -> None:
    for position, text in enumerate(texts, start=1):
        session.add(ChecklistItem(thesis_id=thesis_id, review_id=review_id, text=text,
                                  position=position, state=OPEN, created_at=now))


# Built once (read on every /status): building it cost more CPU than running it.
_OPEN_ITEMS = (select(ChecklistItem)
               .where(ChecklistItem.thesis_id == bindparam("thesis_id"),
                      ChecklistItem.state == OPEN)
               .order_by(ChecklistItem.review_id, ChecklistItem.position))


async def open_items(session: AsyncSession, thesis_id: int) -> Sequence[ChecklistItem]:
    """The thesis's open items, oldest round first, in the order they were written."""
    return (await session.scalars(_OPEN_ITEMS, {"thesis_id": thesis_id})).all()


async def set_addressed(session: AsyncSession, thesis_id: int, item_ids: Collection[int],
                        submission_id: int) -> None:
    """Mark these open items of this thesis as addressed by the version (other ids: ignored)."""
    if not item_ids:
        return
    await session.execute(
        update(ChecklistItem)
        .where(ChecklistItem.thesis_id == thesis_id, ChecklistItem.state == OPEN,
               ChecklistItem.id.in_(list(item_ids)))
        .values(addressed_submission_id=submission_id)
        .execution_options(synchronize_session=False))


async def close(session: AsyncSession, item_ids: Collection[int], now: datetime) -> None:
    if not item_ids:
        return
    await session.execute(
        update(ChecklistItem)
        .where(ChecklistItem.id.in_(list(item_ids)), ChecklistItem.state == OPEN)
        .values(state=CLOSED, closed_at=now)
        .execution_options(synchronize_session=False))


async def count_of_review(session: AsyncSession, review_id: int) -> int:
    query = select(func.count()).select_from(ChecklistItem).where(
        ChecklistItem.review_id == review_id)
    return int(await session.scalar(query) or 0)
