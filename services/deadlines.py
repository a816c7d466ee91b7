"""Milestones with due dates, and how submissions meet them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services import dates
from services.base import BaseService, read_only, writes
from services.errors import InvalidDeadline, NotAllowed, NotFound
from services.notifications import (
    DeadlineMoved,
    DeadlineSet,
    MilestoneDeleted,
    MilestoneExtended,
    notify,
)
from services.team import students_of
from services.typed import words
from services.vocabulary import TEAM_SIDE
from storage.models import Milestone, MilestoneExtension, Submission, User
from storage.repositories import audit, milestones, users

TITLE_MAX = 200


class MilestoneStatus(enum.StrEnum):
    OPEN = "open"
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    student: User
    status: MilestoneStatus


async def attach_submission(session: AsyncSession, student_id: int, submission: Submission,
                            now: datetime) -> None:
    """A version submitted while a milestone is open meets the earliest open one."""
    milestone = await milestones.earliest_open(session, student_id, lock=True)
    if milestone is not None:
        milestone.submission_id = submission.id
        milestone.submitted_at = now
        submission.milestone_id = milestone.id


async def join_cohort(session: AsyncSession, student_id: int, supervisor_id: int,
                      now: datetime) -> list[Milestone]:
    """A student who joins a supervisor gets the milestones that supervisor set for all
    their students and that are still ahead: the same title, due time and cohort (so that
    moving or deleting the cohort's milestone moves theirs too); reminders from now on
    only. Extensions stay per student. In the caller's transaction; the student is told
    with the welcome (their /status and /deadlines list them)."""
    joined = []
    for rule in await milestones.cohort_rules(session, supervisor_id, now):
        joined.append(milestones.add(session, Milestone(
            supervisor_id=supervisor_id, student_id=student_id, title=rule.title,
            due_at=rule.due_at, created_at=rule.created_at, due_set_at=now, cohort=True)))
    await session.flush()
    return joined


def status_of(milestone: Milestone, now: datetime) -> MilestoneStatus:
    """The verdict, by the student's own due time (their extension if they have one)."""
    due = milestone.own_due_at
    if milestone.submitted_at is not None:
        on_time = milestone.submitted_at <= due
        return MilestoneStatus.ON_TIME if on_time else MilestoneStatus.LATE
    return MilestoneStatus.OVERDUE if now >= due else MilestoneStatus.OPEN


def clean_milestone_title(raw: str | None) -> str:
    title = " ".join(words(raw).split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise InvalidDeadline(reason="deadline_title", max=TITLE_MAX)
    return title


def parse_due(raw: str | None, tz: ZoneInfo, now: datetime) -> datetime:
    """A due date as people write it (services/dates.py), ahead and within three years."""
    return dates.parse(raw, tz, now)


class DeadlineService(BaseService):
    """Supervisor-set milestones: create for one or all students, list, move, delete."""

    @read_only
    async def students(self, supervisor: User) -> list[User]:
        self._require_supervisor(supervisor)
        return list(await students_of(self.session, supervisor))

    def parse_due(self, raw: str | None) -> datetime:
        return parse_due(raw, self.config.tz, self.clock.now())

    @writes
    async def create(self, supervisor: User, student_id: int | None, title: str,
                     due_at: datetime) -> list[Milestone]:
        """One milestone per student (``None`` = all the supervisor's students)."""
        created = await self._create(supervisor, student_id, title, due_at)
        return created

    async def _create(self, supervisor: User, student_id: int | None, title: str,
                      due_at: datetime) -> list[Milestone]:
        self._require_supervisor(supervisor)
        title = clean_milestone_title(title)
        now = self.clock.now()
        if due_at <= now:
            raise InvalidDeadline(reason="deadline_past", now=now)
        targets = await self._targets(supervisor, student_id)
        # "All my students" is a rule: students who join later get it too (join_cohort).
        return await self._add(supervisor, targets, title, due_at, cohort=student_id is None)

    @writes
    async def add_for(self, supervisor: User, student_ids: list[int], title: str,
                      due_at: datetime) -> list[Milestone]:
        """One milestone for each of these students of the supervisor (a meeting's action
        item made a milestone: inside that call's transaction)."""
        self._require_supervisor(supervisor)
        wanted = set(student_ids)
        targets = [s for s in await students_of(self.session, supervisor)
                   if s.id in wanted]
        if not targets:
            raise NotFound()
        return await self._add(supervisor, targets, clean_milestone_title(title), due_at)

    async def _add(self, supervisor: User, targets: list[User], title: str,
                   due_at: datetime, cohort: bool = False) -> list[Milestone]:
        now = self.clock.now()
        created = []
        for student in targets:
            milestone = milestones.add(self.session, Milestone(
                supervisor_id=supervisor.id, student_id=student.id, title=title,
                due_at=due_at, created_at=now, due_set_at=now, cohort=cohort))
            created.append(milestone)
        await self.session.flush()
        for milestone in created:
            notify(self.session, milestone.student_id, DeadlineSet(
                milestone_id=milestone.id, title=title, due_at=due_at,
                supervisor_name=supervisor.full_name), now)
            audit.record(self.session, actor_id=supervisor.id, action="milestone.create",
                         object_type="milestone", object_id=milestone.id, at=now,
                         student_id=milestone.student_id, due_at=due_at.isoformat())
        return created

    async def _targets(self, supervisor: User, student_id: int | None) -> list[User]:
        mine = list(await students_of(self.session, supervisor))
        if student_id is None:
            if not mine:
                raise NotFound()
            return mine
        found = [student for student in mine if student.id == student_id]
        if not found:
            raise NotAllowed()
        return found

    @read_only
    async def of_supervisor(self, supervisor: User) -> list[MilestoneView]:
        self._require_supervisor(supervisor)
        now = self.clock.now()
        return [MilestoneView(m, student, status_of(m, now))
                for m, student in await milestones.of_supervisor(self.session, supervisor.id)]

    @read_only
    async def of_student(self, student: User) -> list[Milestone]:
        """All the student's milestones (their open ones come with /status)."""
        return list(await milestones.of_student(self.session, student.id))

    @writes
    async def move(self, supervisor: User, milestone_id: int, due_at: datetime) -> Milestone:
        milestone = await self._move(supervisor, milestone_id, due_at)
        return milestone

    async def _move(self, supervisor: User, milestone_id: int, due_at: datetime) -> Milestone:
        milestone = await self._owned(supervisor, milestone_id)
        now = self.clock.now()
        if milestone.submitted_at is not None:
            raise InvalidDeadline(reason="deadline_submitted")
        if due_at <= now:
            raise InvalidDeadline(reason="deadline_past", now=now)
        old = milestone.due_at
        milestone.due_at = due_at
        # Moving one student's milestone sets their date outright: an extension gives way.
        await milestones.drop_extensions(self.session, milestone.id)
        # Reminders are keyed by the due time, so a moved milestone is reminded afresh,
        # from now on only.
        milestone.due_set_at = now
        notify(self.session, milestone.student_id, DeadlineMoved(
            milestone_id=milestone.id, title=milestone.title, due_at=due_at, old_due_at=old,
            supervisor_name=supervisor.full_name), now)
        audit.record(self.session, actor_id=supervisor.id, action="milestone.move",
                     object_type="milestone", object_id=milestone.id, at=now,
                     old_due_at=old.isoformat(), due_at=due_at.isoformat())
        return milestone

    @writes
    async def delete(self, supervisor: User, milestone_id: int) -> Milestone:
        milestone = await self._owned(supervisor, milestone_id)
        now = self.clock.now()
        milestone.deleted_at = now
        notify(self.session, milestone.student_id, MilestoneDeleted(
            milestone_id=milestone.id, title=milestone.title, due_at=milestone.own_due_at,
            supervisor_name=supervisor.full_name), now)
        audit.record(self.session, actor_id=supervisor.id, action="milestone.delete",
                     object_type="milestone", object_id=milestone.id, at=now)
        return milestone

    @read_only
    async def cohort(self, supervisor: User, milestone_id: int) -> list[MilestoneView]:
        """Every student's row of the milestone this one was set with (itself alone when it
        was set for one student)."""
        milestone = await self._owned(supervisor, milestone_id, lock=False)
        now = self.clock.now()
        return [MilestoneView(m, student, status_of(m, now))
                for m, student in await milestones.cohort(self.session, milestone)]

    @writes
    async def extend(self, supervisor: User, milestone_id: int,
                     due_at: datetime) -> tuple[MilestoneView, datetime]:
        """More time for this milestone's student only: their own due time (the others'
        rows are untouched). Returns the milestone and the student's new due time."""
        view = await self._extend(supervisor, milestone_id, due_at)
        return view, due_at

    async def _extend(self, supervisor: User, milestone_id: int,
                      due_at: datetime) -> MilestoneView:
        milestone = await self._owned(supervisor, milestone_id)
        now = self.clock.now()
        if milestone.submitted_at is not None:
            raise InvalidDeadline(reason="deadline_submitted")
        if due_at <= now:
            raise InvalidDeadline(reason="deadline_past", now=now)
        if due_at <= milestone.due_at:
            raise InvalidDeadline(reason="extension_not_later")
        found = await milestones.extension(self.session, milestone.id, milestone.student_id)
        if found is None:
            milestones.add_extension(self.session, MilestoneExtension(
                milestone_id=milestone.id, student_id=milestone.student_id, due_at=due_at,
                granted_by=supervisor.id, created_at=now))
        else:
            found.due_at, found.granted_by, found.created_at = due_at, supervisor.id, now
        # The student's reminders are keyed by their own due time: armed afresh, from now.
        milestone.due_set_at = now
        student = await users.get(self.session, milestone.student_id)
        assert student is not None
        notify(self.session, student.id, MilestoneExtended(
            milestone_id=milestone.id, title=milestone.title, due_at=due_at,
            common_due_at=milestone.due_at, supervisor_name=supervisor.full_name), now)
        audit.record(self.session, actor_id=supervisor.id, action="milestone.extend",
                     object_type="milestone", object_id=milestone.id, at=now,
                     student_id=student.id, due_at=due_at.isoformat())
        return MilestoneView(milestone, student, MilestoneStatus.OPEN)

    @read_only
    async def get(self, supervisor: User, milestone_id: int) -> MilestoneView:
        milestone = await self._owned(supervisor, milestone_id, lock=False)
        student = await users.get(self.session, milestone.student_id)
        assert student is not None
        return MilestoneView(milestone, student, status_of(milestone, self.clock.now()))

    async def _owned(self, supervisor: User, milestone_id: int, lock: bool = True) -> Milestone:
        self._require_supervisor(supervisor)
        milestone = await milestones.get(self.session, milestone_id, lock=lock)
        if milestone is None:
            raise NotFound()
        if milestone.supervisor_id != supervisor.id:
            raise NotAllowed()
        return milestone

    def _require_supervisor(self, user: User) -> None:
        # A supervisor or a team member; whose students they are is the team's answer.
        if user.role not in TEAM_SIDE:
            raise NotAllowed()

    def now(self) -> datetime:
        return self.clock.now()
