"""Each person's private iCalendar (RFC 5545) feed: milestones, meetings and defences.

The URL's secret is an HMAC of the person's id and a nonce under the server's link key:
/calendar can show the same URL again while only its SHA-256 is stored, and Reset link
draws a new nonce, so the old URL finds nothing. A student's feed has their milestones
(at their own due time: an extension moves it for them) and meetings; a supervisor's has
all their students' milestones and their meetings.

The body is deterministic (DTSTAMP is when each item last changed), so its hash is an
ETag that only changes when the feed does: calendar clients poll it cheaply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from services.access import revoked
from services.base import BaseService, read_only, writes
from services.defence import DefenceService, DefenceView
from services.meetings import LENGTH, MeetingService, MeetingView
from services.vocabulary import TEAM_SIDE, MeetingAnswer, Role
from storage.models import CalendarToken, Milestone, User
from storage.repositories import audit, links, milestones, users

if TYPE_CHECKING:
    # Imported where a feed is built (icalendar is ~90 modules a replica need not load at
    # start, issue 33).
    from icalendar import Calendar, Event

PRODID = "-//Thesis Supervisor//Calendar feed//EN"
# How long a defence is shown to last.
DEFENCE_LENGTH = timedelta(hours=1)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token(key: bytes, user_id: int, nonce: str) -> str:
    digest = hmac.new(key, f"calendar:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def defence_event(view: DefenceView, tz: ZoneInfo) -> Event:
    """A defence as an event: in every participant's feed, and as a file of its own."""
    from icalendar import Event

    defence = view.defence
    start = defence.starts_at.astimezone(tz)
    event = Event()
    event.add("uid", f"defence-{defence.id}@thesis-supervisor")
    event.add("dtstamp", defence.time_set_at or defence.created_at or EPOCH)
    event.add("dtstart", start)
    event.add("dtend", start + DEFENCE_LENGTH)
    event.add("summary", f"Defence: {view.thesis.title} ({view.student.full_name})")
    event.add("location", defence.place)
    committee = ", ".join(m.name for m in view.committee)
    event.add("description", f"Committee: {committee}"
              + (f"\nMinute-taker: {view.minute_taker}" if view.minute_taker else ""))
    event.add("categories", ["Defence"])
    return event


def defence_ics(view: DefenceView, tz: ZoneInfo) -> bytes:
    """The defence alone as an iCalendar file (for the external members, who have no feed)."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(defence_event(view, tz))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


class CalendarService(BaseService):
    @writes
    async def url(self, user: User) -> str:
        """The person's feed URL (made on first use)."""
        row = await links.calendar_of(self.session, user.id, lock=True)
        if row is None:
            row = self._new_row(user)
            links.add(self.session, row)
            audit.record(self.session, actor_id=user.id, action="calendar.create",
                         object_type="user", object_id=user.id, at=self.clock.now())
        token = feed_token(self.config.link_key, user.id, row.nonce)
        return self._url(token)

    @writes
    async def reset(self, user: User) -> str:
        """A new URL; the old one is 404 from now on."""
        row = await links.calendar_of(self.session, user.id, lock=True)
        fresh = self._new_row(user)
        if row is None:
            links.add(self.session, fresh)
            row = fresh
        else:
            row.nonce, row.token_hash = fresh.nonce, fresh.token_hash
            row.created_at = fresh.created_at
        audit.record(self.session, actor_id=user.id, action="calendar.reset",
                     object_type="user", object_id=user.id, at=self.clock.now())
        token = feed_token(self.config.link_key, user.id, row.nonce)
        return self._url(token)

    @read_only
    async def feed(self, token: str) -> Feed | None:
        """The feed of whoever this token belongs to; None for an unknown or revoked one."""
        calendar = await self._calendar_of(token)
        if calendar is None:
            return None
        body = calendar.to_ical()
        return Feed(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')

    @read_only
    async def _calendar_of(self, token: str) -> Calendar | None:
        row = await links.calendar_by_hash(self.session, token_hash(token))
        owner = await users.get(self.session, row.user_id) if row else None
        # The chat's question: deactivated, or a former admin, and the feed is gone.
        if owner is None or revoked(owner, self.config) is not None:
            return None
        return await self._calendar(owner)

    async def _calendar(self, owner: User) -> Calendar:
        from icalendar import Calendar

        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", f"Thesis: {owner.full_name}")
        calendar.add("x-wr-timezone", self.config.tz.key)
        rows: list[tuple[Milestone, str | None]]
        if owner.role in TEAM_SIDE:
            rows = [(m, s.full_name) for m, s in await milestones.of_supervisor(
                self.session, owner.id)]
        elif owner.role == Role.STUDENT.value:
            rows = [(m, None) for m in await milestones.of_student(self.session, owner.id)]
        else:
            rows = []
        for milestone, student in rows:
            calendar.add_component(self._milestone_event(milestone, student))
        for view in await MeetingService(self.session, self.deps).find_for(owner):
            if owner.role == Role.STUDENT.value and any(
                    a.student.id == owner.id and a.participant.answer == MeetingAnswer.DECLINED
                    for a in view.attendees):
                continue
            calendar.add_component(self._meeting_event(view))
        # Every participant's defences (the student's own, a committee member's).
        for defence in await DefenceService(self.session, self.deps).for_user(owner):
            calendar.add_component(defence_event(defence, self.config.tz))
        calendar.add_missing_timezones()
        return calendar

    def _milestone_event(self, milestone: Milestone, student: str | None) -> Event:
        from icalendar import Event

        event = Event()
        event.add("uid", f"milestone-{milestone.id}@thesis-supervisor")
        event.add("dtstamp", milestone.due_set_at or milestone.created_at or EPOCH)
        # The student's own due time, shown in the configured time zone.
        event.add("dtstart", milestone.own_due_at.astimezone(self.config.tz))
        summary = f"Due: {milestone.title}" + (f" ({student})" if student else "")
        event.add("summary", summary)
        event.add("categories", ["Milestone"])
        event.add("transp", "TRANSPARENT")
        return event

    def _meeting_event(self, view: MeetingView) -> Event:
        meeting = view.meeting
        start = meeting.starts_at.astimezone(self.config.tz)
        from icalendar import Event

        event = Event()
        event.add("uid", f"meeting-{meeting.id}@thesis-supervisor")
        changed = max(filter(None, (meeting.created_at, meeting.time_set_at, meeting.notes_at)),
                      default=EPOCH)
        event.add("dtstamp", changed)
        event.add("dtstart", start)
        event.add("dtend", start + LENGTH)
        names = ", ".join(a.student.full_name for a in view.attendees)
        event.add("summary", f"Meeting: {meeting.title}")
        if meeting.place:
            event.add("location", meeting.place)
        event.add("description", f"With {names}" + (f"\n\n{meeting.notes}"
                                                     if meeting.notes else ""))
        event.add("categories", ["Meeting"])
        return event

    def _new_row(self, user: User) -> CalendarToken:
        nonce = secrets.token_urlsafe(24)
        token = feed_token(self.config.link_key, user.id, nonce)
        return CalendarToken(user_id=user.id, nonce=nonce, token_hash=token_hash(token),
                             created_at=self.clock.now())

    def _url(self, token: str) -> str:
        return f"{self.config.public_base_url.rstrip('/')}/calendar/{token}.ics"
