"""The shared-text index (similarity_bands) and each version's check (version_similarity)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    SimilarityBand,
    Submission,
    Thesis,
    VersionSimilarity,
    VersionText,
)

# Rows per INSERT: a long thesis has a few hundred bands.
BATCH = 5000


async def replace_bands(session: AsyncSession, submission_id: int, hashes: Sequence[int],
                        ) -> None:
    """The version's place in the index, in place of what it had (a second worker's or a
    reindex's copy is the same)."""
    await session.execute(delete(SimilarityBand)
                          .where(SimilarityBand.submission_id == submission_id))
    for start in range(0, len(hashes), BATCH):
        await session.execute(insert(SimilarityBand), [
            {"hash": value, "submission_id": submission_id}
            for value in hashes[start:start + BATCH]])


async def save(session: AsyncSession, submission_id: int, **values: Any) -> None:
    row = await session.get(VersionSimilarity, submission_id)
    if row is None:
        session.add(VersionSimilarity(submission_id=submission_id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    await session.flush()


async def candidates(session: AsyncSession, hashes: Sequence[int], student_id: int,
                     limit: int) -> list[tuple[int, int]]:
    """(submission id, bands in common) of the versions sharing most bands with ``hashes``,
    none of ``student_id``'s own theses."""
    if not hashes:
        return []
    hits = func.count().label("hits")
    query = (select(SimilarityBand.submission_id, hits)
             .join(Submission, Submission.id == SimilarityBand.submission_id)
             .join(Thesis, Thesis.id == Submission.thesis_id)
             .where(SimilarityBand.hash.in_(list(hashes)), Thesis.student_id != student_id)
             .group_by(SimilarityBand.submission_id)
             .order_by(hits.desc(), SimilarityBand.submission_id.desc()).limit(limit))
    return [(int(sid), int(count)) for sid, count in (await session.execute(query)).all()]


async def sources(session: AsyncSession, ids: Collection[int]
                  ) -> list[tuple[Submission, Thesis, VersionText]]:
    if not ids:
        return []
    query = (select(Submission, Thesis, VersionText)
             .join(Thesis, Thesis.id == Submission.thesis_id)
             .join(VersionText, VersionText.submission_id == Submission.id)
             .where(Submission.id.in_(list(ids))))
    return [(s, t, v) for s, t, v in (await session.execute(query)).all()]


async def get(session: AsyncSession, submission_id: int) -> VersionSimilarity | None:
    return await session.get(VersionSimilarity, submission_id)


async def of_submissions(session: AsyncSession, ids: Collection[int]
                         ) -> dict[int, VersionSimilarity]:
    if not ids:
        return {}
    query = select(VersionSimilarity).where(VersionSimilarity.submission_id.in_(list(ids)))
    return {row.submission_id: row for row in await session.scalars(query)}


async def of_version(session: AsyncSession, thesis_id: int, version: int,
                     kind: str = "thesis") -> tuple[int, VersionSimilarity | None] | None:
    """A thesis's version of ``kind`` (its id) and its check, if it has one."""
    row = (await session.execute(
        select(Submission.id, VersionSimilarity)
        .outerjoin(VersionSimilarity, VersionSimilarity.submission_id == Submission.id)
        .where(Submission.thesis_id == thesis_id, Submission.version == version,
               Submission.kind == kind))).first()
    return (int(row[0]), row[1]) if row is not None else None


async def texts_after(session: AsyncSession, after: int, limit: int
                      ) -> Sequence[VersionText]:
    """Stored texts in id order, for a reindex."""
    query = (select(VersionText).where(VersionText.submission_id > after)
             .order_by(VersionText.submission_id).limit(limit))
    return (await session.scalars(query)).all()


async def size(session: AsyncSession) -> tuple[int, int]:
    """(band rows, versions with a check row) in the index."""
    bands = await session.scalar(select(func.count()).select_from(SimilarityBand))
    versions = await session.scalar(select(func.count()).select_from(VersionSimilarity))
    return int(bands or 0), int(versions or 0)
