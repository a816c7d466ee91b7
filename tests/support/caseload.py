"""Thirty students of a supervisor in known states, written straight into the database: the
world of the /students, /message and silent-digest tests and of the benchmark.

At ``now`` (names sort as listed inside each group):
- waiting: W1..W5, a version waiting 9, 8, 7, 6, 5 days (W3 also has an overdue milestone);
- overdue: O1..O6, a milestone overdue since 6..1 days, a version 3 days ago;
- silent: S1..S7, their one version 40..34 days ago (changes requested), nothing since;
- no submission: N1..N6, joined 2 days ago;
- the rest: R1..R6, a version approved 1 day ago.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage.db import create_engine, create_session_factory
from storage.models import (
    Milestone,
    Role,
    Submission,
    TeamRole,
    Thesis,
    ThesisMember,
    ThesisStatus,
    User,
)
from tests.support.files import stored

FIRST_ID = 1001


@dataclass
class Caseload:
    ids: dict[str, int] = field(default_factory=dict)

    def names(self, prefix: str) -> list[str]:
        return [name for name in self.ids if name.startswith(prefix)]


async def seed_caseload(url: str, supervisor: int, now: datetime,
                        first_id: int = FIRST_ID) -> Caseload:
    world = Caseload()
    day = timedelta(days=1)
    plan: list[tuple[str, str | None, timedelta | None, timedelta | None]] = []
    # (name, thesis status, version age, overdue by)
    plan += [(f"W{i} Waiting", ThesisStatus.SUBMITTED.value, (10 - i) * day,
              2 * day if i == 3 else None) for i in range(1, 6)]
    plan += [(f"O{i} Overdue", ThesisStatus.CHANGES_REQUESTED.value, 3 * day, (7 - i) * day)
             for i in range(1, 7)]
    plan += [(f"S{i} Silent", ThesisStatus.CHANGES_REQUESTED.value, (41 - i) * day, None)
             for i in range(1, 8)]
    plan += [(f"N{i} Nothing", None, None, None) for i in range(1, 7)]
    plan += [(f"R{i} Rest", ThesisStatus.APPROVED.value, day, None) for i in range(1, 7)]
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            for n, (name, status, _age, _overdue) in enumerate(plan):
                user_id = first_id + n
                world.ids[name] = user_id
                joined = now - (2 * day if status is None else 60 * day)
                session.add(User(id=user_id, role=Role.STUDENT.value, full_name=name,
                                 language="en", invited_by_id=supervisor, created_at=joined))
            await session.flush()
            for name, status, age, overdue in plan:
                user_id = world.ids[name]
                # As registration writes it: the team begins with the supervisor.
                session.add(ThesisMember(student_id=user_id, user_id=supervisor,
                                         role=TeamRole.SUPERVISOR.value, created_at=now))
                if status is not None and age is not None:
                    at = now - age
                    thesis = Thesis(student_id=user_id, title=f"Thesis of {name}", status=status,
                                    latest_version=1, created_at=at, updated_at=at)
                    session.add(thesis)
                    await session.flush()
                    session.add(stored(f"seed/{user_id}.pdf"))
                    session.add(Submission(thesis_id=thesis.id, version=1,
                                           file_key=f"seed/{user_id}.pdf", file_name="t.pdf",
                                           file_kind="pdf", file_size=1, sha256="0" * 64,
                                           submitted_at=at))
                if overdue is not None:
                    session.add(Milestone(supervisor_id=supervisor, student_id=user_id,
                                          title=f"Chapter of {name}", due_at=now - overdue,
                                          created_at=now - 30 * day,
                                          due_set_at=now - 30 * day))
    finally:
        await engine.dispose()
    return world
