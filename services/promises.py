""""I'll review by …": a supervisor promises a date for a decision on a version; the student
sees it (told at once, and in /status). When the promise passes without a decision the
supervisor is reminded; a day later the co-supervisors (or, without any, the admins) are
told. Each of these once, whatever the number of replicas: the reminder log's unique key and
the notification are written in one transaction (as services/reminders.py does).

A promise is **kept** when the version was decided by then, **broken** when it was not
(decided later, or not yet and the time has passed). One promise per version; promising
again moves it.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from services.base import BaseService, read_only, writes
from services.errors import AlreadyReviewed, NotAllowed, NotFound, Superseded
from services.notifications import (
    Kind,
    PromiseEscalated,
    PromiseMade,
    PromisePassed,
    notify,
)
from services.team import may_review, members, recipients
from services.vocabulary import ThesisStatus
from storage.models import ReviewPromise, User
from storage.repositories import promises, reminders, theses, users

# The day after the promise passed, the others are told.
ESCALATE_AFTER = timedelta(days=1)
# Reminders about a promise this old are not sent any more (the scheduler was down).
STALE_AFTER = timedelta(days=7)
FRIDAY = 4
# Kept and broken promises are counted over this window (/stats, the SLA digest).
PROMISE_WINDOW = timedelta(days=30)


class Choice(enum.StrEnum):
    TOMORROW = "t"
    IN_3_DAYS = "3"
    FRIDAY = "f"


def end_of(day: date, tz: ZoneInfo) -> datetime:
    """23:59 of that day, in the configured time zone."""
    return datetime.combine(day, time(23, 59), tzinfo=tz)


def due_for(choice: Choice, now: datetime, tz: ZoneInfo) -> datetime:
    """**Tomorrow**, **In 3 days**, **Friday** (the next one after today): the end of that
    day in ``tz``."""
    today = now.astimezone(tz).date()
    if choice is Choice.TOMORROW:
        return end_of(today + timedelta(days=1), tz)
    if choice is Choice.IN_3_DAYS:
        return end_of(today + timedelta(days=3), tz)
    ahead = (FRIDAY - today.weekday()) % 7 or 7
    return end_of(today + timedelta(days=ahead), tz)


def passed_key(promise_id: int, due_at: datetime) -> str:
    # The due time is part of the key: a moved promise is reminded afresh.
    return f"p{promise_id}@{int(due_at.timestamp())}"


@dataclass(frozen=True)
class Promised:
    promise: ReviewPromise
    student: User
    version: int


@dataclass(frozen=True)
class Tally:
    kept: int = 0
    broken: int = 0


class PromiseService(BaseService):
    def due_for(self, choice: Choice) -> datetime:
        return due_for(choice, self.clock.now(), self.config.tz)

    @writes
    async def promise(self, actor: User, submission_id: int, due_at: datetime) -> Promised:
        """Promise (or move the promise of) a decision on this version by ``due_at``; the
        student is told."""
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, review = found
        if not await may_review(self.session, actor, student):
            raise NotAllowed()
        if review is not None:
            reviewer = await users.get(self.session, review.reviewer_id) \
                if review.reviewer_id else None
            raise AlreadyReviewed(reviewer_name=reviewer.full_name if reviewer else "—",
                                  at=review.created_at)
        if submission.version < thesis.latest_version \
                or thesis.status != ThesisStatus.SUBMITTED.value:
            raise Superseded(version=thesis.latest_version)
        now = self.clock.now()
        row = await promises.put(self.session, submission_id, actor.id, due_at, now)
        if student.deactivated_at is None:
            notify(self.session, student.id, PromiseMade(
                submission_id=submission_id, version=submission.version, title=thesis.title,
                supervisor_name=actor.full_name, due_at=due_at), now)
        return Promised(row, student, submission.version)

    @read_only
    async def tally(self) -> Tally:
        """Promises due in the last ``PROMISE_WINDOW``: kept and broken (admin /stats)."""
        kept = broken = 0
        now = self.clock.now()
        for _by, k, b in await promises.tally(self.session, now - PROMISE_WINDOW, now):
            kept, broken = kept + k, broken + b
        return Tally(kept, broken)

    # --- the scheduler: passed promises ----------------------------------------------------

    @read_only
    async def run_due(self, now: datetime) -> Counter[str]:
        sent: Counter[str] = Counter()
        for stage, kind, after in ((0, Kind.PROMISE_PASSED, timedelta(0)),
                                   (1, Kind.PROMISE_ESCALATED, ESCALATE_AFTER)):
            candidates = await self._read(partial(promises.passed_undecided, self.session,
                                                  now - after - STALE_AFTER, now - after))
            keys = {passed_key(p.id, p.due_at): p for p in candidates}
            done = await self._read(partial(reminders.existing, self.session, kind, list(keys)))
            for key, promise in keys.items():
                if key in done:
                    continue
                if await self._tell(stage, kind, key, promise.id, now):
                    sent[kind] += 1
        return sent

    @writes
    async def _tell(self, stage: int, kind: Kind, key: str, promise_id: int,
                    now: datetime) -> bool:
        # Re-read in this transaction: decided or moved since the scan, nobody is told.
        found = await promises.undecided(self.session, promise_id)
        if found is None:
            return False
        promise, submission, thesis, student = found
        if passed_key(promise.id, promise.due_at) != key:
            return False
        team_members = await members(self.session, student.id)
        if stage == 0:
            told = [m.user for m in recipients(team_members, deciders_only=True)
                    if m.user.id == promise.promised_by]
            if not told and promise.promised_by is not None:
                by = await users.get(self.session, promise.promised_by)
                told = [by] if by is not None and by.deactivated_at is None else []
        else:
            told = [m.user for m in recipients(team_members, deciders_only=True,
                                               exclude=[promise.promised_by or 0])
                    if m.role.value == "co_supervisor"]
            if not told:
                told = list(await users.active_admins(self.session, self.config.admin_ids))
        if not told or not await reminders.claim(self.session, kind, key, now):
            return False
        by = await users.get(self.session, promise.promised_by) if promise.promised_by else None
        for person in told:
            payload = PromisePassed(submission_id=submission.id, version=submission.version,
                                    student_name=student.full_name, title=thesis.title,
                                    due_at=promise.due_at) if stage == 0 else \
                PromiseEscalated(submission_id=submission.id, version=submission.version,
                                 student_name=student.full_name, title=thesis.title,
                                 due_at=promise.due_at,
                                 supervisor_name=by.full_name if by else "—")
            notify(self.session, person.id, payload, now)
        return True
