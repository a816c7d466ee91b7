"""Who may still act: an admin revokes and restores a person's access.

Being an admin is a matter of configuration alone: an id removed from ``ADMIN_IDS`` is no
longer an admin on its next update, although its row still says ``admin``. A deactivated
person keeps their data (theses, versions, reviews stay visible to their supervisor); they
just cannot act until reactivated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial

from sqlalchemy.orm.attributes import set_committed_value

from services.base import BaseService, ServiceConfig, after_commit, read_only, writes
from services.errors import CannotChangeAccess, NotAllowed, NotFound
from services.notifications import AccessDeactivated, AccessReactivated, notify
from services.reviews import ReviewService
from services.team import students_on_teams_of
from services.vocabulary import Role
from storage.models import User
from storage.repositories import audit, invites, users

PAGE_SIZE = 20
# Admins manage these; admins themselves come and go with ADMIN_IDS.
MANAGED = (Role.SUPERVISOR.value, Role.MEMBER.value, Role.STUDENT.value)


class Revoked(StrEnum):
    """Why someone registered may not act."""

    DEACTIVATED = "deactivated"
    NOT_ADMIN = "not_admin"  # registered as an admin, no longer in ADMIN_IDS


def revoked(user: User, config: ServiceConfig) -> Revoked | None:
    """Checked on every update, from the user's snapshot and the running configuration."""
    if user.deactivated_at is not None:
        return Revoked.DEACTIVATED
    if user.role == Role.ADMIN.value and user.id not in config.admin_ids:
        return Revoked.NOT_ADMIN
    return None


@dataclass(frozen=True)
class PeoplePage:
    people: Sequence[User]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class AccessChange:
    person: User
    changed: bool  # False: it already was so (a second click, another admin first)
    invites_revoked: int = 0


class AccessService(BaseService):
    @read_only
    async def people(self, actor: User, page: int = 0) -> PeoplePage:
        self._require_admin(actor)
        total = await users.count_people(self.session, MANAGED)
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = min(max(page, 0), pages - 1)
        rows = await users.people(self.session, MANAGED, offset=page * PAGE_SIZE,
                                  limit=PAGE_SIZE)
        return PeoplePage(rows, page, pages, total)

    @read_only
    async def person(self, actor: User, user_id: int) -> User:
        self._require_admin(actor)
        return await self._managed(user_id)

    @writes
    async def deactivate(self, actor: User, user_id: int) -> AccessChange:
        self._require_admin(actor)
        if user_id == actor.id:
            raise CannotChangeAccess(reason="self")
        if user_id in self.config.admin_ids:
            raise CannotChangeAccess(reason="configured_admin")
        person = await self._managed(user_id)
        now = self.clock.now()
        if not await users.set_deactivated(self.session, user_id, now):
            return AccessChange(person, changed=False)
        # A deactivated supervisor's links must not bring anyone in.
        revoked_count = await invites.revoke_open_by(self.session, user_id, now)
        audit.record(self.session, actor_id=actor.id, action="user.deactivate",
                     object_type="user", object_id=user_id, at=now, role=person.role,
                     invites_revoked=revoked_count)
        notify(self.session, user_id, AccessDeactivated(), now)
        # A version that waited for their approval alone is decided now.
        settle = ReviewService(self.session, self.deps).settle_waiting
        for student in await students_on_teams_of(self.session, user_id):
            await settle(student.id, gone=(user_id,))
        after_commit(self.session, partial(self._changed, person, now))
        return AccessChange(person, changed=True, invites_revoked=revoked_count)

    @writes
    async def reactivate(self, actor: User, user_id: int) -> AccessChange:
        self._require_admin(actor)
        person = await self._managed(user_id)
        now = self.clock.now()
        if not await users.set_deactivated(self.session, user_id, None):
            return AccessChange(person, changed=False)
        # Revoked invites stay revoked: the person makes new ones if they still need them.
        audit.record(self.session, actor_id=actor.id, action="user.reactivate",
                     object_type="user", object_id=user_id, at=now, role=person.role)
        notify(self.session, user_id, AccessReactivated(), now)
        after_commit(self.session, partial(self._changed, person, None))
        return AccessChange(person, changed=True)

    async def _changed(self, person: User, deactivated_at: datetime | None) -> None:
        # The row was changed by a conditional UPDATE; the loaded object learns it without a
        # second round trip, this process stops serving the person's old snapshot, and the
        # other replicas stop serving theirs on the person's next update.
        set_committed_value(person, "deactivated_at", deactivated_at)
        self.deps.known_users.forget(person.id)
        await self.deps.user_changes.changed(person.id)

    def _require_admin(self, actor: User) -> None:
        if actor.role != Role.ADMIN.value or revoked(actor, self.config) is not None:
            raise NotAllowed()

    async def _managed(self, user_id: int) -> User:
        person = await users.get(self.session, user_id)
        if person is None or person.role not in MANAGED:
            raise NotFound()
        return person
