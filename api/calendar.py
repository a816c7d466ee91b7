"""``GET /calendar/<token>.ics``: a person's private iCalendar feed.

Unknown and revoked tokens are a bare 404 (the same for both: no hint which). The ETag is
the body's hash, so a client polling with ``If-None-Match`` gets 304 until something in the
feed changes; ``Cache-Control`` keeps shared caches out (the URL is a secret).
"""

from __future__ import annotations

import re

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.base import ServiceDeps
from services.calendar import CalendarService

PATH = "/calendar/{token}.ics"
# What our tokens look like (43 base64url characters): anything else is 404 unread.
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
CACHE = "private, max-age=300"


def routes(sessions: async_sessionmaker[AsyncSession],
           deps: ServiceDeps) -> list[web.RouteDef]:
    async def feed(request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN.fullmatch(token):
            raise web.HTTPNotFound()
        async with sessions() as session:
            found = await CalendarService(session, deps).feed(token)
        if found is None:
            raise web.HTTPNotFound()
        headers = {"ETag": found.etag, "Cache-Control": CACHE}
        if found.etag in _tags(request.headers.get("If-None-Match", "")):
            return web.Response(status=304, headers=headers)
        return web.Response(body=found.body, headers=headers,
                            content_type="text/calendar", charset="utf-8")

    return [web.get(PATH, feed)]


def _tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
