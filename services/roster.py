"""A department's roster: checked before it is imported, imported in one go, and the
personal links that join each pending person as exactly themselves.

The e-mail identifies a roster person: importing the same file again changes nothing, an
edited row updates the pending person, and a person who already joined is never made again
(a row naming someone who joined without the roster, by the same name and role, is bound
to them). An import runs a fixed number of statements whatever its size (bulk inserts and
one bulk update). A pending person's link is an invite (services/invites.py) with their
row: opening it registers them with the role, supervisor, team and title of their row
(``bind``); who supervises is written through services/team.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, read_only, writes
from services.deadlines import join_cohort
from services.errors import NotAllowed, NotFound
from services.invites import new_code
from services.roster_sheets import RosterRow, read_roster
from services.team import add_co_supervisor, add_supervisor, teams
from services.vocabulary import Role, TeamRole
from storage.models import Invite, RosterPerson, Thesis, User
from storage.repositories import audit, roster, theses

TITLE_MAX = 300  # theses.title (services/submissions.py: TITLE_MAX)
NAME_MAX = 256
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
LANGUAGES = ("en", "ru")
_ROLES = {"supervisor": Role.SUPERVISOR, "руководитель": Role.SUPERVISOR,
          "student": Role.STUDENT, "студент": Role.STUDENT}
PAGE = 10


class Reason(StrEnum):
    """Why a row of the roster cannot be imported."""

    UNKNOWN_SUPERVISOR = "unknown_supervisor"
    DUPLICATE = "duplicate"
    BAD_EMAIL = "bad_email"
    TITLE_TOO_LONG = "title_too_long"
    NO_NAME = "no_name"
    BAD_ROLE = "bad_role"


@dataclass(frozen=True)
class Problem:
    row: int
    reason: Reason


@dataclass(frozen=True)
class Preview:
    """What importing the file would do."""

    supervisors: int  # pending supervisors to create
    students: int  # pending students to create
    updated: int  # pending people whose row changed
    unchanged: int  # rows already there as they are (or people who already joined)
    problems: list[Problem]

    @property
    def changes(self) -> bool:
        return bool(self.supervisors or self.students or self.updated)


@dataclass
class _Row:
    row: RosterRow
    role: Role
    email: str
    name: str
    language: str
    title: str | None
    supervisor: str | None = None  # a supervisor's e-mail (the key)
    co_supervisors: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    preview: Preview
    create: list[_Row]
    update: list[tuple[RosterPerson, _Row]]
    bind: list[tuple[_Row, int]]  # joined without the roster: their user id
    ids: dict[str, int]  # e-mail → id of the roster people already there


@dataclass(frozen=True)
class PendingLine:
    person: RosterPerson
    link: Invite | None  # the live personal link


@dataclass(frozen=True)
class RosterView:
    joined: int
    pending: int
    page: int
    pages: int
    lines: list[PendingLine]


@dataclass(frozen=True)
class LinkRow:
    name: str
    email: str
    role: str
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class FirstRun:
    """An admin's first-run steps, each read from where its fact lives."""

    scheme: bool
    statement: bool
    roster: bool
    links: bool
    test_student: bool

    @property
    def done(self) -> bool:
        return all((self.scheme, self.statement, self.roster, self.links, self.test_student))


