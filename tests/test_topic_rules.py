"""Issue 32's rules at the service level, against the real database: at most
MAX_OPEN_APPLICATIONS open per person, one per topic, a topic's co-supervisors join the
accepted student's team, Accept closes the student's other applications (their supervisors
told), and who may not apply."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from services.clock import ManualClock
from services.context import ServiceConfig, ServiceDeps, Services
from services.errors import (
    AlreadyApplied,
    CannotApply,
    InvalidTopic,
    NotAllowed,
    TooManyApplications,
)
from services.registration import Person
from services.topics import TopicDraft
from services.vocabulary import Role
from storage.db import create_engine, create_session_factory
from storage.files import LocalFileStore
from storage.models import Application, OutboxMessage, ThesisMember, User
from tests.people import START, SUPERVISOR, seed

CORA = 110
APPLICANT = Person(401, "Dana Applicant", "dana", "en")


async def test_limits_co_supervisors_and_accepted_elsewhere(db: str, tmp_path: Path) -> None:
    await seed(db, students={})
    engine = create_engine(db)
    session_factory = create_session_factory(engine)
    async with session_factory() as session, session.begin():
        session.add(User(id=CORA, role=Role.SUPERVISOR.value, full_name="Cora Cosup",
                         username="Cora", language="en", created_at=START))
    deps = ServiceDeps(files=LocalFileStore(tmp_path / "files"),
                       config=ServiceConfig(max_open_applications=3),
                       clock=ManualClock(START))
    try:
        async with session_factory() as session:
            services = Services(session, deps)
            sam = await session.get(User, SUPERVISOR)
            assert sam is not None
            session.expunge(sam)  # a detached snapshot, as the middleware gives handlers
            ids = []
            for n in range(4):
                topic = await services.topics.create(sam, TopicDraft(
                    title=f"Topic {n}", description="About it.", requirements=None, places=1,
                    language="en", tags=["graphs"]))
                ids.append(topic.id)
            with pytest.raises(InvalidTopic):  # nobody on the supervising side is @nobody
                await services.topics.set_co_supervisors(sam, ids[0], ["@nobody"])
            named = await services.topics.set_co_supervisors(sam, ids[0], ["@cora"])
            assert [person.id for person in named] == [CORA]

            for topic_id in ids[:3]:
                await services.applications.apply(APPLICANT, topic_id, "Motivated.", None)
            with pytest.raises(AlreadyApplied):
                await services.applications.apply(APPLICANT, ids[0], "Again.", None)
            with pytest.raises(TooManyApplications):
                await services.applications.apply(APPLICANT, ids[3], "A fourth.", None)

            first = (await session.scalars(select(Application.id).where(
                Application.topic_id == ids[0]))).one()
            with pytest.raises(NotAllowed):  # a template that is not one
                await services.applications.decline(sam, first, "rude", None)
            accepted = await services.applications.accept(sam, first)
            assert accepted.closed and accepted.student.role == Role.STUDENT.value
            team = {(m.user_id, m.role) for m in (await session.scalars(select(
                ThesisMember).where(ThesisMember.student_id == APPLICANT.id))).all()}
            assert team == {(SUPERVISOR, "supervisor"), (CORA, "co_supervisor")}
            others = (await session.execute(select(Application.state, Application.reason_key)
                                            .where(Application.id != first))).all()
            assert sorted(others) == [("declined", "accepted_elsewhere")] * 2
            withdrawn = (await session.scalars(select(OutboxMessage.chat_id).where(
                OutboxMessage.kind == "application_withdrawn"))).all()
            assert withdrawn == [SUPERVISOR, SUPERVISOR]
            # A student with a supervisor applies no more; nor does a supervisor.
            with pytest.raises(CannotApply):
                await services.applications.apply(APPLICANT, ids[3], "Once more.", None)
            with pytest.raises(CannotApply):
                await services.applications.apply(Person(CORA, "Cora Cosup"), ids[3], "Me.",
                                                  None)
    finally:
        await engine.dispose()
