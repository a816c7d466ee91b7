"""The Monday digest of silent students (no version, comment or meeting for ``SILENT_DAYS``).

On Monday from ``DIGEST_HOUR`` in ``TIMEZONE`` every supervisor and co-supervisor with silent
students gets their list, a **Nudge** per student and **Nudge all**; every active configured
admin gets how many silent students each supervisor has. Each in their own language (the
outbox renders in the recipient's). Exactly once a week per person, whatever the number of
replicas: the week's keys are claimed in the reminder log in the same transaction as the
notifications. Computing it takes a fixed number of statements, whatever the number of
supervisors and students.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from services import urgency
from services.base import BaseService, read_only, writes
from services.notifications import (
    Kind,
    SilentAdminDigest,
    SilentCount,
    SilentDigest,
    SilentItem,
    notify,
)
from services.reminders import DIGEST_HOUR
from services.urgency import Signals
from services.vocabulary import Role, TeamRole, ThesisStatus
from storage.models import User
from storage.repositories import activity, reminders, users

MONDAY = 0
DIGEST_ITEMS = 10
ADMIN_ROWS = 40
DECIDERS = (TeamRole.SUPERVISOR.value, TeamRole.CO_SUPERVISOR.value)


def weekly_due(now: datetime, tz: ZoneInfo) -> bool:
    local = now.astimezone(tz)
    return local.weekday() == MONDAY and local.hour >= DIGEST_HOUR


def week_key(prefix: str, user_id: int, now: datetime, tz: ZoneInfo) -> str:
    year, week, _day = now.astimezone(tz).isocalendar()
    return f"{prefix}{user_id}:{year}-W{week:02d}"


@dataclass
class _Member:
    user_id: int
    silent: list[SilentItem]
    students: int = 0


class SilenceService(BaseService):
    @read_only
    async def run_due(self, now: datetime) -> Counter[str]:
        sent: Counter[str] = Counter()
        if not weekly_due(now, self.config.tz):
            return sent
        found = await self._read(lambda: self._silent(now))
        digests, counts = found
        tz = self.config.tz
        keys = {week_key("s", m.user_id, now, tz): m for m in digests if m.silent}
        done = await self._read(lambda: reminders.existing(self.session, Kind.SILENT_DIGEST,
                                                           list(keys)))
        todo = {k: m for k, m in keys.items() if k not in done}
        if todo:
            sent[Kind.SILENT_DIGEST] += await self._send(todo, now)
        admins = await self._read(lambda: users.active_admins(self.session,
                                                              self.config.admin_ids))
        admin_keys = {week_key("a", a.id, now, tz): a for a in admins}
        if counts and admin_keys:
            sent[Kind.SILENT_ADMIN_DIGEST] += await self._send_admins(admin_keys, counts,
                                                                       now)
        return sent

    async def _silent(self, now: datetime,
                      ) -> tuple[list[_Member], list[tuple[User, int, int]]]:
        """Per decider: their silent students; per supervisor: (them, silent, students)."""
        rows = await activity.signals_of_all(self.session, now)
        people = {u.id: u for u in await users.active_with_roles(
            self.session, [Role.SUPERVISOR.value, Role.MEMBER.value])}
        by_member: dict[int, _Member] = {}
        per_supervisor: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            member_id, role = row.member_id, row.role
            if role not in DECIDERS or not row.active:
                continue
            waiting = row.thesis_updated_at \
                if row.thesis_status == ThesisStatus.SUBMITTED.value else None
            seen = row.activity
            judged = urgency.judge(Signals(
                row.student_id, row.name, row.joined_at, waiting, seen.overdue_since,
                row.latest_at, seen.last_comment_at, seen.last_meeting_at),
                now, self.config.silent_days)
            entry = by_member.setdefault(member_id, _Member(member_id, []))
            entry.students += 1
            if judged.silent_days is not None:
                entry.silent.append(SilentItem(student_id=row.student_id,
                                               student_name=row.name,
                                               days=judged.silent_days))
            if role == TeamRole.SUPERVISOR.value:
                tally = per_supervisor[member_id]
                tally[0] += judged.silent_days is not None
                tally[1] += 1
        digests = [m for m in by_member.values() if m.user_id in people]
        for member in digests:
            member.silent.sort(key=lambda item: (-item.days, item.student_name))
        counts = sorted(((people[s], silent, total) for s, (silent, total)
                         in per_supervisor.items() if s in people and silent),
                        key=lambda row: (-row[1], row[0].full_name))
        return digests, counts

    @writes
    async def _send(self, todo: dict[str, _Member], now: datetime) -> int:
        claimed = await reminders.claim_many(self.session, Kind.SILENT_DIGEST, list(todo), now)
        for key in sorted(claimed):
            member = todo[key]
            notify(self.session, member.user_id, SilentDigest(
                items=tuple(member.silent[:DIGEST_ITEMS]), total=len(member.silent),
                silent_days=self.config.silent_days), now)
        return len(claimed)

    @writes
    async def _send_admins(self, admin_keys: dict[str, User],
                           counts: list[tuple[User, int, int]], now: datetime) -> int:
        claimed = await reminders.claim_many(self.session, Kind.SILENT_ADMIN_DIGEST,
                                             list(admin_keys), now)
        payload = SilentAdminDigest(
            rows=tuple(SilentCount(supervisor_name=s.full_name, silent=silent, students=total)
                       for s, silent, total in counts[:ADMIN_ROWS]),
            total=sum(silent for _s, silent, _t in counts), silent_days=self.config.silent_days)
        for key in sorted(claimed):
            notify(self.session, admin_keys[key].id, payload, now)
        return len(claimed)
