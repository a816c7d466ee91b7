"""GET /api/versions/{id}/file: a version's file (or its feedback file) streamed from the
file store to its student, that student's supervisor or an admin, as in the chat.

A version's file answers HTTP range requests (one range: ``206`` with ``Content-Range``;
a range past its end: ``416``), which is how the desk's PDF viewer reads a long thesis page
by page instead of downloading it whole first.

GET /api/versions/{id}/shared-text: the report of the text a version shares with other
theses, for the thesis team and admins only (never the student), audited."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import AsyncIterator

from aiohttp import web

from api.models import FileQuery
from api.routing import ApiError, Call, Endpoint
from services.errors import SharedTextNotReady, StorageUnavailable

TYPES = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return (f"attachment; filename=\"{ascii_name}\"; "
            f"filename*=UTF-8''{urllib.parse.quote(name, safe='')}")


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one range (first, last byte) a Range header asks for; None for the whole file
    (no header, several ranges, another unit). A range past the end raises 416."""
    match = _RANGE.match((header or "").strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end or size == 0:
        raise ApiError(416, "range_not_satisfiable", "the range is outside the file",
                       {"Content-Range": f"bytes */{size}"})
    return start, end


async def version_file(call: Call) -> web.StreamResponse:
    query: FileQuery = call.query
    stored = await call.services.submissions.file_for(call.user, call.match("id"),
                                                      feedback=query.feedback)
    # Done with the database before a transfer that may take long.
    await call.services.session.commit()
    wanted = byte_range(call.request.headers.get("Range"), stored.size) \
        if stored.size is not None else None
    files = call.services.deps.files
    chunks: AsyncIterator[bytes] = files.read_range(stored.key, *wanted) if wanted \
        else files.read(stored.key)
    try:
        first = await anext(chunks, b"")
    except Exception as exc:  # any store failure is an outage to the caller
        raise StorageUnavailable() from exc
    extension = stored.file_name.rsplit(".", 1)[-1].lower() if "." in stored.file_name else ""
    headers = {
        "Content-Type": TYPES.get(extension, "application/octet-stream"),
        "Content-Disposition": disposition(stored.file_name),
        "Cache-Control": "private, no-store",
    }
    status = 200
    if stored.size is not None:
        headers["Accept-Ranges"] = "bytes"
        headers["Content-Length"] = str(stored.size)
    if wanted is not None and stored.size is not None:
        status = 206
        headers["Content-Range"] = f"bytes {wanted[0]}-{wanted[1]}/{stored.size}"
        headers["Content-Length"] = str(wanted[1] - wanted[0] + 1)
    response = web.StreamResponse(status=status, headers=headers)
    await response.prepare(call.request)
    await response.write(first)
    async for chunk in chunks:
        await response.write(chunk)
    await response.write_eof()
    return response


async def shared_text(call: Call) -> web.StreamResponse:
    try:
        report = await call.services.shared_text.report(call.user, call.match("id"), "api")
    except SharedTextNotReady:
        # A well-formed request the version's state refuses for now: a conflict, not a 400.
        raise ApiError(409, SharedTextNotReady.code, "the version has not been checked yet",
                       {"Retry-After": "60"}) from None
    # The report's own CSP (no script, nothing loaded) travels with it as a header too.
    return web.Response(body=report.content, headers={
        "Content-Type": "text/html; charset=utf-8",
        "Content-Disposition": disposition(report.file_name),
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "Cache-Control": "private, no-store",
    })


ENDPOINTS = (
    Endpoint("GET", r"/api/versions/{id:\d+}/file", version_file,
             "The file of a version (or, with feedback=true, the supervisor's feedback file)",
             None, query=FileQuery, roles=("its student", "their supervisor", "admin"),
             errors=(401, 403, 404, 416), content_types=tuple(TYPES.values())),
    Endpoint("GET", r"/api/versions/{id:\d+}/shared-text", shared_text,
             "The report of the text a version shares with other theses (HTML)", None,
             roles=("its thesis team", "admin"), errors=(400, 401, 403, 404, 409),
             content_types=("text/html",)),
)
