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

from api.routing import Call, Endpoint

PATH = "/export/{token}.zip"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


async def download(call: Call) -> web.StreamResponse:
    request = call.request
    token = request.match_info["token"]
    if not TOKEN.fullmatch(token):
        raise web.HTTPNotFound()
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
        await response.prepare(request)
        async for chunk in exports.stream(archive):
            await response.write(chunk)
        await response.write_eof()
        return response
    finally:
        shutil.rmtree(folder, ignore_errors=True)


ENDPOINTS = (Endpoint("GET", PATH, download, "An export, through its time-limited link", None,
                      auth=False),)
