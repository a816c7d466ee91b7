"""The team's own use cases: the view, invites, joining, removal, the approval rule and
the examiner's grade. Who is on a team is answered by services/team.py alone."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from services.base import BaseService, read_only, writes
from services.errors import (
    AlreadyMember,
    CannotRemoveSupervisor,
    ExaminerTaken,
    NotAllowed,
    NotFound,
    NoThesis,
)
from services.notifications import TeamJoined, TeamLeft
from services.reviews import ReviewService
from services.submissions import StoredFile
from services.team import Member, may_manage, may_see, members, role_of, tell_all
from services.vocabulary import TEAM_SIDE, ApprovalRule, Role, TeamRole
from storage.models import ExaminerGrade, Invite, Thesis, ThesisMember, User
from storage.repositories import audit, invites, team, theses, users
from storage.repositories.team import DuplicateMember

# Roles a team invite may bring (the supervisor is who invited the student).
INVITABLE = (TeamRole.CO_SUPERVISOR, TeamRole.EXAMINER)
REPORT_MAX = 4000


def new_code() -> str:
    return secrets.token_urlsafe(18)


@dataclass(frozen=True)
class TeamView:
    student: User
    thesis: Thesis | None
    members: list[Member]
    actor_role: TeamRole | None  # None for an admin
    can_manage: bool
    grade: ExaminerGrade | None

    @property
    def rule(self) -> ApprovalRule:
        return ApprovalRule(self.thesis.approval_rule) if self.thesis else ApprovalRule.ANY


@dataclass(frozen=True)
class Joined:
    student: User
    role: TeamRole


class TeamService(BaseService):
    async def _student(self, student_id: int) -> User:
        student = await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        return student

    async def _managed(self, actor: User, student_id: int) -> User:
        student = await self._student(student_id)
        if not await may_manage(self.session, actor, student):
            raise NotAllowed()
        return student

    @read_only
    async def view(self, actor: User, student_id: int) -> TeamView:
        student = await self._student(student_id)
        if not await may_see(self.session, actor, student) or actor.id == student.id:
            raise NotAllowed()
        thesis = await theses.by_student(self.session, student_id)
        grade = await team.grade_for(self.session, thesis.id) if thesis else None
        return TeamView(student, thesis, await members(self.session, student_id),
                        await role_of(self.session, actor, student_id),
                        await may_manage(self.session, actor, student), grade)

    # --- invites and joining ---------------------------------------------------------------

    @writes
    async def invite(self, actor: User, student_id: int, role: TeamRole) -> Invite:
        """A single-use link that joins whoever opens it to this team in ``role``."""
        student = await self._managed(actor, student_id)
        if role not in INVITABLE:
            raise NotAllowed()
        if role is TeamRole.EXAMINER and any(
                m.role is TeamRole.EXAMINER for m in await members(self.session, student.id)):
            raise ExaminerTaken()
        now = self.clock.now()
        invite = await invites.add(self.session, Invite(
            code=new_code(), role=Role.MEMBER.value, created_by=actor.id, max_uses=1,
            uses=0, expires_at=now + timedelta(days=self.config.invite_ttl_days),
            created_at=now, student_id=student.id, team_role=role.value))
        audit.record(self.session, actor_id=actor.id, action="team.invite",
                     object_type="invite", object_id=invite.id, at=now,
                     student_id=student.id, role=role.value)
        return invite

    @writes
    async def join(self, user: User, invite: Invite) -> Joined:
        """Join by a team invite already consumed: inside registration's ``@writes`` call,
        which writes the user and the membership together."""
        assert invite.student_id is not None and invite.team_role is not None
        student = await self._student(invite.student_id)
        role = TeamRole(invite.team_role)
        if user.role not in TEAM_SIDE:
            raise NotAllowed()
        now = self.clock.now()
        before = await members(self.session, student.id)
        if any(m.user.id == user.id for m in before):
            raise AlreadyMember(student=student.full_name)
        try:
            await team.add(self.session, ThesisMember(student_id=student.id, user_id=user.id,
                                                      role=role.value, created_at=now))
        except DuplicateMember:
            raise ExaminerTaken() from None
        tell_all(self.session, student, before, TeamJoined(
            student_name=student.full_name, member_name=user.full_name, role=role.value), now)
        audit.record(self.session, actor_id=user.id, action="team.join", object_type="user",
                     object_id=student.id, at=now, role=role.value, invite=invite.id)
        return Joined(student, role)

    @writes
    async def remove(self, actor: User, student_id: int, member_id: int) -> tuple[User, User]:
        """Remove a co-supervisor or the examiner; (student, removed person). A second
        click removes nobody and says so (NotFound)."""
        student = await self._managed(actor, student_id)
        before = await members(self.session, student.id)
        leaving = next((m for m in before if m.user.id == member_id), None)
        if leaving is None:
            raise NotFound()
        if leaving.role is TeamRole.SUPERVISOR:
            raise CannotRemoveSupervisor()
        if await team.remove(self.session, student.id, member_id) is None:
            raise NotFound()
        now = self.clock.now()
        tell_all(self.session, student, before, TeamLeft(
            student_name=student.full_name, member_name=leaving.user.full_name,
            role=leaving.role.value, removed_by=actor.full_name), now,
            exclude=(actor.id,))
        audit.record(self.session, actor_id=actor.id, action="team.remove",
                     object_type="user", object_id=student.id, at=now,
                     member_id=member_id, role=leaving.role.value)
        if leaving.decides:
            # The version may have waited for them alone: decided now if so.
            await ReviewService(self.session, self.deps).settle_waiting(student.id)
        return student, leaving.user

    @writes
    async def set_rule(self, actor: User, student_id: int, rule: ApprovalRule) -> Thesis:
        student = await self._managed(actor, student_id)
        thesis = await theses.by_student(self.session, student.id, lock=True)
        if thesis is None:
            raise NoThesis()
        now = self.clock.now()
        thesis.approval_rule = rule.value
        audit.record(self.session, actor_id=actor.id, action="team.rule",
                     object_type="thesis", object_id=thesis.id, at=now, rule=rule.value)
        if rule is ApprovalRule.ANY:
            # A version waiting for more approvals is decided by the ones it has.
            await ReviewService(self.session, self.deps).settle_waiting(student.id)
        return thesis

    # --- the examiner's grade before assessments (services/assessment.py) -----------------

    @read_only
    async def report_file(self, actor: User, grade_id: int) -> StoredFile:
        row = await team.get_grade(self.session, grade_id)
        if row is None or row.report_file_key is None:
            raise NotFound()
        thesis = await self.session.get(Thesis, row.thesis_id)
        student = await users.get(self.session, thesis.student_id) if thesis else None
        if student is None or not await may_see(self.session, actor, student):
            raise NotAllowed()
        return StoredFile(row.report_file_key, row.report_file_name or "report",
                          row.report_telegram_file_id)

    @read_only
    async def grade_of(self, thesis: Thesis | None) -> ExaminerGrade | None:
        return await team.grade_for(self.session, thesis.id) if thesis else None
