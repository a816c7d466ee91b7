"""Who someone is when they /start: an admin by config, or whatever their invite says."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from services.base import BaseService, after_commit, read_only, writes
from services.deadlines import join_cohort
from services.errors import InviteExpired, InviteInvalid, InviteRevoked, InviteUsedUp
from services.metrics import USER_REGISTRATIONS
from services.notifications import PersonJoined, notify
from services.roster import bind
from services.team import add_supervisor, supervisor_of
from services.team_management import Joined, TeamService
from services.vocabulary import TEAM_SIDE, Role
from storage.models import Invite, User
from storage.repositories import audit, invites, roster, users


@dataclass(frozen=True)
class Person:
    """What Telegram tells us about someone."""

    id: int
    full_name: str
    username: str | None = None
    language: str = "en"


class Outcome(StrEnum):
    REGISTERED = "registered"
    ALREADY = "already"
    UNKNOWN = "unknown"
    # A supervisor already registered opened a team invite: they joined that team.
    JOINED = "joined"


@dataclass(frozen=True)
class StartResult:
    outcome: Outcome
    user: User | None = None
    supervisor: User | None = None
    joined: Joined | None = None  # the team a team invite joined them to


class RegistrationService(BaseService):
    @writes
    async def start(self, person: Person, code: str | None) -> StartResult:
        existing = await users.get(self.session, person.id)
        if existing is not None:
            if code:
                bound = await self._bind_existing(existing, code)
                if bound is not None:
                    return bound
            if code and existing.role in TEAM_SIDE:
                joined = await self._join_existing(existing, code)
                if joined is not None:
                    return StartResult(Outcome.JOINED, existing, joined=joined)
            if code and existing.role == Role.MEMBER.value:
                promoted = await self._promote(existing, code)
                if promoted is not None:
                    return StartResult(Outcome.REGISTERED, promoted)
            return StartResult(Outcome.ALREADY, existing, await self._supervisor(existing))
        if person.id in self.config.admin_ids:
            user = await self._register(person, Role.ADMIN, None, via="config")
            return StartResult(Outcome.REGISTERED, user)
        if not code:
            return StartResult(Outcome.UNKNOWN)
        invite = await self._usable_invite(code)
        if invite.roster_person_id is not None:
            return await self._join_roster(person, invite)
        supervisor_id = invite.created_by if invite.role == Role.STUDENT.value else None
        if invite.team_role is not None:
            # A new person by a team invite: a member of that team only (no invites of
            # their own unless an admin makes them a supervisor).
            user = await self._register(person, Role.MEMBER, None, via=invite)
            joined = await TeamService(self.session, self.deps).join(user, invite)
            return StartResult(Outcome.REGISTERED, user, joined=joined)
        # The inviter (a student's supervisor, or the admin who invited a supervisor) is told.
        user = await self._register(person, Role(invite.role), supervisor_id, via=invite,
                                    tell=invite.created_by)
        return StartResult(Outcome.REGISTERED, user, await self._supervisor(user))

    async def _join_roster(self, person: Person, invite: Invite) -> StartResult:
        """A personal link: they join as exactly the roster's person (role, supervisor,
        team, title), named as the roster names them."""
        assert invite.roster_person_id is not None
        row = await roster.get(self.session, invite.roster_person_id, lock=True)
        if row is None or row.user_id is not None:
            raise InviteUsedUp()
        named = Person(id=person.id, full_name=row.full_name, username=person.username,
                       language=row.language)
        user = await self._register(named, Role(row.role), None, via=invite)
        await bind(self.session, row, user, self.clock.now())
        return StartResult(Outcome.REGISTERED, user, await self._supervisor(user))

    async def _bind_existing(self, user: User, code: str) -> StartResult | None:
        """A registered person opening a personal link of their own role becomes that roster
        person (None: not a personal link, or not theirs to take)."""
        invite = await invites.by_code(self.session, code.strip())
        if invite is None or invite.roster_person_id is None:
            return None
        row = await roster.get(self.session, invite.roster_person_id)
        side = Role.SUPERVISOR.value if user.role == Role.MEMBER.value else user.role
        if row is None or row.user_id is not None or row.role != side \
                or await roster.of_user(self.session, user.id) is not None:
            return None  # not theirs to take (or they are a roster person already)
        await self._usable_invite(code)
        row = await roster.get(self.session, invite.roster_person_id, lock=True)
        if row is None or row.user_id is not None:
            raise InviteUsedUp()
        await bind(self.session, row, user, self.clock.now())
        after_commit(self.session, partial(self.deps.known_users.forget, user.id))
        return StartResult(Outcome.ALREADY, user, await self._supervisor(user))

    async def _join_existing(self, user: User, code: str) -> Joined | None:
        """A registered supervisor opening a team invite joins that team (None: the code is
        not a team invite, and is ignored as before)."""
        invite = await invites.by_code(self.session, code.strip())
        if invite is None or invite.team_role is None:
            return None
        await self._usable_invite(code)
        joined = await TeamService(self.session, self.deps).join(user, invite)
        after_commit(self.session, partial(self.deps.known_users.forget, user.id))
        return joined

    async def _promote(self, user: User, code: str) -> User | None:
        """A team member opening an admin's supervisor invite becomes a supervisor (None: the
        code is not such an invite, and is ignored)."""
        invite = await invites.by_code(self.session, code.strip())
        if invite is None or invite.team_role is not None \
                or invite.role != Role.SUPERVISOR.value:
            return None
        await self._usable_invite(code)
        await users.set_role(self.session, user.id, Role.SUPERVISOR.value)
        audit.record(self.session, actor_id=user.id, action="user.promote",
                     object_type="user", object_id=user.id, at=self.clock.now(),
                     role=Role.SUPERVISOR.value, via=str(invite.id))
        after_commit(self.session, partial(self._changed, user.id))
        return await users.get(self.session, user.id)

    async def _usable_invite(self, code: str) -> Invite:
        invite = await invites.by_code(self.session, code.strip())
        now = self.clock.now()
        if invite is None:
            raise InviteInvalid()
        if invite.revoked_at is not None:
            raise InviteRevoked()
        if invite.expires_at <= now:
            raise InviteExpired(expired_at=invite.expires_at)
        # Deactivation revokes a person's invites; this covers one created in the same instant.
        creator = await users.get(self.session, invite.created_by)
        if creator is None or creator.deactivated_at is not None:
            raise InviteRevoked()
        if not await invites.consume(self.session, invite.id, now):
            raise InviteUsedUp()
        return invite

    async def _register(self, person: Person, role: Role, supervisor_id: int | None,
                        via: Invite | str, tell: int | None = None) -> User:
        now = self.clock.now()
        user = await users.add(
            self.session,
            User(id=person.id, role=role.value, full_name=person.full_name[:256] or str(person.id),
                 username=person.username, language=(person.language or "en")[:8],
                 invited_by_id=via.created_by if isinstance(via, Invite) else None,
                 reachable=True, created_at=now),
        )
        if supervisor_id is not None:
            # The student's team begins with the supervisor who invited them, and their
            # milestones with the ones set for all that supervisor's students.
            await add_supervisor(self.session, user.id, supervisor_id, now)
            await join_cohort(self.session, user.id, supervisor_id, now)
        audit.record(self.session, actor_id=person.id, action="user.register", object_type="user",
                     object_id=person.id, at=now, role=role.value,
                     via=str(via.id if isinstance(via, Invite) else via))
        if tell is not None:
            notify(self.session, tell, PersonJoined(name=user.full_name, role=role.value), now)
        after_commit(self.session, USER_REGISTRATIONS.labels(role=role.value).inc)
        return user

    @writes
    async def enrol(self, person: Person, supervisor_id: int, via: str) -> User:
        """Someone accepted for a topic becomes that supervisor's student (their team begins
        with the supervisor), inside the caller's ``@writes`` call (services/applications.py)."""
        return await self._register(person, Role.STUDENT, supervisor_id, via=via)

    async def _changed(self, user_id: int) -> None:
        self.deps.known_users.forget(user_id)
        await self.deps.user_changes.changed(user_id)

    async def _supervisor(self, user: User) -> User | None:
        if user.role != Role.STUDENT.value:
            return None
        return await supervisor_of(self.session, user.id)

    @read_only
    async def current(self, user_id: int) -> User | None:
        """Who is writing: a detached snapshot, from the process cache while the user's
        shared version says no replica changed them since it was taken."""
        # Read before the row: a change committed between the two reads leaves a newer
        # version behind, so the next update reads the row again.
        version = await self.deps.user_changes.version(user_id)
        known = self.deps.known_users.get(user_id, version)
        if known is not None:
            return known
        user = await users.get(self.session, user_id)
        if user is not None:
            # Detached, so that no rollback in this update can expire it under its readers.
            self.session.expunge(user)
            self.deps.known_users.put(user, version)
        return user

    @writes
    async def admin_from_config(self, person: Person) -> User | None:
        """An id in ADMIN_IDS is an administrator from its first update, whatever that update
        is (not only /start): registered now, a detached snapshot like ``current``'s."""
        if person.id not in self.config.admin_ids:
            return None
        version = await self.deps.user_changes.version(person.id)
        user = await users.get(self.session, person.id)
        if user is None:
            user = await self._register(person, Role.ADMIN, None, via="config")
        self.session.expunge(user)
        self.deps.known_users.put(user, version)
        return user

    @writes
    async def set_language(self, user: User, language: str) -> None:
        """The language the person chose for the bot (``/language``). Another replica's
        snapshot of them may keep the old one for its TTL; notifications read the table."""
        await users.set_language(self.session, user.id, language[:8])
        after_commit(self.session, partial(self.deps.known_users.forget, user.id))

    @writes
    async def mark_reachable(self, user_id: int, reachable: bool) -> None:
        await users.set_reachable(self.session, user_id, reachable)
        after_commit(self.session, partial(self.deps.known_users.forget, user_id))
