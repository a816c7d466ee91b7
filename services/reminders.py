"""Which reminders are due at a moment, and claiming each exactly once.

Pure rules first (no database): a student is reminded of each open milestone (by their own
due time: an extension moves it for them alone; none once their thesis is final) 7 days,
3 days, 1 day, 12 hours and 1 hour before it is due (only the times still ahead when the
due date was set), and once when it is overdue (their supervisor is told too). Every
member of a thesis team gets one digest a day when versions wait longer than
``review_sla_days``. Deactivated people get none of these: a deactivated student's
milestones remind nobody, and a deactivated member gets neither the overdue notice nor
the digest.

``ReminderService.run_due(now)`` then claims due work through the reminder log: the
unique (kind, subject_key) row and the outbox row are written in one transaction, so every
reminder is queued exactly once, whatever the number of replicas or restarts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.base import BaseService, read_only, writes
from services.notifications import (
    DeadlineOverdue,
    DeadlineReminder,
    DigestItem,
    Kind,
    OverdueItem,
    ReviewDigest,
    StudentOverdue,
    notify,
)
from services.promises import PROMISE_WINDOW
from services.team import Member, recipients, teams
from storage.models import Milestone
from storage.repositories import milestones, promises, reminders, theses, users
from storage.repositories.theses import PendingRow

# Label (stable: part of the reminder key and of the text key) and lead time, widest first.
OFFSETS: tuple[tuple[str, timedelta], ...] = (
    ("7d", timedelta(days=7)),
    ("3d", timedelta(days=3)),
    ("1d", timedelta(days=1)),
    ("12h", timedelta(hours=12)),
    ("1h", timedelta(hours=1)),
)
WIDEST = OFFSETS[0][1]
# Overdue notices older than this are not sent any more (the scheduler was down that long).
OVERDUE_WINDOW = timedelta(days=7)
# The digest goes out once a day, at the first run after this local hour.
DIGEST_HOUR = 9
DIGEST_ITEMS = 10


def armed_at(milestone: Milestone) -> datetime:
    """When the current due date was set: reminders due before then are never sent."""
    return milestone.due_set_at or milestone.created_at


def schedule(due_at: datetime, armed: datetime) -> list[tuple[str, datetime]]:
    """Every reminder of a milestone (label, when), those still ahead at ``armed``."""
    return [(label, due_at - lead) for label, lead in OFFSETS if due_at - lead > armed]


def reminder_due(due_at: datetime, armed: datetime, now: datetime) -> str | None:
    """The one reminder to send at ``now``, if any.

    It is the most recent threshold already passed. Wider ones passed earlier are
    superseded (after downtime the student gets the nearest reminder, not a burst).
    """
    if now >= due_at:
        return None
    for label, lead in reversed(OFFSETS):
        fire = due_at - lead
        if fire <= now:
            return label if fire > armed else None
    return None


def overdue_due(due_at: datetime, now: datetime) -> bool:
    """The overdue notice is due (and not stale)."""
    return due_at <= now < due_at + OVERDUE_WINDOW


def digest_due(now: datetime, tz: ZoneInfo) -> bool:
    return now.astimezone(tz).hour >= DIGEST_HOUR


def reminder_key(milestone_id: int, due_at: datetime, label: str) -> str:
    # The due time is part of the key: moving a milestone arms its reminders afresh.
    return f"m{milestone_id}@{int(due_at.timestamp())}:{label}"


def overdue_key(milestone_id: int, due_at: datetime) -> str:
    return f"m{milestone_id}@{int(due_at.timestamp())}"


def digest_key(supervisor_id: int, now: datetime, tz: ZoneInfo) -> str:
    return f"s{supervisor_id}:{now.astimezone(tz).date().isoformat()}"


@dataclass(frozen=True)
class _Reminder:
    milestone_id: int
    due_at: datetime
    label: str


class ReminderService(BaseService):
    """Queues the reminders and digests due at ``now``; safe to run in every replica."""

    @read_only
    async def run_due(self, now: datetime) -> Counter[str]:
        """Returns how many notifications of each kind this call queued."""
        sent: Counter[str] = Counter()
        await self._reminders(now, sent)
        await self._overdue(now, sent)
        if digest_due(now, self.config.tz):
            await self._digests(now, sent)
        return sent

    # --- before the due time ---------------------------------------------------------

    async def _reminders(self, now: datetime, sent: Counter[str]) -> None:
        candidates = await self._read(lambda: milestones.open_due_between(
            self.session, now, now + WIDEST + timedelta(minutes=1)))
        due = []
        for m in candidates:
            label = reminder_due(m.own_due_at, armed_at(m), now)
            if label is not None:
                due.append(_Reminder(m.id, m.own_due_at, label))
        keys = {reminder_key(r.milestone_id, r.due_at, r.label): r for r in due}
        done = await self._read(lambda: reminders.existing(
            self.session, Kind.DEADLINE_REMINDER, list(keys)))
        for key, reminder in keys.items():
            if key not in done and await self._remind(reminder, key, now):
                sent[Kind.DEADLINE_REMINDER] += 1

    @writes
    async def _remind(self, reminder: _Reminder, key: str, now: datetime) -> bool:
        locked = await milestones.lock_open(self.session, [reminder.milestone_id])
        # Re-checked under the lock: it may have been submitted, moved or deleted since.
        if not locked or locked[0].own_due_at != reminder.due_at:
            return False
        milestone = locked[0]
        if reminder_due(milestone.own_due_at, armed_at(milestone), now) != reminder.label:
            return False
        if not await reminders.claim(self.session, Kind.DEADLINE_REMINDER, key, now):
            return False
        notify(self.session, milestone.student_id, DeadlineReminder(
            milestone_id=milestone.id, title=milestone.title, due_at=milestone.own_due_at,
            left=reminder.label), now)
        return True

    # --- overdue ---------------------------------------------------------------------

    async def _overdue(self, now: datetime, sent: Counter[str]) -> None:
        candidates = await self._read(lambda: milestones.open_due_between(
            self.session, now - OVERDUE_WINDOW, now))
        keys = {overdue_key(m.id, m.own_due_at): m for m in candidates
                if overdue_due(m.own_due_at, now)}
        done = await self._read(lambda: reminders.existing(
            self.session, Kind.DEADLINE_OVERDUE, list(keys)))
        by_supervisor: dict[int, list[Milestone]] = defaultdict(list)
        for key, milestone in keys.items():
            if key not in done:
                by_supervisor[milestone.supervisor_id].append(milestone)
        for supervisor_id, group in sorted(by_supervisor.items()):
            count = await self._tell_overdue(supervisor_id, group, now)
            if count:
                sent[Kind.DEADLINE_OVERDUE] += count
                sent[Kind.STUDENT_OVERDUE] += 1

    @writes
    async def _tell_overdue(self, supervisor_id: int, group: Iterable[Milestone],
                            now: datetime) -> int:
        expected = {m.id: m.own_due_at for m in group}
        items: list[OverdueItem] = []
        for milestone in await milestones.lock_open(self.session, list(expected)):
            due = milestone.own_due_at
            if due != expected[milestone.id] or not overdue_due(due, now):
                continue
            key = overdue_key(milestone.id, due)
            if not await reminders.claim(self.session, Kind.DEADLINE_OVERDUE, key, now):
                continue
            notify(self.session, milestone.student_id, DeadlineOverdue(
                milestone_id=milestone.id, title=milestone.title, due_at=due), now)
            student = await users.get(self.session, milestone.student_id)
            items.append(OverdueItem(student_name=student.full_name if student else "?",
                                     title=milestone.title, due_at=due))
        if items and await self._active(supervisor_id):
            notify(self.session, supervisor_id, StudentOverdue(items=tuple(items)), now)
        return len(items)

    # --- the supervisor's daily digest -----------------------------------------------

    async def _digests(self, now: datetime, sent: Counter[str]) -> None:
        sla = timedelta(days=self.config.review_sla_days)
        rows, teams = await self._read(lambda: self._waiting_with_teams(now - sla))
        # Kept and broken review promises per member, one statement for every digest.
        kept = {by: (k, b) for by, k, b in await self._read(lambda: promises.tally(
            self.session, now - PROMISE_WINDOW, now)) if by is not None}
        # Every member of a waiting version's team gets it in their digest.
        by_supervisor: dict[int, list[DigestItem]] = defaultdict(list)
        for row in rows:
            for member in recipients(teams.get(row.student.id, [])):
                by_supervisor[member.user.id].append(DigestItem(
                    submission_id=row.submission.id, student_name=row.student.full_name,
                    title=row.thesis.title, version=row.submission.version,
                    submitted_at=row.submission.submitted_at))
        keys = {digest_key(s, now, self.config.tz): s for s in by_supervisor}
        done = await self._read(lambda: reminders.existing(
            self.session, Kind.REVIEW_DIGEST, list(keys)))
        for key, supervisor_id in sorted(keys.items()):
            if key in done:
                continue
            items = by_supervisor[supervisor_id]
            tally = kept.get(supervisor_id, (0, 0))
            if await self._digest(key, supervisor_id, items, now, tally):
                sent[Kind.REVIEW_DIGEST] += 1

    async def _waiting_with_teams(self, before: datetime,
                                  ) -> tuple[list[PendingRow], dict[int, list[Member]]]:
        rows = await theses.pending_older_than(self.session, before)
        return rows, await teams(self.session, {row.student.id for row in rows})

    @writes
    async def _digest(self, key: str, supervisor_id: int, items: list[DigestItem],
                      now: datetime, tally: tuple[int, int] = (0, 0)) -> bool:
        # Not claimed: reactivated the same day, the supervisor still gets the day's digest.
        if not await self._active(supervisor_id):
            return False
        if not await reminders.claim(self.session, Kind.REVIEW_DIGEST, key, now):
            return False
        notify(self.session, supervisor_id, ReviewDigest(
            items=tuple(items[:DIGEST_ITEMS]), total=len(items),
            sla_days=self.config.review_sla_days, promises_kept=tally[0],
            promises_broken=tally[1]), now)
        return True

    async def _active(self, user_id: int) -> bool:
        """Deactivated people are told nothing and handed nothing."""
        user = await users.get(self.session, user_id)
        return user is not None and user.deactivated_at is None
