"""Thesis teams: members, their votes on versions, the examiner's grade, delivered cards.

Read only through services/team.py, the one place that says who is on a thesis.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, case, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import TeamRole
from storage.models import ExaminerGrade, ReviewCard, ThesisMember, User
from storage.repositories.rows import insert_once


class DuplicateMember(Exception):
    """The database refused the row: already a member, or the examiner's place is taken."""


class DuplicateRow(Exception):
    """A second vote of one member on one version, or a second examiner's grade."""


# Supervisor first, then co-supervisors, then the examiner; by name within each.
_ROLE_ORDER = case((ThesisMember.role == TeamRole.SUPERVISOR.value, 0),
                   (ThesisMember.role == TeamRole.CO_SUPERVISOR.value, 1), else_=2)
_MEMBERS = (
    select(ThesisMember, User).join(User, User.id == ThesisMember.user_id)
    .where(ThesisMember.student_id.in_(bindparam("student_ids", expanding=True)))
    .order_by(ThesisMember.student_id, _ROLE_ORDER, User.full_name, User.id)
)


async def members_of(session: AsyncSession, student_ids: Collection[int],
                     ) -> list[tuple[ThesisMember, User]]:
    """Every member of these students' teams, with their users, in one statement."""
    if not student_ids:
        return []
    rows = await session.execute(_MEMBERS, {"student_ids": list(student_ids)})
    return [(member, user) for member, user in rows]


async def students_of(session: AsyncSession, user_id: int,
                      roles: Collection[str]) -> Sequence[User]:
    """The students on whose teams this user has one of these roles, by name."""
    query = (select(User).join(ThesisMember, ThesisMember.student_id == User.id)
             .where(ThesisMember.user_id == user_id, ThesisMember.role.in_(list(roles)))
             .order_by(User.full_name, User.id))
    return (await session.scalars(query)).all()


async def supervisor_of(session: AsyncSession, student_id: int) -> User | None:
    """The team's supervisor (one at most)."""
    return await session.scalar(
        select(User).join(ThesisMember, ThesisMember.user_id == User.id)
        .where(ThesisMember.student_id == student_id,
               ThesisMember.role == TeamRole.SUPERVISOR.value))


_ROLE_OF = select(ThesisMember.role).where(ThesisMember.student_id == bindparam("student_id"),
                                           ThesisMember.user_id == bindparam("user_id"))


async def role_of(session: AsyncSession, student_id: int, user_id: int) -> str | None:
    return await session.scalar(_ROLE_OF, {"student_id": student_id, "user_id": user_id})


async def add(session: AsyncSession, member: ThesisMember) -> ThesisMember:
    return await insert_once(session, member, DuplicateMember)


async def remove(session: AsyncSession, student_id: int, user_id: int) -> str | None:
    """Remove a member; their role, or None when they were not one (a second click)."""
    result = await session.execute(
        delete(ThesisMember)
        .where(ThesisMember.student_id == student_id, ThesisMember.user_id == user_id)
        .returning(ThesisMember.role))
    return result.scalar_one_or_none()


# --- the examiner's grade ----------------------------------------------------------------

async def add_grade(session: AsyncSession, grade: ExaminerGrade) -> ExaminerGrade:
    return await insert_once(session, grade, DuplicateRow)


async def grade_for(session: AsyncSession, thesis_id: int) -> ExaminerGrade | None:
    return await session.scalar(select(ExaminerGrade).where(ExaminerGrade.thesis_id == thesis_id))


async def grade_by_report_key(session: AsyncSession, key: str) -> ExaminerGrade | None:
    return await session.scalar(select(ExaminerGrade).where(ExaminerGrade.report_file_key == key))


async def get_grade(session: AsyncSession, grade_id: int) -> ExaminerGrade | None:
    return await session.get(ExaminerGrade, grade_id)


# --- where cards went --------------------------------------------------------------------

async def record_card(session: AsyncSession, submission_id: int, chat_id: int,
                      message_id: int, caption: bool) -> None:
    await session.merge(ReviewCard(submission_id=submission_id, chat_id=chat_id,
                                   message_id=message_id, caption=caption))


async def cards(session: AsyncSession, submission_id: int) -> Sequence[ReviewCard]:
    return (await session.scalars(
        select(ReviewCard).where(ReviewCard.submission_id == submission_id))).all()
