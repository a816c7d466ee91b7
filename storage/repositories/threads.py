"""Threads (comments on a version) and supervisor-only notes about a student."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SupervisorNote, ThreadMessage, User


async def add(session: AsyncSession, message: ThreadMessage) -> ThreadMessage:
    session.add(message)
    await session.flush()
    return message


async def get(session: AsyncSession, message_id: int) -> ThreadMessage | None:
    return await session.get(ThreadMessage, message_id)


async def by_file_key(session: AsyncSession, file_key: str) -> ThreadMessage | None:
    query = select(ThreadMessage).where(ThreadMessage.file_key == file_key)
    return (await session.scalars(query.limit(1))).first()


async def count(session: AsyncSession, submission_id: int) -> int:
    query = select(func.count()).select_from(ThreadMessage).where(
        ThreadMessage.submission_id == submission_id)
    return int(await session.scalar(query) or 0)


async def page(session: AsyncSession, submission_id: int, *, offset: int,
               limit: int) -> list[tuple[ThreadMessage, User | None]]:
    """A page of a version's thread, oldest first, each comment with its author."""
    query = (select(ThreadMessage, User)
             .outerjoin(User, User.id == ThreadMessage.author_id)
             .where(ThreadMessage.submission_id == submission_id)
             .order_by(ThreadMessage.id).offset(offset).limit(limit))
    return [(message, author) for message, author in await session.execute(query)]


def add_note(session: AsyncSession, note: SupervisorNote) -> None:
    session.add(note)


async def notes_of(session: AsyncSession, student_id: int,
                   limit: int) -> Sequence[tuple[SupervisorNote, User | None]]:
    """The newest ``limit`` notes about a student, oldest of them first."""
    newest = (select(SupervisorNote.id).where(SupervisorNote.student_id == student_id)
              .order_by(SupervisorNote.id.desc()).limit(limit).subquery())
    query = (select(SupervisorNote, User)
             .outerjoin(User, User.id == SupervisorNote.author_id)
             .where(SupervisorNote.id.in_(select(newest.c.id)))
             .order_by(SupervisorNote.id))
    return [(note, author) for note, author in await session.execute(query)]
