"""Anchored comments of the review desk (see services/anchors.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Anchor, ChecklistItem, ChecklistState, Submission


def add(session: AsyncSession, anchor: Anchor) -> Anchor:
    session.add(anchor)
    return anchor


async def get(session: AsyncSession, anchor_id: int) -> Anchor | None:
    return await session.get(Anchor, anchor_id)


async def of_submission(session: AsyncSession, submission_id: int
                        ) -> Sequence[tuple[Anchor, ChecklistItem | None]]:
    """A version's anchors in the order they were written, each with its checklist item."""
    query = (select(Anchor, ChecklistItem)
             .outerjoin(ChecklistItem, ChecklistItem.id == Anchor.checklist_item_id)
             .where(Anchor.submission_id == submission_id).order_by(Anchor.id))
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def located_in(session: AsyncSession, submission_id: int
                     ) -> Sequence[tuple[Anchor, ChecklistItem | None, int]]:
    """Earlier versions' anchors looked for in this version, with their item and the
    version number they were written on."""
    query = (select(Anchor, ChecklistItem, Submission.version)
             .join(Submission, Submission.id == Anchor.submission_id)
             .outerjoin(ChecklistItem, ChecklistItem.id == Anchor.checklist_item_id)
             .where(Anchor.located_submission_id == submission_id).order_by(Anchor.id))
    return [(row[0], row[1], int(row[2])) for row in (await session.execute(query)).all()]


async def located_in_versions(session: AsyncSession, submission_ids: Collection[int],
                              ) -> dict[int, list[Anchor]]:
    """``located_in`` for several versions in one statement: each version's located anchors."""
    found: dict[int, list[Anchor]] = {}
    if not submission_ids:
        return found
    query = (select(Anchor).where(Anchor.located_submission_id.in_(submission_ids))
             .order_by(Anchor.id))
    for anchor in (await session.scalars(query)).all():
        assert anchor.located_submission_id is not None
        found.setdefault(anchor.located_submission_id, []).append(anchor)
    return found


async def drafts(session: AsyncSession, submission_id: int) -> Sequence[Anchor]:
    """The version's anchors not sent yet (no checklist item)."""
    query = (select(Anchor).where(Anchor.submission_id == submission_id,
                                  Anchor.checklist_item_id.is_(None)).order_by(Anchor.id))
    return (await session.scalars(query)).all()


async def delete_draft(session: AsyncSession, anchor_id: int) -> bool:
    result = await session.execute(delete(Anchor).where(
        Anchor.id == anchor_id, Anchor.checklist_item_id.is_(None)))
    return bool(getattr(result, "rowcount", 0))


async def link(session: AsyncSession, review_id: int,
               by_position: dict[int, int]) -> None:
    """Each draft (by anchor id) gets the checklist item raised at its position."""
    if not by_position:
        return
    await session.flush()
    items = (await session.execute(
        select(ChecklistItem.position, ChecklistItem.id)
        .where(ChecklistItem.review_id == review_id))).all()
    ids = {int(position): int(item_id) for position, item_id in items}
    for anchor_id, position in by_position.items():
        if position in ids:
            await session.execute(update(Anchor).where(Anchor.id == anchor_id)
                                  .values(checklist_item_id=ids[position])
                                  .execution_options(synchronize_session=False))


async def open_of_thesis(session: AsyncSession, thesis_id: int,
                         before_version: int) -> Sequence[Anchor]:
    """Anchors sent as checklist items still open, written on an earlier version."""
    query = (select(Anchor)
             .join(ChecklistItem, ChecklistItem.id == Anchor.checklist_item_id)
             .join(Submission, Submission.id == Anchor.submission_id)
             .where(ChecklistItem.thesis_id == thesis_id,
                    ChecklistItem.state == ChecklistState.OPEN.value,
                    Submission.version < before_version)
             .order_by(Anchor.id))
    return (await session.scalars(query)).all()


async def set_located(session: AsyncSession, submission_id: int,
                      located: Collection[tuple[int, str, int | None]]) -> None:
    for anchor_id, state, page in located:
        await session.execute(update(Anchor).where(Anchor.id == anchor_id).values(
            located_submission_id=submission_id, located_state=state, located_page=page)
            .execution_options(synchronize_session=False))
