"""Registered users written straight into the database, for tests about what comes after."""

from __future__ import annotations

from datetime import UTC, datetime

from services.vocabulary import Role, TeamRole
from storage.db import create_engine, create_session_factory
from storage.models import ThesisMember, User

START = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
SUPERVISOR = 100
ALICE, BOB = 201, 202


async def seed(url: str, *, supervisor: int = SUPERVISOR,
               students: dict[int, str] | None = None) -> None:
    """A supervisor "Sam Supervisor" and their students (default Alice A and Bob B)."""
    students = students if students is not None else {ALICE: "Alice A", BOB: "Bob B"}
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            session.add(User(id=supervisor, role=Role.SUPERVISOR.value,
                             full_name="Sam Supervisor", language="en", created_at=START))
            await session.flush()
            for user_id, name in students.items():
                session.add(User(id=user_id, role=Role.STUDENT.value, full_name=name,
                                 language="en", invited_by_id=supervisor, created_at=START))
            await session.flush()
            # As registration writes it: the student's team begins with their supervisor.
            for user_id in students:
                session.add(ThesisMember(student_id=user_id, user_id=supervisor,
                                         role=TeamRole.SUPERVISOR.value, created_at=START))
    finally:
        await engine.dispose()
