"""GET /api/me: who the token's user is."""

from __future__ import annotations

from api.models import MeOut, PersonOut
from api.routing import Call, Endpoint
from services.guide import guide_path
from services.vocabulary import Role
from storage.models import User


def person(user: User) -> PersonOut:
    return PersonOut(id=user.id, name=user.full_name, username=user.username)


async def me(call: Call) -> MeOut:
    user = call.user
    found = await call.services.dashboards.supervisor_of(user)
    supervisor = person(found) if found is not None else None
    return MeOut(id=user.id, role=Role(user.role), name=user.full_name, username=user.username,
                 language=user.language, supervisor=supervisor,
                 guide=guide_path(user.role, user.language))


ENDPOINTS = (
    Endpoint("GET", "/api/me", me, "The signed-in person: id, role, name, language", MeOut,
             errors=(401, 403)),
)
