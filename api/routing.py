"""How an API route runs: authenticate, parse, call the services, render JSON.

Each resource module declares its ``Endpoint``s; ``api.mount`` registers them and
``api.openapi`` describes them from the same declarations, so the document cannot drift
from what is served. An endpoint's function gets a ``Call`` (the services of this request,
its user, the parsed query) and returns a response model, or a ready ``StreamResponse``
(a file).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog
from aiohttp import web
from prometheus_client import Counter
from pydantic import BaseModel, ValidationError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.models import ErrorBody, ErrorOut, Query
from api.tokens import TokenProblem, TokenRefused, Tokens, bearer
from services.access import revoked
from services.base import ServiceDeps
from services.context import Services
from services.errors import DependencyError, DomainError, NotAllowed, NotFound
from services.metrics import REGISTRY
from storage.models import User

log = structlog.get_logger("api")
Q = TypeVar("Q", bound=BaseModel)
# The largest id a path may name: the database's INTEGER (versions, theses) or BIGINT (users,
# whose ids are Telegram's). A larger one names nothing: 404, never an overflow.
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1


API_AUTH_FAILURES = Counter(
    "api_auth_failures_total", "Mini App API requests refused for want of a valid login or token",
    ["reason"], registry=REGISTRY)
API_ERRORS = Counter(
    "api_errors_total", "API and link answers that failed on our side (internal) or were "
    "held back (export_busy, export_rate), by reason", ["reason"], registry=REGISTRY)


@dataclass(frozen=True)
class ApiConfig:
    bot_token: str
    tokens: Tokens
    auth_max_age_seconds: int
    trusted_proxy_hops: int = 1
    # Login attempts are counted per bot: two bots sharing one Redis keep their own counts.
    bot_id: str = "0"


@dataclass(frozen=True)
class ApiDeps:
    """What the HTTP adapter needs, built by the composition root (bot/web.py)."""

    session_factory: async_sessionmaker[AsyncSession]
    services: ServiceDeps
    redis: Redis | None


API_DEPS = web.AppKey("api_deps", ApiDeps)
API_CONFIG = web.AppKey("api_config", ApiConfig)


class ApiError(Exception):
    """An answer other than 200: status, a stable code and a message, rendered as ErrorOut."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> web.Response:
    body = ErrorOut(error=ErrorBody(code=code, message=message))
    return web.json_response(body.model_dump(mode="json"), status=status, headers=headers)


def unauthorized(problem: str, message: str) -> ApiError:
    API_AUTH_FAILURES.labels(reason=problem).inc()
    return ApiError(401, problem, message, {"WWW-Authenticate": 'Bearer realm="api"'})


@dataclass
class Call:
    request: web.Request
    services: Services
    actor: User | None  # None on a public endpoint (its token is in the path)
    query: Any = None
    id_max: int = INT_MAX
    body: Any = None

    @property
    def user(self) -> User:
        """The authenticated user (an endpoint with ``auth=True`` always has one)."""
        assert self.actor is not None, "a public endpoint has no user"
        return self.actor

    def match(self, name: str) -> int:
        """An integer path parameter (the route's pattern already made it digits); beyond
        what the database can hold, nothing is there (404)."""
        value = int(self.request.match_info[name])
        if value > self.id_max:
            raise NotFound()
        return value


Result = BaseModel | web.StreamResponse
EndpointFn = Callable[[Call], Awaitable[Result]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # aiohttp pattern; {name:\d+} parameters
    fn: EndpointFn
    summary: str
    response: type[BaseModel] | None  # None: not JSON (a file)
    query: type[BaseModel] | None = None
    roles: tuple[str, ...] = ()  # for the document only: the services decide
    errors: tuple[int, ...] = field(default=(401, 403))
    # False: no bearer token (the login itself, and links whose secret is in the path:
    # calendar feeds, export downloads); not in the API's document.
    auth: bool = True
    id_max: int = INT_MAX  # of the path's {id}
    content_types: tuple[str, ...] = ()  # of a file answer (response None)
    body: type[BaseModel] | None = None  # a JSON request body
    # A file as the request body (its content types; the function reads it): a roster.
    upload: tuple[str, ...] = ()


async def authenticate(request: web.Request, services: Services) -> User:
    """The user of a valid bearer token who may still act, or a 401/403."""
    config = request.app[API_CONFIG]
    now = services.deps.clock.now()
    try:
        claims = config.tokens.verify(bearer(request.headers.get("Authorization")), now)
    except TokenRefused as refused:
        messages = {TokenProblem.MISSING: "an Authorization: Bearer token is required",
                    TokenProblem.INVALID: "the token is not valid",
                    TokenProblem.EXPIRED: "the token has expired; log in again"}
        raise unauthorized(refused.problem.value, messages[refused.problem]) from None
    user = await services.registration.current(claims.user_id)
    if user is None:
        raise unauthorized("unknown_user", "the token's user is not registered")
    if revoked(user, services.deps.config) is not None:
        # As in the chat: a deactivated person (or a former admin) may not act.
        API_AUTH_FAILURES.labels(reason="access_revoked").inc()
        raise ApiError(403, "access_revoked", "your access has been revoked")
    return user


class NoQuery(Query):
    """An API endpoint that takes no query parameters refuses any."""


def parse_query(model: type[Q], request: web.Request) -> Q:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "query"
        raise ApiError(400, "bad_request", f"{where}: {first['msg']}") from None


async def parse_body(model: type[Q], request: web.Request) -> Q:
    try:
        return model.model_validate_json(await request.read())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ApiError(400, "bad_request", f"{where}: {first['msg']}") from None


def handler(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        deps = request.app[API_DEPS]
        session = deps.session_factory()
        try:
            services = Services(session, deps.services)
            user = await authenticate(request, services) if endpoint.auth else None
            query = parse_query(endpoint.query, request) if endpoint.query else \
                parse_query(NoQuery, request) if endpoint.auth else None
            body = await parse_body(endpoint.body, request) if endpoint.body else None
            result = await endpoint.fn(Call(request, services, user, query, endpoint.id_max,
                                            body))
        finally:
            await session.close()
        if isinstance(result, web.StreamResponse):
            return result
        assert endpoint.response is not None and isinstance(result, endpoint.response)
        return web.json_response(result.model_dump(mode="json"))

    handle.__name__ = f"api_{endpoint.fn.__name__}"
    return handle


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under /api/, every answer is JSON: refusals, domain errors, unknown routes, outages."""
    if not request.path.startswith("/api/") and request.path != "/api":
        return await handler(request)
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error.status, error.code, error.message, error.headers)
    except NotAllowed:
        return error_response(403, "forbidden", "you may not see this")
    except NotFound:
        return error_response(404, "not_found", "no such thing")
    except DomainError as error:
        return error_response(400, error.code, error.code.replace("_", " "))
    except DependencyError:
        return error_response(503, "unavailable", "try again in a moment",
                              {"Retry-After": "5"})
    except web.HTTPNotFound:
        return error_response(404, "not_found", "no such endpoint")
    except web.HTTPMethodNotAllowed as exc:
        return error_response(405, "method_not_allowed", "method not allowed",
                              {"Allow": exc.headers.get("Allow", "")})
    except web.HTTPRequestEntityTooLarge:
        return error_response(413, "too_large", "request body too large")
    except web.HTTPException:
        raise
    except Exception:
        # Unforeseen: the traceback in the log, a JSON 500 (with the security headers of
        # every answer) to the caller, never a text/plain page.
        API_ERRORS.labels(reason="internal").inc()
        log.exception("api_unhandled", path=request.path, method=request.method)
        return error_response(500, "internal", "something went wrong on our side")
