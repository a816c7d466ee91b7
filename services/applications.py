"""Applications for topics: apply, the supervisor's card (Accept, Decline, Interview), the
interview's slots, and the clock's part (a reminder 3 days before an unanswered application
is declined on its own after ``APPLICATION_AUTO_DECLINE_DAYS``).

Accept registers the applicant (if new) as the topic supervisor's student through
services/registration.py and services/team.py (the team is the one record of who
supervises), with the topic as the thesis title; a topic that asks for a proposal starts
the thesis in the proposal stage (services/submissions.py: ``require_stage``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from services.base import BaseService, on_rollback, read_only, writes
from services.dates import parse as parse_date
from services.deadlines import join_cohort
from services.errors import (
    AlreadyApplied,
    ApplicationDecided,
    CannotApply,
    InvalidSlots,
    InvalidTopic,
    NotAllowed,
    NotFound,
    TooManyApplications,
    TopicClosed,
    UnsupportedDocument,
)
from services.meetings import MeetingService
from services.notifications import (
    ApplicationAccepted,
    ApplicationDeclined,
    ApplicationReceived,
    ApplicationReminder,
    ApplicationWithdrawn,
    InterviewProposed,
    InterviewSet,
    Kind,
    notify,
)
from services.registration import Person, RegistrationService
from services.staged_files import StagedFile, attach_staged, discard_unreferenced, register_staged
from services.submissions import IncomingFile, stage_document
from services.team import add_co_supervisor, add_supervisor, supervisor_of
from services.typed import words
from services.vocabulary import (
    OPEN_APPLICATION,
    TEAM_SIDE,
    ApplicationState,
    Role,
    StoredKind,
    TopicState,
    VersionKind,
)
from storage.models import Application, Meeting, Thesis, Topic, User
from storage.repositories import audit, reminders, theses, topics, users

MOTIVATION_MAX = 3000
REASON_MAX = 1000
SLOTS_MAX = 5
# The supervisor's templates for Decline (their words are in both catalogs).
TEMPLATES = ("filled", "fit", "capacity")
# Days before the automatic decline that the supervisor is reminded.
REMIND_BEFORE_DAYS = 3


@dataclass(frozen=True)
class Accepted:
    application: Application
    topic: Topic
    student: User
    closed: bool  # the topic's places are filled: it closed itself
    declined: int  # the topic's other applications declined with it


def clean_motivation(raw: str | None) -> str:
    text = words(raw)
    if not text or len(text) > MOTIVATION_MAX:
        raise InvalidTopic(reason="motivation", max=MOTIVATION_MAX)
    return text


def parse_slots(raw: str | None, tz_now: tuple[object, datetime]) -> list[datetime]:
    """One time per line (as dates are written everywhere: ``15.01.2027 10:00``,
    ``tomorrow 10:00``), 1 to SLOTS_MAX, in the future; sorted, without repeats."""
    tz, now = tz_now
    lines = [line for line in (raw or "").splitlines() if line.strip()]
    if not 1 <= len(lines) <= SLOTS_MAX:
        raise InvalidSlots(reason="slots_count", max=SLOTS_MAX)
    return sorted({parse_date(line, tz, now) for line in lines})  # type: ignore[arg-type]


class ApplicationService(BaseService):
    # --- applying --------------------------------------------------------------------------

    @read_only
    async def check_can_apply(self, person: Person, topic_id: int) -> Topic:
        """Everything that can be said before the motivation is typed."""
        return await self._may_apply(person, topic_id)

    async def _may_apply(self, person: Person, topic_id: int, lock: bool = False) -> Topic:
        topic = await topics.get(self.session, topic_id, lock=lock)
        if topic is None:
            raise NotFound()
        if topic.state != TopicState.OPEN.value:
            raise TopicClosed(title=topic.title)
        await self._require_free(person.id)
        mine = await topics.open_of(self.session, person.id)
        if any(a.topic_id == topic.id for a in mine):
            raise AlreadyApplied(title=topic.title)
        if len(mine) >= self.config.max_open_applications:
            raise TooManyApplications(max=self.config.max_open_applications)
        return topic

    async def _require_free(self, person_id: int) -> None:
        """Only someone who is no supervisor, member or admin and has no supervisor yet."""
        user = await users.get(self.session, person_id)
        if user is None:
            return
        if user.role != Role.STUDENT.value or user.deactivated_at is not None \
                or await supervisor_of(self.session, user.id) is not None:
            raise CannotApply()

    @read_only
    async def stage_cv(self, person: Person, incoming: IncomingFile) -> StagedFile:
        """A CV or transcript: a PDF, with the same checks as a thesis version (the handler's
        earlier calls ended their transactions: none is held while it streams)."""
        staged = (await stage_document(self.deps.files, self.config.file_prefix, incoming,
                                       self.config.max_file_bytes)).stamped(self.clock.now())
        if staged.kind != "pdf":
            await discard_unreferenced(self.session, self.deps.files, staged.key)
            raise UnsupportedDocument(reason="cv_not_pdf")
        return await register_staged(self.session, staged, StoredKind.CV, self.clock.now())

    @writes
    async def apply(self, person: Person, topic_id: int, motivation: str,
                    cv: StagedFile | None) -> Application:
        if cv is not None:
            # Refused or failed: the PDF goes with it (nothing refers to it).
            on_rollback(self.session, partial(discard_unreferenced, self.session,
                                              self.deps.files, cv.key))
        topic = await self._may_apply(person, topic_id, lock=True)
        text, now = clean_motivation(motivation), self.clock.now()
        if cv is not None:
            await attach_staged(self.session, self.deps.files, cv, now,
                                self.config.staged_file_ttl_hours)
        application = await topics.add_application(self.session, Application(
            topic_id=topic.id, applicant_id=person.id,
            applicant_name=person.full_name[:256] or str(person.id),
            applicant_username=person.username, language=(person.language or "en")[:8],
            motivation=text, cv_key=cv.key if cv else None,
            cv_name=cv.file_name if cv else None,
            cv_telegram_file_id=cv.telegram_file_id if cv else None,
            state=ApplicationState.OPEN.value, created_at=now))
        waiting = len(await topics.open_for_topic(self.session, topic.id))
        notify(self.session, topic.supervisor_id, ApplicationReceived(
            application_id=application.id, topic_title=topic.title,
            applicant_name=application.applicant_name,
            applicant_username=application.applicant_username, motivation=text,
            open_for_topic=waiting, cv_file_key=application.cv_key,
            cv_file_name=application.cv_name,
            cv_file_id=application.cv_telegram_file_id), now)
        audit.record(self.session, actor_id=person.id, action="application.create",
                     object_type="application", object_id=application.id, at=now,
                     topic_id=topic.id, cv=cv is not None)
        return application

    @read_only
    async def of_applicant(self, person_id: int) -> list[tuple[Application, Topic]]:
        found = []
        for application in await topics.open_of(self.session, person_id):
            topic = await topics.get(self.session, application.topic_id)
            if topic is not None:
                found.append((application, topic))
        return found

    # --- the supervisor's card ---------------------------------------------------------------

    async def _decidable(self, actor: User, application_id: int,
                         ) -> tuple[Application, Topic]:
        application = await topics.application(self.session, application_id, lock=True)
        if application is None:
            raise NotFound()
        topic = await topics.get(self.session, application.topic_id, lock=True)
        if topic is None:
            raise NotFound()
        if actor.deactivated_at is not None or (
                topic.supervisor_id != actor.id and actor.role != Role.ADMIN.value):
            raise NotAllowed()
        if ApplicationState(application.state) not in OPEN_APPLICATION:
            raise ApplicationDecided(name=application.applicant_name,
                                     state=application.state)
        return application, topic

    @read_only
    async def check_can_decide(self, actor: User, application_id: int) -> Application:
        application, _topic = await self._decidable(actor, application_id)
        return application

    @writes
    async def accept(self, actor: User, application_id: int) -> Accepted:
        application, topic = await self._decidable(actor, application_id)
        now = self.clock.now()
        student = await self._enrol(application, topic, now)
        await topics.close_if_open(self.session, application.id, ApplicationState.ACCEPTED,
                                   now, decided_by=actor.id)
        for other in await topics.open_of(self.session, application.applicant_id):
            # Their other applications close politely: the other supervisors are told.
            if await topics.close_if_open(self.session, other.id, ApplicationState.DECLINED,
                                          now, reason_key="accepted_elsewhere"):
                elsewhere = await topics.get(self.session, other.topic_id)
                if elsewhere is not None:
                    notify(self.session, elsewhere.supervisor_id, ApplicationWithdrawn(
                        topic_title=elsewhere.title, applicant_name=other.applicant_name,
                        why="accepted_elsewhere"), now)
        closed, declined = False, 0
        if await topics.accepted_count(self.session, topic.id) >= topic.places:
            closed = True
            topic.state, topic.closed_at = TopicState.CLOSED.value, now
            for other in await topics.open_for_topic(self.session, topic.id):
                declined += await self._decline(actor, other, topic, now, "filled", None)
        notify(self.session, student.id, ApplicationAccepted(
            topic_title=topic.title, supervisor_name=actor.full_name,
            needs_proposal=topic.needs_proposal, language=application.language), now)
        audit.record(self.session, actor_id=actor.id, action="application.accept",
                     object_type="application", object_id=application.id, at=now,
                     student_id=student.id, closed=closed)
        return Accepted(application, topic, student, closed, declined)

    async def _enrol(self, application: Application, topic: Topic, now: datetime) -> User:
        """The applicant as the topic supervisor's student, with the team and the thesis."""
        existing = await users.get(self.session, application.applicant_id)
        person = Person(application.applicant_id, application.applicant_name,
                        application.applicant_username, application.language)
        if existing is None:
            student = await RegistrationService(self.session, self.deps).enrol(
                person, topic.supervisor_id, via=f"topic:{topic.id}")
        else:
            await self._require_free(existing.id)
            student = existing
            await add_supervisor(self.session, student.id, topic.supervisor_id, now)
            await join_cohort(self.session, student.id, topic.supervisor_id, now)
            self.deps.known_users.forget(student.id)
        for member_id in topic.co_supervisors or []:
            member = await users.get(self.session, member_id)
            if member is not None and member.role in TEAM_SIDE and member.deactivated_at is None:
                await add_co_supervisor(self.session, student.id, member.id, now)
        thesis = await theses.by_student(self.session, student.id, lock=True)
        stage = VersionKind.PROPOSAL if topic.needs_proposal else VersionKind.THESIS
        if thesis is None:
            await theses.add(self.session, Thesis(
                student_id=student.id, title=topic.title, latest_version=0,
                stage=stage.value, created_at=now, updated_at=now))
        return student

    @writes
    async def decline(self, actor: User, application_id: int, template: str | None,
                      reason: str | None) -> Application:
        application, topic = await self._decidable(actor, application_id)
        if template is not None and template not in TEMPLATES:
            raise NotAllowed()
        text = None
        if template is None:
            text = words(reason)[:REASON_MAX]
            if not text:
                raise InvalidTopic(reason="decline_reason")
        await self._decline(actor, application, topic, self.clock.now(), template, text)
        return application

    async def _decline(self, actor: User | None, application: Application, topic: Topic,
                       now: datetime, template: str | None, reason: str | None) -> int:
        if not await topics.close_if_open(self.session, application.id,
                                          ApplicationState.DECLINED, now,
                                          decided_by=actor.id if actor else None,
                                          reason_key=template, reason=reason):
            return 0
        supervisor = actor if actor is not None else await users.get(self.session,
                                                                     topic.supervisor_id)
        notify(self.session, application.applicant_id, ApplicationDeclined(
            topic_title=topic.title, supervisor_name=supervisor.full_name if supervisor else "",
            reason_key=template, reason=reason, language=application.language), now)
        audit.record(self.session, actor_id=actor.id if actor else None,
                     action="application.decline", object_type="application",
                     object_id=application.id, at=now, reason=template or "own")
        return 1

    # --- the interview ------------------------------------------------------------------------

    def parse_slots(self, raw: str | None) -> list[datetime]:
        return parse_slots(raw, (self.config.tz, self.clock.now()))

    @writes
    async def propose(self, actor: User, application_id: int,
                      slots: Sequence[datetime]) -> Application:
        application, topic = await self._decidable(actor, application_id)
        now = self.clock.now()
        if not 1 <= len(slots) <= SLOTS_MAX or any(slot <= now for slot in slots):
            raise InvalidSlots(reason="slots_count", max=SLOTS_MAX)
        application.state = ApplicationState.INTERVIEW.value
        application.slots = [slot.isoformat() for slot in slots]
        notify(self.session, application.applicant_id, InterviewProposed(
            application_id=application.id, topic_title=topic.title,
            supervisor_name=actor.full_name, slots=tuple(slots),
            language=application.language), now)
        audit.record(self.session, actor_id=actor.id, action="application.interview",
                     object_type="application", object_id=application.id, at=now,
                     slots=len(slots))
        return application

    @writes
    async def pick(self, person_id: int, application_id: int,
                   index: int) -> tuple[Application, Meeting]:
        """The applicant picks one of the proposed times: the interview is a meeting of the
        supervisor's (services/meetings.py), and the supervisor is told."""
        application = await topics.application(self.session, application_id, lock=True)
        if application is None or application.applicant_id != person_id:
            raise NotFound()
        if application.state != ApplicationState.INTERVIEW.value or not application.slots:
            raise ApplicationDecided(name=application.applicant_name, state=application.state)
        if application.meeting_id is not None:
            raise InvalidSlots(reason="slot_taken")
        if not 0 <= index < len(application.slots):
            raise NotFound()
        topic = await topics.get(self.session, application.topic_id)
        supervisor = await users.get(self.session, topic.supervisor_id) if topic else None
        if topic is None or supervisor is None:
            raise NotFound()
        starts_at = datetime.fromisoformat(application.slots[index])
        registered = await users.get(self.session, person_id)
        meeting = await MeetingService(self.session, self.deps).add_interview(
            supervisor, f"{application.applicant_name} — {topic.title}"[:200], starts_at,
            registered.id if registered and registered.role == Role.STUDENT.value else None)
        application.meeting_id = meeting.id
        now = self.clock.now()
        notify(self.session, supervisor.id, InterviewSet(
            application_id=application.id, topic_title=topic.title,
            applicant_name=application.applicant_name, starts_at=starts_at), now)
        return application, meeting

    # --- the scheduler's part -----------------------------------------------------------------

    @read_only
    async def waiting(self, now: datetime) -> list[tuple[int, datetime]]:
        """Open applications old enough for the reminder (or the decline), oldest first."""
        days = self.config.application_auto_decline_days
        return await topics.waiting_since(
            self.session, now - timedelta(days=max(days - REMIND_BEFORE_DAYS, 0)))

    @writes
    async def remind(self, application_id: int, now: datetime) -> bool:
        application = await topics.application(self.session, application_id)
        if application is None or ApplicationState(application.state) not in OPEN_APPLICATION:
            return False
        topic = await topics.get(self.session, application.topic_id)
        if topic is None or not await reminders.claim(
                self.session, Kind.APPLICATION_REMINDER, f"app{application.id}", now):
            return False
        notify(self.session, topic.supervisor_id, ApplicationReminder(
            application_id=application.id, topic_title=topic.title,
            applicant_name=application.applicant_name,
            due=application.created_at + timedelta(
                days=self.config.application_auto_decline_days)), now)
        return True

    @writes
    async def expire(self, application_id: int, now: datetime) -> bool:
        application = await topics.application(self.session, application_id, lock=True)
        if application is None:
            return False
        topic = await topics.get(self.session, application.topic_id)
        if topic is None or not await self._decline(None, application, topic, now,
                                                    "expired", None):
            return False
        notify(self.session, topic.supervisor_id, ApplicationWithdrawn(
            topic_title=topic.title, applicant_name=application.applicant_name,
            why="expired"), now)
        return True


async def run_due(service: ApplicationService, now: datetime) -> Counter[str]:
    """The scheduler's part: remind the supervisor 3 days before an unanswered application
    is declined, and decline it when ``APPLICATION_AUTO_DECLINE_DAYS`` have passed, each in
    a transaction of its own and exactly once across replicas (the reminder log; a decline
    only of an application still open)."""
    days = service.config.application_auto_decline_days
    done: Counter[str] = Counter()
    for application_id, created_at in await service.waiting(now):
        if created_at <= now - timedelta(days=days):
            if await service.expire(application_id, now):
                done[Kind.APPLICATION_DECLINED] += 1
        elif await service.remind(application_id, now):
            done[Kind.APPLICATION_REMINDER] += 1
    return done
