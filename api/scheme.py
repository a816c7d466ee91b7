"""GET /api/scheme (admins and the supervising side): the assessment scheme in force;
POST /api/scheme (admins): a new version of it, as /scheme does in the chat."""

from __future__ import annotations

from api.models import ComponentIO, SchemeIn, SchemeOut
from api.routing import ApiError, Call, Endpoint
from services.assessment_rules import SchemeRules, defence_component, describe
from services.errors import InvalidScheme

# A well-formed scheme the rules refuse (weights not adding up to 100, a name twice): the
# request is valid JSON of the schema, so not a 400 (as the desk's refusals, api/desk.py).
CONFLICT = 409


def _out(version: int, rules: SchemeRules) -> SchemeOut:
    defence = defence_component(rules)
    return SchemeOut(version=version,
                     components=[ComponentIO(name=c.name, weight=c.weight)
                                 for c in rules.components],
                     defence_component=defence.name if defence else None,
                     scale=rules.scale.value,
                     tolerance=rules.tolerance,
                     release=rules.releaser.value,
                     text=describe(rules))


async def scheme(call: Call) -> SchemeOut:
    version, rules = await call.services.assessment.scheme_for(call.user)
    return _out(version, rules)


async def set_scheme(call: Call) -> SchemeOut:
    body: SchemeIn = call.body
    text = (", ".join(f"{c.name.strip()} {c.weight}" for c in body.components)
            + f"; scale {body.scale}; tolerance {body.tolerance:g}; release {body.release}")
    try:
        version, rules = await call.services.assessment.set_scheme(call.user, text)
    except InvalidScheme as error:
        raise ApiError(CONFLICT, error.code,
                       "the weights must add up to 100, each name once") from None
    return _out(version, rules)


ENDPOINTS = (
    Endpoint("GET", "/api/scheme", scheme, "The assessment scheme in force (versioned)",
             SchemeOut, roles=("admin", "supervisor", "co-supervisor", "examiner")),
    Endpoint("POST", "/api/scheme", set_scheme,
             "A new version of the assessment scheme (theses being assessed keep theirs)",
             SchemeOut, body=SchemeIn, roles=("admin",), errors=(400, 401, 403, 409)),
)
