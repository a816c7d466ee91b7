"""``GET /export/<token>.zip``: an export too big for Telegram, through a time-limited link.

The export is made again when the link is used, with the rights its maker has now, and
streamed as it is made. An unknown or expired link is a bare 404.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.base import ServiceDeps
from services.exports import ExportService

PATH = "/export/{token}.zip"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def routes(sessions: async_sessionmaker[AsyncSession],
           deps: ServiceDeps) -> list[web.RouteDef]:
    async def download(request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN.fullmatch(token):
            raise web.HTTPNotFound()
        folder = Path(tempfile.mkdtemp(prefix="export-"))
        try:
            async with sessions() as session:
                exports = ExportService(session, deps)
                found = await exports.redeem(token)
                if found is None:
                    raise web.HTTPNotFound()
                actor, kind = found
                archive = await exports.archive_for(actor, kind, folder)
                response = web.StreamResponse(headers={
                    "Content-Type": "application/zip", "Cache-Control": "no-store",
                    "Content-Disposition": f'attachment; filename="{archive.file_name}"'})
                await response.prepare(request)
                async for chunk in exports.stream(archive):
                    await response.write(chunk)
                await response.write_eof()
                return response
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return [web.get(PATH, download)]
