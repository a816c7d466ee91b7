"""A thesis team: who is on a thesis, and so who may act on it and who is told.

The one place that answers "who supervises this student": reviews, submissions (the cards),
the overview (/queue, /students), the reminders (the SLA digest), file access and the
delivery rules, deadlines, meetings, exports and the dashboards all ask the functions at the
top of this module. The users table only records who invited someone; the team's
supervisor row is written at registration (and by migration 0009 for everyone registered
before teams).

Roles: the **supervisor** (one, who invited the student; manages the team), any number of
**co-supervisors** (decide versions like the supervisor), at most one **examiner** (does not
decide versions; grades the final thesis). Deactivated members neither act nor are told.
The team's own use cases (invites, joining, Remove, the rule, the grade) are in
services/team_management.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import NotAllowed
from services.notifications import Payload, notify
from services.vocabulary import TEAM_SIDE, Role, TeamRole
from storage.models import ThesisMember, User
from storage.repositories import team

# Who decides versions; the examiner does not.
DECIDERS = frozenset({TeamRole.SUPERVISOR, TeamRole.CO_SUPERVISOR})


@dataclass(frozen=True)
class Member:
    user: User
    role: TeamRole

    @property
    def active(self) -> bool:
        return self.user.deactivated_at is None

    @property
    def decides(self) -> bool:
        return self.role in DECIDERS


# --- the questions everyone asks ------------------------------------------------------------

async def teams(session: AsyncSession, student_ids: Collection[int]) -> dict[int, list[Member]]:
    """The teams of these students (supervisor, co-supervisors, examiner), deactivated
    members included (they still show; they neither act nor are told)."""
    found: dict[int, list[Member]] = defaultdict(list)
    for row, user in await team.members_of(session, student_ids):
        found[row.student_id].append(Member(user, TeamRole(row.role)))
    return found


async def members(session: AsyncSession, student_id: int) -> list[Member]:
    return (await teams(session, [student_id])).get(student_id, [])


async def role_of(session: AsyncSession, actor: User, student_id: int) -> TeamRole | None:
    """The actor's role on this student's thesis; None for a non-member or a deactivated one."""
    if actor.deactivated_at is not None or actor.role not in TEAM_SIDE:
        return None
    role = await team.role_of(session, student_id, actor.id)
    return TeamRole(role) if role is not None else None


async def may_review(session: AsyncSession, actor: User, student: User) -> bool:
    """Decide versions and move the thesis: its supervisor and co-supervisors, and admins."""
    if actor.role == Role.ADMIN.value:
        return True
    return await role_of(session, actor, student.id) in DECIDERS


async def may_manage(session: AsyncSession, actor: User, student: User) -> bool:
    """Invite, remove, set the approval rule: the supervisor, and admins."""
    if actor.role == Role.ADMIN.value:
        return True
    return await role_of(session, actor, student.id) is TeamRole.SUPERVISOR


async def may_see(session: AsyncSession, actor: User, student: User) -> bool:
    """The thesis, its versions and files: the student, every member, and admins."""
    if actor.id == student.id or actor.role == Role.ADMIN.value:
        return True
    return await role_of(session, actor, student.id) is not None


def scope_of(actor: User) -> int | None:
    """Whose theses a list shows (/queue, the dashboards' students): a supervisor's own and
    those they are a member of (their id), or everyone's for an admin (None)."""
    if actor.role in TEAM_SIDE:
        return actor.id
    if actor.role == Role.ADMIN.value:
        return None
    raise NotAllowed()


async def students_of(session: AsyncSession, actor: User) -> list[User]:
    """The students whose versions the actor decides (supervisor or co-supervisor, active):
    whom they set deadlines and meetings for. An examiner's students are not among them."""
    if actor.deactivated_at is not None or actor.role not in TEAM_SIDE:
        return []
    return list(await team.students_of(session, actor.id, [r.value for r in DECIDERS]))


async def students_on_teams_of(session: AsyncSession, member_id: int) -> list[User]:
    """The students on whose teams this person sits, in any role (a list's scope)."""
    return list(await team.students_of(session, member_id, [r.value for r in TeamRole]))


async def supervisor_of(session: AsyncSession, student_id: int) -> User | None:
    """The supervisor of this student's thesis (the team's supervisor row)."""
    return await team.supervisor_of(session, student_id)


def recipients(team_members: Iterable[Member], *, deciders_only: bool = False,
               exclude: Collection[int] = ()) -> list[Member]:
    """The members who are told (active ones), optionally only those who decide."""
    return [m for m in team_members if m.active and m.user.id not in exclude
            and (m.decides or not deciders_only)]


async def add_supervisor(session: AsyncSession, student_id: int, supervisor_id: int,
                         now: datetime) -> None:
    """The student's team begins with the supervisor who invited them (at registration)."""
    await team.add(session, ThesisMember(student_id=student_id, user_id=supervisor_id,
                                         role=TeamRole.SUPERVISOR.value, created_at=now))


async def add_co_supervisor(session: AsyncSession, student_id: int, user_id: int,
                            now: datetime) -> None:
    """A co-supervisor named on the topic the student was accepted for, or by the
    department's roster (services/roster.py), joins the team."""
    await team.add(session, ThesisMember(student_id=student_id, user_id=user_id,
                                         role=TeamRole.CO_SUPERVISOR.value, created_at=now))


def tell_all(session: AsyncSession, student: User, team_members: Iterable[Member],
             payload: Payload, now: datetime, exclude: Collection[int] = ()) -> None:
    """The student and every active member (but ``exclude``) get ``payload``."""
    if student.deactivated_at is None and student.id not in exclude:
        notify(session, student.id, payload, now)
    for member in recipients(team_members, exclude=exclude):
        notify(session, member.user.id, payload, now)
