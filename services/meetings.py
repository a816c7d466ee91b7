"""Supervision meetings: set up, answered, reminded, recorded, agreed.

A supervisor sets a meeting for one student or all of them; each student answers Confirm or
Can't make it. Everyone who did not decline (the supervisor too) is reminded 1 day and 1
hour before it starts, exactly once across replicas (the reminder log, as for milestones:
``run_due``). An hour after the start the supervisor is asked for the record: notes and
action items (lines starting with ``-``); each item can become a milestone of every
attendee with one tap, and each attendee agrees to the record or sends a correction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from services.base import BaseService, read_only, writes
from services.deadlines import DeadlineService, clean_milestone_title, parse_due
from services.errors import InvalidMeeting, NotAllowed, NotFound
from services.notifications import (
    Kind,
    MeetingAgreed,
    MeetingAnswered,
    MeetingCancelled,
    MeetingCorrection,
    MeetingInvited,
    MeetingMoved,
    MeetingNotesRequest,
    MeetingRecord,
    MeetingReminder,
    notify,
)
from services.team import students_of
from services.typed import words
from services.vocabulary import TEAM_SIDE, MeetingAnswer, Role
from storage.models import Meeting, MeetingItem, MeetingParticipant, Milestone, User
from storage.repositories import audit, meetings, reminders, users

TITLE_MAX = 200
PLACE_MAX = 500
NOTES_MAX = 3500
ITEMS_MAX = 20
CORRECTION_MAX = 2000
# How long a meeting is taken to last: the calendar shows it so, and the record is asked
# for when it is over.
LENGTH = timedelta(hours=1)
# Reminders before the start (label, lead), widest first; labels are part of the keys.
OFFSETS: tuple[tuple[str, timedelta], ...] = (
    ("1d", timedelta(days=1)),
    ("1h", timedelta(hours=1)),
)
WIDEST = OFFSETS[0][1]
# A record not asked for within this long after the meeting (the scheduler was down) is
# not asked for any more; /meetings still offers it.
NOTES_WINDOW = timedelta(days=7)
# An action item made a milestone is due this many days later, at the end of that day;
# the supervisor can move it in /milestones.
ITEM_DUE_DAYS = 14


@dataclass(frozen=True)
class Attendee:
    participant: MeetingParticipant
    student: User


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    attendees: list[Attendee]
    items: list[MeetingItem] = field(default_factory=list)

    @property
    def student_ids(self) -> list[int]:
        return [a.student.id for a in self.attendees]

    def coming(self) -> list[Attendee]:
        """The attendees who did not decline."""
        return [a for a in self.attendees if a.participant.answer != MeetingAnswer.DECLINED]


def reminder_due(starts_at: datetime, armed: datetime, now: datetime) -> str | None:
    """The one reminder due at ``now``: the nearest threshold passed that was still ahead
    when the time was set (after downtime, the nearest only, never a burst)."""
    if now >= starts_at:
        return None
    for label, lead in reversed(OFFSETS):
        if now >= starts_at - lead:
            return label if starts_at - lead > armed else None
    return None


def reminder_key(meeting_id: int, starts_at: datetime, label: str) -> str:
    # The start time is in the key: a moved meeting is reminded afresh.
    return f"mt{meeting_id}@{int(starts_at.timestamp())}:{label}"


def notes_key(meeting_id: int, starts_at: datetime) -> str:
    return f"mt{meeting_id}@{int(starts_at.timestamp())}"


def parse_record(raw: str | None) -> tuple[str, list[str]]:
    """Notes and action items: every line starting with ``-`` is an item, the rest notes."""
    notes: list[str] = []
    items: list[str] = []
    for line in (raw or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("-"):
            item = " ".join(stripped.lstrip("-").split())
            if item:
                items.append(item)
        else:
            notes.append(line.rstrip())
    text = "\n".join(notes).strip()
    if not text and not items:
        raise InvalidMeeting(reason="meeting_record_empty")
    if len(raw or "") > NOTES_MAX:
        raise InvalidMeeting(reason="meeting_record_long", max=NOTES_MAX)
    if len(items) > ITEMS_MAX or any(len(item) > TITLE_MAX for item in items):
        raise InvalidMeeting(reason="meeting_items", max=ITEMS_MAX, length=TITLE_MAX)
    return text, items


def clean_title(raw: str | None) -> str:
    title = " ".join(words(raw).split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise InvalidMeeting(reason="meeting_title", max=TITLE_MAX)
    return title


def clean_place(raw: str | None) -> str | None:
    place = " ".join(words(raw).split())
    if len(place) > PLACE_MAX:
        raise InvalidMeeting(reason="meeting_place", max=PLACE_MAX)
    return place or None


class MeetingService(BaseService):
    # --- setting up ---------------------------------------------------------------------

    @read_only
    async def students(self, supervisor: User) -> list[User]:
        self._require_supervisor(supervisor)
        return [s for s in await students_of(self.session, supervisor)
                if s.deactivated_at is None]

    def parse_when(self, raw: str | None) -> datetime:
        """The same format (and rules) as a milestone's due date."""
        return parse_due(raw, self.config.tz, self.clock.now())

    @writes
    async def create(self, supervisor: User, student_id: int | None, title: str,
                     starts_at: datetime, place: str | None) -> MeetingView:
        return await self._create(supervisor, student_id, title, starts_at, place)

    async def _create(self, supervisor: User, student_id: int | None, title: str,
                      starts_at: datetime, place: str | None) -> MeetingView:
        self._require_supervisor(supervisor)
        title, place, now = clean_title(title), clean_place(place), self.clock.now()
        if starts_at <= now:
            raise InvalidMeeting(reason="meeting_past")
        mine = [s for s in await students_of(self.session, supervisor)
                if s.deactivated_at is None]
        targets = mine if student_id is None else [s for s in mine if s.id == student_id]
        if not targets:
            raise NotFound() if student_id is None else NotAllowed()
        meeting = meetings.add(self.session, Meeting(
            supervisor_id=supervisor.id, title=title, starts_at=starts_at, place=place,
            time_set_at=now, created_at=now))
        await self.session.flush()
        attendees = []
        for student in targets:
            participant = MeetingParticipant(meeting_id=meeting.id, student_id=student.id,
                                             answer=MeetingAnswer.PENDING.value)
            meetings.add_participant(self.session, participant)
            attendees.append(Attendee(participant, student))
            notify(self.session, student.id, MeetingInvited(
                meeting_id=meeting.id, title=title, starts_at=starts_at, place=place,
                supervisor_name=supervisor.full_name, group=len(targets) > 1), now)
        audit.record(self.session, actor_id=supervisor.id, action="meeting.create",
                     object_type="meeting", object_id=meeting.id, at=now,
                     students=[s.id for s in targets], starts_at=starts_at.isoformat())
        return MeetingView(meeting, attendees)

    @writes
    async def add_interview(self, supervisor: User, title: str, starts_at: datetime,
                            student_id: int | None) -> Meeting:
        """An interview with an applicant at the time they picked (services/applications.py),
        in the caller's transaction: the supervisor's meeting (reminded, in /meetings and the
        calendar like any other), the applicant among its participants when registered."""
        now = self.clock.now()
        if starts_at <= now:
            raise InvalidMeeting(reason="meeting_past")
        meeting = meetings.add(self.session, Meeting(
            supervisor_id=supervisor.id, title=clean_title(title), starts_at=starts_at,
            place=None, time_set_at=now, created_at=now))
        await self.session.flush()
        if student_id is not None:
            meetings.add_participant(self.session, MeetingParticipant(
                meeting_id=meeting.id, student_id=student_id,
                answer=MeetingAnswer.CONFIRMED.value, answered_at=now))
        audit.record(self.session, actor_id=supervisor.id, action="meeting.interview",
                     object_type="meeting", object_id=meeting.id, at=now,
                     starts_at=starts_at.isoformat())
        return meeting

    # --- answers ------------------------------------------------------------------------

    @writes
    async def answer(self, student: User, meeting_id: int, confirm: bool) -> Meeting:
        return await self._answer(student, meeting_id, confirm)

    async def _answer(self, student: User, meeting_id: int, confirm: bool) -> Meeting:
        meeting, participant = await self._as_participant(student, meeting_id)
        now = self.clock.now()
        if meeting.starts_at <= now:
            raise InvalidMeeting(reason="meeting_started")
        answer = MeetingAnswer.CONFIRMED if confirm else MeetingAnswer.DECLINED
        if participant.answer != answer.value:
            # The same answer twice (a double tap) tells the supervisor once.
            participant.answer, participant.answered_at = answer.value, now
            notify(self.session, meeting.supervisor_id, MeetingAnswered(
                meeting_id=meeting.id, title=meeting.title, starts_at=meeting.starts_at,
                student_name=student.full_name, answer=answer.value), now)
        return meeting

    # --- moving and cancelling ----------------------------------------------------------

    @read_only
    async def check_can_move(self, supervisor: User, meeting_id: int) -> Meeting:
        """Before asking for the new time: the meeting is theirs and still ahead."""
        return await self._upcoming(supervisor, meeting_id, lock=False)

    @writes
    async def move(self, supervisor: User, meeting_id: int, starts_at: datetime) -> Meeting:
        return await self._move(supervisor, meeting_id, starts_at)

    async def _move(self, supervisor: User, meeting_id: int, starts_at: datetime) -> Meeting:
        meeting = await self._upcoming(supervisor, meeting_id)
        now = self.clock.now()
        if starts_at <= now:
            raise InvalidMeeting(reason="meeting_past")
        old, meeting.starts_at, meeting.time_set_at = meeting.starts_at, starts_at, now
        for attendee in await self._attendees(meeting):
            # A new time is a new question: everyone answers again.
            attendee.participant.answer = MeetingAnswer.PENDING.value
            attendee.participant.answered_at = None
            if attendee.student.deactivated_at is None:
                notify(self.session, attendee.student.id, MeetingMoved(
                    meeting_id=meeting.id, title=meeting.title, starts_at=starts_at,
                    old_starts_at=old, place=meeting.place,
                    supervisor_name=supervisor.full_name), now)
        audit.record(self.session, actor_id=supervisor.id, action="meeting.move",
                     object_type="meeting", object_id=meeting.id, at=now,
                     old_starts_at=old.isoformat(), starts_at=starts_at.isoformat())
        return meeting

    @writes
    async def cancel(self, supervisor: User, meeting_id: int) -> Meeting:
        return await self._cancel(supervisor, meeting_id)

    async def _cancel(self, supervisor: User, meeting_id: int) -> Meeting:
        meeting = await self._upcoming(supervisor, meeting_id)
        now = self.clock.now()
        meeting.cancelled_at = now
        for attendee in await self._attendees(meeting):
            if attendee.student.deactivated_at is None:
                notify(self.session, attendee.student.id, MeetingCancelled(
                    meeting_id=meeting.id, title=meeting.title, starts_at=meeting.starts_at,
                    supervisor_name=supervisor.full_name), now)
        audit.record(self.session, actor_id=supervisor.id, action="meeting.cancel",
                     object_type="meeting", object_id=meeting.id, at=now)
        return meeting

    # --- the record ---------------------------------------------------------------------

    @read_only
    async def check_can_record(self, supervisor: User, meeting_id: int) -> Meeting:
        meeting = await self._owned(supervisor, meeting_id, lock=False)
        self._require_recordable(meeting)
        return meeting

    @writes
    async def record(self, supervisor: User, meeting_id: int, raw: str) -> MeetingView:
        return await self._record(supervisor, meeting_id, raw)

    async def _record(self, supervisor: User, meeting_id: int, raw: str) -> MeetingView:
        meeting = await self._owned(supervisor, meeting_id)
        self._require_recordable(meeting)
        notes, texts = parse_record(raw)
        now = self.clock.now()
        # Recording again replaces the record (milestones already made stay): everyone
        # agrees again to what it says now.
        await meetings.drop_items(self.session, meeting.id)
        await self.session.flush()
        meeting.notes, meeting.notes_at = notes, now
        made = [MeetingItem(meeting_id=meeting.id, position=n, text=text)
                for n, text in enumerate(texts, 1)]
        for item in made:
            meetings.add_item(self.session, item)
        attendees = await self._attendees(meeting)
        for attendee in attendees:
            attendee.participant.agreed_at = None
            attendee.participant.correction = None
            if attendee.participant.answer != MeetingAnswer.DECLINED \
                    and attendee.student.deactivated_at is None:
                notify(self.session, attendee.student.id, MeetingRecord(
                    meeting_id=meeting.id, title=meeting.title, starts_at=meeting.starts_at,
                    supervisor_name=supervisor.full_name, notes=notes, items=tuple(texts)), now)
        await self.session.flush()
        audit.record(self.session, actor_id=supervisor.id, action="meeting.record",
                     object_type="meeting", object_id=meeting.id, at=now, items=len(made))
        return MeetingView(meeting, attendees, made)

    @writes
    async def item_to_milestone(self, supervisor: User,
                                item_id: int) -> tuple[MeetingItem, list[Milestone]]:
        return await self._item_to_milestone(supervisor, item_id)

    async def _item_to_milestone(self, supervisor: User,
                                 item_id: int) -> tuple[MeetingItem, list[Milestone]]:
        item = await meetings.item(self.session, item_id, lock=True)
        if item is None:
            raise NotFound()
        meeting = await self._owned(supervisor, item.meeting_id, lock=False)
        if item.made_milestone_at is not None:
            raise InvalidMeeting(reason="meeting_item_done")
        now = self.clock.now()
        local = (now.astimezone(self.config.tz) + timedelta(days=ITEM_DUE_DAYS)).date()
        due = datetime.combine(local, time(23, 59), tzinfo=self.config.tz)
        coming = [a.student.id for a in await self._attendees(meeting)
                  if a.participant.answer != MeetingAnswer.DECLINED]
        created = await DeadlineService(self.session, self.deps).add_for(
            supervisor, coming, clean_milestone_title(item.text), due)
        item.made_milestone_at = now
        return item, created

    @writes
    async def agree(self, student: User, meeting_id: int) -> Meeting:
        return await self._agree(student, meeting_id)

    async def _agree(self, student: User, meeting_id: int) -> Meeting:
        meeting, participant = await self._as_participant(student, meeting_id)
        if meeting.notes_at is None:
            raise InvalidMeeting(reason="meeting_no_record")
        if participant.agreed_at is None:
            now = self.clock.now()
            participant.agreed_at = now
            notify(self.session, meeting.supervisor_id, MeetingAgreed(
                meeting_id=meeting.id, title=meeting.title, student_name=student.full_name),
                now)
        return meeting

    @read_only
    async def check_can_correct(self, student: User, meeting_id: int) -> Meeting:
        meeting, _participant = await self._as_participant(student, meeting_id, lock=False)
        if meeting.notes_at is None:
            raise InvalidMeeting(reason="meeting_no_record")
        return meeting

    @writes
    async def correct(self, student: User, meeting_id: int, text: str) -> Meeting:
        return await self._correct(student, meeting_id, text)

    async def _correct(self, student: User, meeting_id: int, text: str) -> Meeting:
        meeting, participant = await self._as_participant(student, meeting_id)
        if meeting.notes_at is None:
            raise InvalidMeeting(reason="meeting_no_record")
        correction = (text or "").strip()
        if not 1 <= len(correction) <= CORRECTION_MAX:
            raise InvalidMeeting(reason="meeting_correction", max=CORRECTION_MAX)
        now = self.clock.now()
        participant.correction, participant.agreed_at = correction, None
        notify(self.session, meeting.supervisor_id, MeetingCorrection(
            meeting_id=meeting.id, title=meeting.title, student_name=student.full_name,
            correction=correction), now)
        return meeting

    # --- reading ------------------------------------------------------------------------

    @read_only
    async def of_user(self, user: User) -> list[MeetingView]:
        """A supervisor's meetings, or a student's (admins have none), earliest first."""
        return await self.find_for(user)

    @read_only
    async def find_for(self, user: User) -> list[MeetingView]:
        """As ``of_user``, in the caller's transaction (``Services.reads`` for a handler)."""
        if user.role in TEAM_SIDE:
            found = await meetings.of_supervisor(self.session, user.id)
        elif user.role == Role.STUDENT.value:
            found = await meetings.of_student(self.session, user.id)
        else:
            found = []
        return await self.views(found)

    @read_only
    async def for_students(self, student_ids: Sequence[int] | None) -> list[MeetingView]:
        """Meetings with any of these students (None: all), for feeds and exports."""
        return await self.views(await meetings.of_students(self.session, student_ids))

    @read_only
    async def views(self, found: Sequence[Meeting]) -> list[MeetingView]:
        # No statement for what cannot exist: /status and /history ask every time, and most
        # people have no meeting, most meetings no record yet.
        if not found:
            return []
        ids = [m.id for m in found]
        by_meeting: dict[int, list[Attendee]] = {i: [] for i in ids}
        for participant, student in await meetings.participants(self.session, ids):
            by_meeting[participant.meeting_id].append(Attendee(participant, student))
        items: dict[int, list[MeetingItem]] = {i: [] for i in ids}
        # Action items are written with the record (``notes_at``), never without it.
        recorded = [m.id for m in found if m.notes_at is not None]
        for item in await meetings.items(self.session, recorded) if recorded else ():
            items[item.meeting_id].append(item)
        return [MeetingView(m, by_meeting[m.id], items[m.id]) for m in found]

    def now(self) -> datetime:
        return self.clock.now()

    # --- the scheduler's part -----------------------------------------------------------

    @read_only
    async def run_due(self, now: datetime) -> Counter[str]:
        """Queue the reminders and record requests due at ``now``, each exactly once."""
        sent: Counter[str] = Counter()
        upcoming = await self._read(lambda: meetings.starting_between(
            self.session, now, now + WIDEST + timedelta(minutes=1)))
        for meeting in upcoming:
            label = reminder_due(meeting.starts_at, meeting.time_set_at, now)
            if label is None:
                continue
            key = reminder_key(meeting.id, meeting.starts_at, label)
            count = await self._remind(meeting.id, meeting.starts_at, key, label, now)
            if count:
                sent[Kind.MEETING_REMINDER] += count
        over = await self._read(lambda: meetings.starting_between(
            self.session, now - LENGTH - NOTES_WINDOW, now - LENGTH))
        for meeting in over:
            if meeting.notes_at is None and await self._ask_notes(meeting.id,
                                                                  meeting.starts_at, now):
                sent[Kind.MEETING_NOTES_REQUEST] += 1
        return sent

    @writes
    async def _remind(self, meeting_id: int, starts_at: datetime, key: str, label: str,
                      now: datetime) -> int:
        meeting = await meetings.get(self.session, meeting_id, lock=True)
        # Re-checked under the lock: it may have been moved or cancelled since.
        if meeting is None or meeting.cancelled_at is not None or meeting.starts_at != starts_at:
            return 0
        if reminder_due(meeting.starts_at, meeting.time_set_at, now) != label:
            return 0
        if not await reminders.claim(self.session, Kind.MEETING_REMINDER, key, now):
            return 0
        payload = MeetingReminder(meeting_id=meeting.id, title=meeting.title,
                                  starts_at=meeting.starts_at, place=meeting.place, left=label)
        chats = [a.student.id for a in await self._attendees(meeting)
                 if a.participant.answer != MeetingAnswer.DECLINED
                 and a.student.deactivated_at is None]
        supervisor = await users.get(self.session, meeting.supervisor_id)
        if supervisor is not None and supervisor.deactivated_at is None:
            chats.append(supervisor.id)
        for chat in chats:
            notify(self.session, chat, payload, now)
        return len(chats)

    @writes
    async def _ask_notes(self, meeting_id: int, starts_at: datetime, now: datetime) -> bool:
        meeting = await meetings.get(self.session, meeting_id, lock=True)
        if meeting is None or meeting.cancelled_at is not None or meeting.notes_at is not None \
                or meeting.starts_at != starts_at:
            return False
        if not await reminders.claim(self.session, Kind.MEETING_NOTES_REQUEST,
                                     notes_key(meeting.id, meeting.starts_at), now):
            return False
        notify(self.session, meeting.supervisor_id, MeetingNotesRequest(
            meeting_id=meeting.id, title=meeting.title, starts_at=meeting.starts_at), now)
        return True

    # --- helpers ------------------------------------------------------------------------

    async def _attendees(self, meeting: Meeting) -> list[Attendee]:
        return [Attendee(p, u) for p, u in await meetings.participants(self.session,
                                                                       [meeting.id])]

    async def _owned(self, supervisor: User, meeting_id: int, lock: bool = True) -> Meeting:
        self._require_supervisor(supervisor)
        meeting = await meetings.get(self.session, meeting_id, lock=lock)
        if meeting is None or meeting.cancelled_at is not None:
            raise NotFound()
        if meeting.supervisor_id != supervisor.id:
            raise NotAllowed()
        return meeting

    async def _upcoming(self, supervisor: User, meeting_id: int, lock: bool = True) -> Meeting:
        meeting = await self._owned(supervisor, meeting_id, lock=lock)
        if meeting.starts_at <= self.clock.now():
            raise InvalidMeeting(reason="meeting_started")
        return meeting

    def _require_recordable(self, meeting: Meeting) -> None:
        if meeting.starts_at > self.clock.now():
            raise InvalidMeeting(reason="meeting_not_yet")

    async def _as_participant(self, student: User, meeting_id: int, lock: bool = True,
                              ) -> tuple[Meeting, MeetingParticipant]:
        if student.role != Role.STUDENT.value:
            raise NotAllowed()
        meeting = await meetings.get(self.session, meeting_id)
        if meeting is None or meeting.cancelled_at is not None:
            raise NotFound()
        participant = await meetings.participant(self.session, meeting_id, student.id,
                                                 lock=lock)
        if participant is None:
            raise NotAllowed()
        return meeting, participant

    def _require_supervisor(self, user: User) -> None:
        # A supervisor or a team member; whose students they are is the team's answer.
        if user.role not in TEAM_SIDE:
            raise NotAllowed()
