"""Assessment schemes, assessments, marks and declarations (services/assessment.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Assessment,
    AssessmentMark,
    AssessmentScheme,
    AssessmentState,
    Declaration,
    DeclarationText,
    Thesis,
)


class DuplicateMark(Exception):
    """This marker's marks are in already (a double submit, or two replicas at once)."""


async def current_scheme(session: AsyncSession) -> AssessmentScheme | None:
    return await session.scalar(
        select(AssessmentScheme).order_by(AssessmentScheme.version.desc()).limit(1))


async def scheme(session: AsyncSession, scheme_id: int) -> AssessmentScheme | None:
    return await session.get(AssessmentScheme, scheme_id)


async def next_scheme_version(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(AssessmentScheme.version))) or 0) + 1


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def for_thesis(session: AsyncSession, thesis_id: int, *,
                     lock: bool = False) -> Assessment | None:
    query = select(Assessment).where(Assessment.thesis_id == thesis_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def marks(session: AsyncSession, assessment_id: int) -> Sequence[AssessmentMark]:
    return (await session.scalars(select(AssessmentMark)
                                  .where(AssessmentMark.assessment_id == assessment_id)
                                  .order_by(AssessmentMark.id))).all()


async def add_mark(session: AsyncSession, mark: AssessmentMark) -> AssessmentMark:
    try:
        async with session.begin_nested():
            session.add(mark)
            await session.flush()
    except IntegrityError:
        raise DuplicateMark() from None
    return mark


async def overdue_disagreements(session: AsyncSession, before: datetime) -> Sequence[Assessment]:
    """Disagreements older than ``before`` that no admin has been asked about yet."""
    query = (select(Assessment)
             .where(Assessment.state == AssessmentState.DISAGREED.value,
                    Assessment.disagreed_at <= before, Assessment.escalated_at.is_(None))
             .order_by(Assessment.id).with_for_update(skip_locked=True))
    return (await session.scalars(query)).all()


async def all_with_theses(session: AsyncSession,
                          student_ids: Sequence[int] | None) -> Sequence[tuple[Assessment, Thesis]]:
    query = select(Assessment, Thesis).join(Thesis, Thesis.id == Assessment.thesis_id)
    if student_ids is not None:
        query = query.where(Thesis.student_id.in_(list(student_ids)))
    rows = await session.execute(query.order_by(Thesis.id))
    return [(a, t) for a, t in rows]


async def released_recent(session: AsyncSession,
                          limit: int) -> Sequence[tuple[Assessment, Thesis]]:
    """Released assessments, the latest release first."""
    rows = await session.execute(
        select(Assessment, Thesis).join(Thesis, Thesis.id == Assessment.thesis_id)
        .where(Assessment.state == AssessmentState.RELEASED.value)
        .order_by(Assessment.released_at.desc(), Assessment.id.desc()).limit(limit))
    return [(a, t) for a, t in rows]


async def statement(session: AsyncSession, language: str) -> DeclarationText | None:
    return await session.get(DeclarationText, language)


async def statements(session: AsyncSession) -> dict[str, str]:
    rows = await session.scalars(select(DeclarationText))
    return {row.language: row.statement for row in rows}


async def declaration(session: AsyncSession, thesis_id: int) -> Declaration | None:
    return await session.scalar(select(Declaration).where(Declaration.thesis_id == thesis_id)
                                .order_by(Declaration.id.desc()).limit(1))


async def marks_by(session: AsyncSession, marker_id: int) -> Sequence[AssessmentMark]:
    return (await session.scalars(select(AssessmentMark)
                                  .where(AssessmentMark.marker_id == marker_id)
                                  .order_by(AssessmentMark.id))).all()
