"""Inbound adapter: the Mini App's HTTP/JSON API and its static files, and the links that
carry their own secret (calendar feeds, export downloads), and the guide per role (public).

Same rules as ``handlers/``: parse (pydantic), call the same services with the same
authorization as the chat, render (JSON). Every route is an ``Endpoint`` served by
``routing.handler``. The composition root (bot/web.py) builds ``ApiDeps`` and ``ApiConfig``
and calls ``mount_links`` always and ``mount`` when ``WEBAPP_URL`` is set; nothing here
imports ``bot``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping

from aiohttp import web
from aiohttp.typedefs import Middleware

from api import (
    auth,
    calendar,
    desk,
    downloads,
    guide,
    me,
    queue,
    roster,
    scheme,
    stats,
    students,
    thesis,
    topics,
    versions,
)
from api.openapi import openapi_route
from api.ratelimit import LoginRateLimit
from api.routing import API_CONFIG, API_DEPS, ApiConfig, ApiDeps, Endpoint, handler, json_errors
from api.webapp import WebAppFiles, redirect_to_app, security_headers

ENDPOINTS: tuple[Endpoint, ...] = (
    *me.ENDPOINTS, *thesis.ENDPOINTS, *students.ENDPOINTS, *queue.ENDPOINTS, *stats.ENDPOINTS,
    *versions.ENDPOINTS, *desk.ENDPOINTS, *scheme.ENDPOINTS, *topics.ENDPOINTS,
    *roster.ENDPOINTS,
)
# Served whether or not the Mini App is on: the secret is the token in the path; and the
# guide, which is public.
LINKS: tuple[Endpoint, ...] = (*calendar.ENDPOINTS, *downloads.ENDPOINTS, *guide.ENDPOINTS)
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


def _serve(app: web.Application, endpoints: tuple[Endpoint, ...], deps: ApiDeps) -> None:
    app[API_DEPS] = deps
    for endpoint in endpoints:
        app.router.add_route(endpoint.method, endpoint.path, handler(endpoint))


def mount_links(app: web.Application, deps: ApiDeps, scope: str = "0") -> None:
    """The links; ``scope`` (the bot's id) keeps two bots' counts apart in one Redis."""
    app[downloads.GATE] = downloads.DownloadGate(downloads.BUILDS_PER_MINUTE, deps.redis,
                                                 prefix=f"export:download:{scope}")
    app[guide.BOOK] = guide.GuideBook()
    _serve(app, LINKS, deps)


def mount(app: web.Application, config: ApiConfig, deps: ApiDeps) -> None:
    app[API_CONFIG] = config
    app[auth.RATE_LIMIT] = LoginRateLimit(auth.LOGIN_PER_MINUTE, deps.redis,
                                          prefix=f"api:login:{config.bot_id}")
    files = WebAppFiles()
    app[WEBAPP_FILES] = files
    app.router.add_routes([openapi_route(ENDPOINTS)])
    _serve(app, (*auth.ENDPOINTS, *ENDPOINTS), deps)
    # The Mini App's page and assets: static files, not API routes.
    app.router.add_get("/app", redirect_to_app)
    app.router.add_get("/app/{tail:.*}", files.serve)
