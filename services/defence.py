"""The defence of a final thesis: scheduled (a moment, a room or a link, the committee from
the thesis team plus named external members, a minute-taker), confirmed by each participant,
in everyone's calendar feed (services/calendar.py), and afterwards the minutes with the
scheme's Defence component, recorded by the minute-taker.

The student is a participant (they confirm, it is in their calendar) but is told nothing of
the minutes or the Defence mark: they learn them only from the release
(services/assessment.py). The moment is asked with the date question every feature uses
(services/dates.py), the place is cleaned as a meeting's is (services/meetings.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.assessment import AssessmentService
from services.base import BaseService, read_only, writes
from services.errors import InvalidDefence, NotAllowed, NotFound, NoThesis
from services.meetings import clean_place
from services.notifications import DefenceAnswered, DefenceInvited, notify
from services.team import may_manage, members
from services.typed import words
from services.vocabulary import DefenceRole, MeetingAnswer, Role, TeamRole, ThesisStatus
from storage.models import Defence, DefenceMember, Thesis, User
from storage.repositories import audit, defences, theses, users

MINUTES_MAX = 3500
EXTERNALS_MAX = 5
NAME_MAX = 120


@dataclass(frozen=True)
class DefencePlan:
    """Before scheduling: the thesis, its committee (the active team) and any defence."""

    student: User
    thesis: Thesis
    committee: list[tuple[User, TeamRole]]
    defence: Defence | None


@dataclass(frozen=True)
class DefenceView:
    defence: Defence
    thesis: Thesis
    student: User
    members: list[DefenceMember]
    minute_taker: str | None

    @property
    def committee(self) -> list[DefenceMember]:
        return [m for m in self.members if m.role != DefenceRole.STUDENT.value]


def parse_externals(raw: str | None) -> list[str]:
    """External members as typed: names separated by commas or lines (none: ``-``)."""
    text = words(raw).strip()
    if text in ("", "-", "—"):
        return []
    names = [" ".join(n.split()) for n in text.replace("\n", ",").split(",")]
    names = [n for n in names if n]
    if len(names) > EXTERNALS_MAX or any(len(n) > NAME_MAX for n in names):
        raise InvalidDefence(reason="defence_externals")
    return names


def parse_minutes(raw: str | None) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidDefence(reason="defence_minutes_empty")
    if len(text) > MINUTES_MAX:
        raise InvalidDefence(reason="defence_minutes_long")
    return text


class DefenceService(BaseService):
    # --- scheduling ---------------------------------------------------------------------

    @read_only
    async def plan(self, actor: User, student_id: int) -> DefencePlan:
        """Who may schedule: the thesis's supervisor and admins; the thesis must be final
        (being assessed) or its grade waiting for the defence."""
        student, thesis = await self._thesis(student_id)
        if not await may_manage(self.session, actor, student):
            raise NotAllowed()
        if thesis.status != ThesisStatus.FINAL.value:
            raise InvalidDefence(reason="defence_not_final")
        committee = [(m.user, m.role) for m in await members(self.session, student.id)
                     if m.active]
        return DefencePlan(student, thesis, committee,
                           await defences.of_thesis(self.session, thesis.id))

    @writes
    async def schedule(self, actor: User, student_id: int, starts_at: datetime,
                       place: str | None, externals: list[str],
                       minute_taker_id: int) -> DefenceView:
        """A new defence, or the thesis's defence moved: every participant is asked again."""
        plan = await self.plan(actor, student_id)
        where = clean_place(place)
        now = self.clock.now()
        if where is None:
            raise InvalidDefence(reason="defence_place")
        if starts_at <= now:
            raise InvalidDefence(reason="defence_past")
        if not any(u.id == minute_taker_id for u, _role in plan.committee):
            raise NotAllowed()
        defence = await defences.of_thesis(self.session, plan.thesis.id, lock=True)
        if defence is not None and defence.minutes_at is not None:
            raise InvalidDefence(reason="defence_recorded")
        if defence is None:
            defence = Defence(thesis_id=plan.thesis.id, starts_at=starts_at, place=where,
                              minute_taker_id=minute_taker_id, scheduled_by=actor.id,
                              time_set_at=now, created_at=now)
            self.session.add(defence)
        else:
            defence.starts_at, defence.place, defence.time_set_at = starts_at, where, now
            defence.minute_taker_id, defence.scheduled_by = minute_taker_id, actor.id
            await defences.drop_members(self.session, defence.id)
        await self.session.flush()
        rows = [DefenceMember(defence_id=defence.id, user_id=plan.student.id,
                              name=plan.student.full_name, role=DefenceRole.STUDENT.value)]
        rows += [DefenceMember(defence_id=defence.id, user_id=u.id, name=u.full_name,
                               role=DefenceRole.COMMITTEE.value) for u, _r in plan.committee]
        rows += [DefenceMember(defence_id=defence.id, user_id=None, name=name,
                               role=DefenceRole.EXTERNAL.value) for name in externals]
        for row in rows:
            row.answer = MeetingAnswer.PENDING.value
            self.session.add(row)
        await self.session.flush()
        committee = [r.name for r in rows if r.role != DefenceRole.STUDENT.value]
        taker = next(u for u, _r in plan.committee if u.id == minute_taker_id)
        for row in rows:
            if row.user_id is not None:
                notify(self.session, row.user_id, DefenceInvited(
                    defence_id=defence.id, student_name=plan.student.full_name,
                    title=plan.thesis.title, starts_at=starts_at, place=where,
                    committee=committee, minute_taker_name=taker.full_name,
                    minute_taker=row.user_id == minute_taker_id,
                    student=row.role == DefenceRole.STUDENT.value), now)
        audit.record(self.session, actor_id=actor.id, action="defence.schedule",
                     object_type="defence", object_id=defence.id, at=now,
                     thesis_id=plan.thesis.id, starts_at=starts_at.isoformat(),
                     place=where, committee=committee, minute_taker_id=minute_taker_id)
        return DefenceView(defence, plan.thesis, plan.student, rows, taker.full_name)

    # --- answers ------------------------------------------------------------------------

    @writes
    async def answer(self, actor: User, defence_id: int, confirm: bool) -> DefenceView:
        defence = await defences.get(self.session, defence_id)
        if defence is None:
            raise NotFound()
        row = await defences.member(self.session, defence_id, actor.id, lock=True)
        if row is None:
            raise NotAllowed()
        now = self.clock.now()
        if defence.starts_at <= now:
            raise InvalidDefence(reason="defence_started")
        answer = MeetingAnswer.CONFIRMED if confirm else MeetingAnswer.DECLINED
        if row.answer != answer.value:
            row.answer, row.answered_at = answer.value, now
            view = await self._view(defence)
            if defence.scheduled_by is not None and defence.scheduled_by != actor.id:
                notify(self.session, defence.scheduled_by, DefenceAnswered(
                    defence_id=defence.id, title=view.thesis.title,
                    student_name=view.student.full_name, starts_at=defence.starts_at,
                    name=actor.full_name, answer=answer.value), now)
            audit.record(self.session, actor_id=actor.id, action="defence.answer",
                         object_type="defence", object_id=defence.id, at=now,
                         answer=answer.value)
        return await self._view(defence)

    # --- the minutes --------------------------------------------------------------------

    @read_only
    async def check_can_record(self, actor: User, defence_id: int) -> tuple[DefenceView,
                                                                             str | None]:
        """The minute-taker, once the defence has begun; with the name of the scheme's
        Defence component (None: the scheme has none, the minutes only)."""
        defence = await defences.get(self.session, defence_id)
        if defence is None:
            raise NotFound()
        if defence.minute_taker_id != actor.id:
            raise InvalidDefence(reason="defence_not_minute_taker")
        if defence.starts_at > self.clock.now():
            raise InvalidDefence(reason="defence_not_yet")
        view = await self._view(defence)
        component = await AssessmentService(self.session, self.deps).defence_weight(
            view.student.id)
        return view, component

    @writes
    async def record(self, actor: User, defence_id: int, minutes: str,
                     mark: int | None) -> tuple[DefenceView, bool]:
        """The minutes (and the Defence mark, 0–100, when the scheme has the component):
        (the view, whether the assessment has its agreed grade now)."""
        view, component = await self.check_can_record(actor, defence_id)
        text = parse_minutes(minutes)
        if component is not None and (mark is None or not 0 <= mark <= 100):
            raise InvalidDefence(reason="defence_mark")
        if view.thesis.status != ThesisStatus.FINAL.value:
            raise InvalidDefence(reason="defence_not_final")
        defence = await defences.get(self.session, defence_id, lock=True)
        assert defence is not None
        now = self.clock.now()
        defence.minutes, defence.minutes_at = text, now
        defence.defence_mark = mark if component is not None else None
        await self.session.flush()
        audit.record(self.session, actor_id=actor.id, action="defence.minutes",
                     object_type="defence", object_id=defence.id, at=now,
                     mark=defence.defence_mark)
        agreed = await AssessmentService(self.session, self.deps).defence_recorded(
            view.thesis)
        return view, agreed

    # --- reading ------------------------------------------------------------------------

    @read_only
    async def for_user(self, user: User) -> list[DefenceView]:
        """The defences a person takes part in, in the caller's transaction (the calendar
        feed reads them with its own)."""
        found = await defences.of_user(self.session, user.id)
        if not found:
            return []
        rows = await defences.members(self.session, [d.id for d, _t in found])
        views = []
        for defence, thesis in found:
            student = await users.get(self.session, thesis.student_id)
            if student is None:
                continue
            taker = next((m.name for m in rows if m.defence_id == defence.id
                          and m.user_id == defence.minute_taker_id), None)
            views.append(DefenceView(defence, thesis, student,
                                     [m for m in rows if m.defence_id == defence.id], taker))
        return views

    @read_only
    async def of_thesis(self, thesis: Thesis) -> DefenceView | None:
        """The thesis's defence (the protocol, exports), in the caller's transaction."""
        defence = await defences.of_thesis(self.session, thesis.id)
        return await self._view(defence) if defence is not None else None

    async def _view(self, defence: Defence) -> DefenceView:
        thesis = await self.session.get(Thesis, defence.thesis_id)
        assert thesis is not None
        student = await users.get(self.session, thesis.student_id)
        assert student is not None
        rows = list(await defences.members(self.session, [defence.id]))
        taker = next((m.name for m in rows if m.user_id == defence.minute_taker_id), None)
        return DefenceView(defence, thesis, student, rows, taker)

    async def _thesis(self, student_id: int) -> tuple[User, Thesis]:
        student = await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        thesis = await theses.by_student(self.session, student_id)
        if thesis is None:
            raise NoThesis()
        return student, thesis