def _admin(actor: User) -> None:
    if actor.role != Role.ADMIN.value:
        raise NotAllowed()


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def _refs(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", raw) if part.strip()]


class RosterService(BaseService):
    @read_only
    async def check(self, actor: User, data: bytes) -> Preview:
        """What importing this file would do: no change is made."""
        _admin(actor)
        return (await self._plan(read_roster(data))).preview

    @writes
    async def import_roster(self, actor: User, data: bytes) -> Preview:
        """Import the rows without problems, in one transaction and a fixed number of
        statements: pending people created or updated, their personal links made."""
        _admin(actor)
        plan = await self._plan(read_roster(data))
        now = self.clock.now()
        ids = dict(plan.ids)
        sups = [r for r in plan.create if r.role is Role.SUPERVISOR]
        students = [r for r in plan.create if r.role is Role.STUDENT]
        bound = {r.email: user_id for r, user_id in plan.bind}
        for chunk in (sups, students):
            # Supervisors first: the students' rows refer to them.
            created = await roster.add_many(self.session, [
                self._values(r, ids, now) | {"created_by": actor.id, "created_at": now,
                                             "user_id": bound.get(r.email)} for r in chunk])
            ids.update({email: person_id for person_id, email in created})
        await roster.update_many(self.session, [
            {"id": person.id, **self._values(r, ids, now)} for person, r in plan.update])
        expires = now + timedelta(days=self.config.invite_ttl_days)
        await roster.add_links(self.session, [
            {"code": new_code(), "role": r.role.value, "created_by": actor.id, "max_uses": 1,
             "uses": 0, "expires_at": expires, "created_at": now,
             "roster_person_id": ids[r.email]}
            for r in plan.create if r.email not in bound])
        preview = plan.preview
        audit.record(self.session, actor_id=actor.id, action="roster.import",
                     object_type="roster", object_id=len(plan.create), at=now,
                     supervisors=preview.supervisors, students=preview.students,
                     updated=preview.updated, problems=len(preview.problems))
        return preview

    def _values(self, r: _Row, ids: dict[str, int], now: datetime) -> dict[str, Any]:
        return {"email": r.email, "full_name": r.name, "role": r.role.value,
                "language": r.language, "title": r.title,
                "supervisor_id": ids[r.supervisor] if r.supervisor else None,
                "co_supervisor_ids": [ids[e] for e in r.co_supervisors], "updated_at": now}

    async def _plan(self, rows: list[RosterRow]) -> _Plan:
        problems: list[Problem] = []
        good: list[_Row] = []
        seen: set[str] = set()
        for row in rows:
            checked = self._row(row, seen)
            if isinstance(checked, Reason):
                problems.append(Problem(row.number, checked))
            else:
                good.append(checked)
        known = {p.email: p for p in await roster.known(self.session, [r.email for r in good])}
        good = self._resolve(good, known, problems)
        names = {_key(r.name) for r in good if r.email not in known}
        users = await roster.users_named(self.session, names, [
            Role.SUPERVISOR.value, Role.MEMBER.value, Role.STUDENT.value])
        by_name = Counter((_key(u.full_name), _side(u.role)) for u in users)
        user_of = {(_key(u.full_name), _side(u.role)): u.id for u in users}
        create, update, bind = [], [], []
        unchanged = 0
        for r in good:
            person = known.get(r.email)
            if person is None:
                create.append(r)
                match = (_key(r.name), r.role.value)
                if by_name[match] == 1:
                    bind.append((r, user_of[match]))
            elif person.user_id is None and self._differs(person, r, known):
                update.append((person, r))
            else:
                unchanged += 1
        bound = {r.email for r, _ in bind}
        new = [r for r in create if r.email not in bound]
        preview = Preview(
            supervisors=sum(r.role is Role.SUPERVISOR for r in new),
            students=sum(r.role is Role.STUDENT for r in new),
            updated=len(update), unchanged=unchanged + len(bind),
            problems=sorted(problems, key=lambda p: p.row))
        return _Plan(preview, create, update, bind, {e: p.id for e, p in known.items()})

    def _row(self, row: RosterRow, seen: set[str]) -> _Row | Reason:
        name = " ".join(row.name.split())
        if not name or len(name) > NAME_MAX:
            return Reason.NO_NAME
        role = _ROLES.get(row.role.strip().lower())
        if role is None:
            return Reason.BAD_ROLE
        email = row.email.strip().lower()
        if len(email) > 254 or not EMAIL.match(email):
            return Reason.BAD_EMAIL
        if email in seen:
            return Reason.DUPLICATE
        seen.add(email)
        title = " ".join(row.title.split()) or None
        if title is not None and len(title) > TITLE_MAX:
            return Reason.TITLE_TOO_LONG
        language = row.language.strip().lower()[:2]
        return _Row(row, role, email, name, language if language in LANGUAGES else "en",
                    title if role is Role.STUDENT else None)

    def _resolve(self, good: list[_Row], known: dict[str, RosterPerson],
                 problems: list[Problem]) -> list[_Row]:
        """Each student's supervisor and co-supervisors, by e-mail or name, among the file's
        supervisors and those imported before; a student whose cannot be found is a
        problem."""
        emails: dict[str, str] = {}
        names: dict[str, set[str]] = {}
        for email, person in known.items():
            if person.role == Role.SUPERVISOR.value:
                emails[email] = email
                names.setdefault(_key(person.full_name), set()).add(email)
        for r in good:
            if r.role is Role.SUPERVISOR:
                emails[r.email] = r.email
                names.setdefault(_key(r.name), set()).add(r.email)
            else:
                emails.pop(r.email, None)  # a supervisor's row become a student's

        def find(ref: str) -> str | None:
            if "@" in ref:
                return emails.get(ref.strip().lower())
            found = names.get(_key(ref), set())
            return next(iter(found)) if len(found) == 1 else None

        kept = []
        for r in good:
            if r.role is Role.STUDENT:
                supervisor = find(r.row.supervisor) if r.row.supervisor.strip() else None
                co = [find(ref) for ref in _refs(r.row.co_supervisors)]
                if supervisor is None or None in co:
                    problems.append(Problem(r.row.number, Reason.UNKNOWN_SUPERVISOR))
                    continue
                r.supervisor = supervisor
                r.co_supervisors = [e for e in dict.fromkeys(co) if e and e != supervisor]
            kept.append(r)
        return kept

    def _differs(self, person: RosterPerson, r: _Row, known: dict[str, RosterPerson]) -> bool:
        sup = known.get(r.supervisor) if r.supervisor else None
        if r.supervisor and sup is None:
            return True  # a supervisor new in this file
        co = [known[e].id if e in known else None for e in r.co_supervisors]
        return (person.full_name, person.role, person.language, person.title,
                person.supervisor_id, list(person.co_supervisor_ids or [])) != (
            r.name, r.role.value, r.language, r.title, sup.id if sup else None, co)

    # --- /roster ---------------------------------------------------------------------------

    @read_only
    async def view(self, actor: User, page: int = 0) -> RosterView:
        """Who joined and who has not (a page of pending people with their links)."""
        _admin(actor)
        joined, pending = await roster.counts(self.session)
        pages = max(1, -(-pending // PAGE))
        page = min(max(page, 0), pages - 1)
        lines = await roster.pending_with_links(self.session, self.clock.now(),
                                                offset=page * PAGE, limit=PAGE)
        return RosterView(joined, pending, page, pages,
                          [PendingLine(person, link) for person, link in lines])

    @writes
    async def remind(self, actor: User, person_id: int) -> tuple[RosterPerson, Invite]:
        """A new personal link for a pending person; their earlier links stop working."""
        _admin(actor)
        person = await self._pending(person_id)
        now = self.clock.now()
        await roster.revoke_links(self.session, person.id, now)
        invite = Invite(code=new_code(), role=person.role, created_by=actor.id, max_uses=1,
                        uses=0, expires_at=now + timedelta(days=self.config.invite_ttl_days),
                        roster_person_id=person.id, created_at=now)
        self.session.add(invite)
        await self.session.flush()
        audit.record(self.session, actor_id=actor.id, action="roster.remind",
                     object_type="roster_person", object_id=person.id, at=now)
        return person, invite

    @writes
    async def revoke(self, actor: User, person_id: int) -> RosterPerson:
        """The person's personal link stops working (Remind makes a new one)."""
        _admin(actor)
        person = await self._pending(person_id)
        now = self.clock.now()
        await roster.revoke_links(self.session, person.id, now)
        audit.record(self.session, actor_id=actor.id, action="roster.revoke",
                     object_type="roster_person", object_id=person.id, at=now)
        return person

    async def _pending(self, person_id: int) -> RosterPerson:
        person = await roster.get(self.session, person_id)
        if person is None or person.user_id is not None:
            raise NotFound()
        return person

    @writes
    async def links(self, actor: User) -> list[LinkRow]:
        """Every pending person's live personal link, for the mail merge and the printed
        sheet; a person whose link expired or was revoked gets a new one (in bulk)."""
        _admin(actor)
        now = self.clock.now()
        lines = await roster.pending_with_links(self.session, now)
        expires = now + timedelta(days=self.config.invite_ttl_days)
        fresh = {person.id: new_code() for person, link in lines if link is None}
        await roster.add_links(self.session, [
            {"code": fresh[person.id], "role": person.role, "created_by": actor.id,
             "max_uses": 1, "uses": 0, "expires_at": expires, "created_at": now,
             "roster_person_id": person.id} for person, link in lines if link is None])
        audit.record(self.session, actor_id=actor.id, action="roster.links",
                     object_type="roster", object_id=len(lines), at=now, renewed=len(fresh))
        return [LinkRow(p.full_name, p.email, p.role, link.code if link else fresh[p.id],
                        link.expires_at if link else expires) for p, link in lines]

    @read_only
    async def first_run(self, actor: User) -> FirstRun:
        _admin(actor)
        return FirstRun(*await roster.first_run(self.session))


def _side(role: str) -> str:
    """A user's role as a roster's: a team member who joined is a supervisor there."""
    return Role.SUPERVISOR.value if role == Role.MEMBER.value else role


# --- joining by a personal link (services/registration.py) ----------------------------------

async def bind(session: AsyncSession, person: RosterPerson, user: User, now: datetime) -> None:
    """The user who opened ``person``'s link becomes them: a student gets their supervisor,
    co-supervisors (those who joined already) and title; a supervisor becomes the supervisor
    or co-supervisor of the roster's students who joined before them. In the caller's
    transaction."""
    person.user_id, person.updated_at = user.id, now
    await session.flush()
    if person.role == Role.STUDENT.value:
        await _student_joined(session, person, user, now)
    else:
        await _supervisor_joined(session, person, user, now)


async def _student_joined(session: AsyncSession, person: RosterPerson, user: User,
                          now: datetime) -> None:
    refs = [i for i in (person.supervisor_id, *(person.co_supervisor_ids or [])) if i]
    by_id = {p.id: p for p in await roster.by_ids(session, refs)}
    members = {m.user.id for m in (await teams(session, [user.id])).get(user.id, [])}
    supervisor = by_id.get(person.supervisor_id) if person.supervisor_id else None
    if supervisor is not None and supervisor.user_id is not None \
            and supervisor.user_id not in members:
        await add_supervisor(session, user.id, supervisor.user_id, now)
        await join_cohort(session, user.id, supervisor.user_id, now)
        members.add(supervisor.user_id)
    for co_id in person.co_supervisor_ids or []:
        co = by_id.get(co_id)
        if co is not None and co.user_id is not None and co.user_id not in members:
            await add_co_supervisor(session, user.id, co.user_id, now)
            members.add(co.user_id)
    if person.title and await theses.by_student(session, user.id) is None:
        await theses.add(session, Thesis(student_id=user.id, title=person.title,
                                         latest_version=0, created_at=now, updated_at=now))


async def _supervisor_joined(session: AsyncSession, person: RosterPerson, user: User,
                             now: datetime) -> None:
    students = [s for s in await roster.joined_students(session)
                if s.supervisor_id == person.id or person.id in (s.co_supervisor_ids or [])]
    if not students:
        return
    found = await teams(session, [s.user_id for s in students if s.user_id is not None])
    for student in students:
        assert student.user_id is not None
        team = found.get(student.user_id, [])
        if any(m.user.id == user.id for m in team):
            continue
        if student.supervisor_id == person.id and not any(
                m.role is TeamRole.SUPERVISOR for m in team):
            await add_supervisor(session, student.user_id, user.id, now)
            await join_cohort(session, student.user_id, user.id, now)
        else:
            await add_co_supervisor(session, student.user_id, user.id, now)


def sorted_links(rows: Sequence[LinkRow]) -> list[LinkRow]:
    return sorted(rows, key=lambda r: (r.role != Role.SUPERVISOR.value, r.name.lower()))
