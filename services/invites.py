"""Invites: who may invite whom, for how long, how many times."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from services.base import BaseService, read_only, writes
from services.errors import NotAllowed, NotFound
from services.vocabulary import Role
from storage.models import Invite, User
from storage.repositories import audit, invites

MAX_DAYS = 365
MAX_USES = 500
# What each role may invite: admins bring supervisors, supervisors bring their students.
INVITABLE = {Role.ADMIN.value: Role.SUPERVISOR, Role.SUPERVISOR.value: Role.STUDENT}


def new_code() -> str:
    # 144 random bits as 24 characters of Telegram's start-payload alphabet [A-Za-z0-9_-].
    return secrets.token_urlsafe(18)


class InviteService(BaseService):
    @writes
    async def create(self, actor: User, *, days: int | None = None, uses: int = 1) -> Invite:
        role = INVITABLE.get(actor.role)
        if role is None:
            raise NotAllowed()
        days = self.config.invite_ttl_days if days is None else days
        if not 1 <= days <= MAX_DAYS or not 1 <= uses <= MAX_USES:
            raise NotAllowed(reason="invite_limits", max_days=MAX_DAYS, max_uses=MAX_USES)
        now = self.clock.now()
        invite = await invites.add(
            self.session,
            Invite(code=new_code(), role=role.value, created_by=actor.id, max_uses=uses,
                   uses=0, expires_at=now + timedelta(days=days), created_at=now),
        )
        audit.record(self.session, actor_id=actor.id, action="invite.create", object_type="invite",
                     object_id=invite.id, at=now, role=role.value, uses=uses, days=days)
        return invite

    @read_only
    async def active(self, actor: User) -> Sequence[Invite]:
        return await invites.active_by(self.session, actor.id, self.clock.now())

    @writes
    async def revoke(self, actor: User, invite_id: int) -> Invite:
        invite = await invites.get(self.session, invite_id)
        if invite is None:
            raise NotFound()
        if invite.created_by != actor.id and actor.role != Role.ADMIN.value:
            raise NotAllowed()
        now = self.clock.now()
        await invites.revoke(self.session, invite_id, now)
        audit.record(self.session, actor_id=actor.id, action="invite.revoke",
                     object_type="invite", object_id=invite_id, at=now)
        return invite
