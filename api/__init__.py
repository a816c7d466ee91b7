"""Inbound adapter: the Mini App's HTTP/JSON API and its static files.

Same rules as ``handlers/``: parse (pydantic), call the same services with the same
authorization as the chat, render (JSON). ``mount`` puts it on the bot's aiohttp app; it is
only called when ``WEBAPP_URL`` is set.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping

from aiohttp import web
from aiohttp.typedefs import Middleware

from api import auth, desk, me, queue, stats, students, thesis, versions
from api.openapi import openapi_route
from api.ratelimit import LoginRateLimit
from api.routing import API_CONFIG, API_DEPS, ApiConfig, Endpoint, handler, json_errors
from api.tokens import Tokens
from api.webapp import WebAppFiles, redirect_to_app, security_headers
from bot.config import Settings
from bot.deps import AppDeps

ENDPOINTS: tuple[Endpoint, ...] = (
    *me.ENDPOINTS, *thesis.ENDPOINTS, *students.ENDPOINTS, *queue.ENDPOINTS, *stats.ENDPOINTS,
    *versions.ENDPOINTS, *desk.ENDPOINTS,
)
WEBAPP_FILES = web.AppKey("webapp_files", WebAppFiles)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def with_security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    headers = security_headers(request.path)
    if headers is None:
        return await handler(request)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _add(exc.headers, headers)
        raise
    if not response.prepared:  # a streamed file got its headers when it started
        _add(response.headers, headers)
    return response


def _add(target: MutableMapping[str, str], headers: dict[str, str]) -> None:
    for name, value in headers.items():
        if name == "Cache-Control":
            target.setdefault(name, value)  # an asset's own caching stands
        else:
            target[name] = value


def middlewares() -> list[Middleware]:
    # Headers outermost, so that JSON errors get them too.
    return [with_security_headers, json_errors]


def mount(app: web.Application, settings: Settings, deps: AppDeps) -> None:
    settings.check_webapp()
    assert settings.jwt_secret_key is not None
    app[API_DEPS] = deps
    app[API_CONFIG] = ApiConfig(
        bot_token=settings.require_token(),
        tokens=Tokens(settings.jwt_secret_key.get_secret_value(), settings.jwt_ttl_seconds),
        auth_max_age_seconds=settings.webapp_auth_max_age_seconds,
        trusted_proxy_hops=settings.trusted_proxy_hops)
    # Keyed by the bot too: two bots sharing one Redis keep their own counts.
    bot_id = settings.require_token().split(":", 1)[0]
    app[auth.RATE_LIMIT] = LoginRateLimit(auth.LOGIN_PER_MINUTE, deps.redis,
                                          prefix=f"api:login:{bot_id}")
    files = WebAppFiles()
    app[WEBAPP_FILES] = files
    app.router.add_post(auth.LOGIN_PATH, auth.login)
    app.router.add_routes([openapi_route(ENDPOINTS)])
    for endpoint in ENDPOINTS:
        app.router.add_route(endpoint.method, endpoint.path, handler(endpoint))
    app.router.add_get("/app", redirect_to_app)
    app.router.add_get("/app/{tail:.*}", files.serve)

