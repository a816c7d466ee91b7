"""``GET /export/<token>.zip``: an export too big for Telegram, through a time-limited link.

The export is made again when the link is used, with the rights its maker has now, and
streamed as it is made. An unknown or expired link is a bare 404. Each link is built once at
a time (across replicas, through Redis) and a few times a minute; more is a 429 with
``Retry-After``, counted in ``api_errors_total{reason="export_busy"|"export_rate"}``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path

import structlog
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.ratelimit import LoginRateLimit
from api.routing import API_ERRORS, Call, Endpoint

log = structlog.get_logger("api.downloads")
PATH = "/export/{token}.zip"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
BUILDS_PER_MINUTE = 3
# A build that outlives this (a replica killed mid-stream) frees its link anyway.
BUSY_SECONDS = 900
BUSY_RETRY_AFTER = "10"


class DownloadGate:
    """One build of a link at a time, and ``per_minute`` builds a minute."""

    def __init__(self, per_minute: int, redis: Redis | None, prefix: str) -> None:
        self._rate = LoginRateLimit(per_minute, redis, prefix=f"{prefix}:rate")
        self._redis = redis
        self._prefix = prefix
        self._building: set[str] = set()

    async def enter(self, key: str) -> tuple[str | None, str]:
        """(None, "") when this build may start; else (the reason, Retry-After)."""
        if not await self._claim(key):
            return "export_busy", BUSY_RETRY_AFTER
        allowed, retry_after = await self._rate.allow(key)
        if not allowed:
            await self.leave(key)
            return "export_rate", str(retry_after)
        return None, ""

    async def leave(self, key: str) -> None:
        self._building.discard(key)
        if self._redis is not None:
            try:
                await self._redis.delete(f"{self._prefix}:busy:{key}")
            except (RedisError, OSError):
                log.warning("export_gate_release_failed", exc_info=False)

    async def _claim(self, key: str) -> bool:
        if key in self._building:
            return False
        if self._redis is not None:
            try:
                claimed = await self._redis.set(f"{self._prefix}:busy:{key}", "1", nx=True,
                                                ex=BUSY_SECONDS)
            except (RedisError, OSError):
                log.warning("export_gate_in_memory", exc_info=False)
            else:
                if not claimed:
                    return False
        self._building.add(key)
        return True


GATE = web.AppKey("export_download_gate", DownloadGate)


async def download(call: Call) -> web.StreamResponse:
    token = call.request.match_info["token"]
    if not TOKEN.fullmatch(token):
        raise web.HTTPNotFound()
    gate = call.request.app[GATE]
    key = hashlib.sha256(token.encode()).hexdigest()[:32]  # the token itself never stored
    refused, retry_after = await gate.enter(key)
    if refused is not None:
        API_ERRORS.labels(reason=refused).inc()
        raise web.HTTPTooManyRequests(headers={"Retry-After": retry_after})
    try:
        return await _build(call, token)
    finally:
        await gate.leave(key)


async def _build(call: Call, token: str) -> web.StreamResponse:
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    try:
        exports = call.services.exports
        found = await exports.redeem(token)
        if found is None:
            raise web.HTTPNotFound()
        actor, kind = found
        archive = await exports.archive_for(actor, kind, folder)
        response = web.StreamResponse(headers={
            "Content-Type": "application/zip", "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{archive.file_name}"'})
        await response.prepare(call.request)
        async for chunk in exports.stream(archive):
            await response.write(chunk)
        await response.write_eof()
        return response
    finally:
        shutil.rmtree(folder, ignore_errors=True)


ENDPOINTS = (Endpoint("GET", PATH, download, "An export, through its time-limited link", None,
                      auth=False),)
