"""``GET /calendar/<token>.ics``: a person's private iCalendar feed.

Unknown and revoked tokens are a bare 404 (the same for both: no hint which). The ETag is
the body's hash, so a client polling with ``If-None-Match`` gets 304 until something in the
feed changes; ``Cache-Control`` keeps shared caches out (the URL is a secret).
"""

from __future__ import annotations

import re

from aiohttp import web

from api.routing import Call, Endpoint

PATH = "/calendar/{token}.ics"
# What our tokens look like (43 base64url characters): anything else is 404 unread.
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
CACHE = "private, max-age=300"


async def feed(call: Call) -> web.StreamResponse:
    request = call.request
    token = request.match_info["token"]
    if not TOKEN.fullmatch(token):
        raise web.HTTPNotFound()
    found = await call.services.calendar.feed(token)
    if found is None:
        raise web.HTTPNotFound()
    headers = {"ETag": found.etag, "Cache-Control": CACHE}
    if found.etag in _tags(request.headers.get("If-None-Match", "")):
        return web.Response(status=304, headers=headers)
    return web.Response(body=found.body, headers=headers,
                        content_type="text/calendar", charset="utf-8")


ENDPOINTS = (Endpoint("GET", PATH, feed, "A person's private iCalendar feed", None, auth=False),)


def _tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
