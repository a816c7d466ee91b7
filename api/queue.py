"""GET /api/queue: versions waiting for a decision, oldest first (the chat's /queue)."""

from __future__ import annotations

from api.me import person
from api.models import PageQuery, QueueItemOut, QueueOut
from api.routing import Call, Endpoint
from api.thesis import file_url


async def queue(call: Call) -> QueueOut:
    query: PageQuery = call.query
    result = await call.services.overview.queue(call.user, query.page)
    now = call.services.overview.now()
    return QueueOut(
        items=[QueueItemOut(
            submission_id=row.submission.id, student=person(row.student),
            title=row.thesis.title, version=row.submission.version,
            submitted_at=row.submission.submitted_at,
            waiting_hours=round((now - row.submission.submitted_at).total_seconds() / 3600, 1),
            file_url=file_url(row.submission.id)) for row in result.rows],
        page=result.page, pages=result.pages, total=result.total)


ENDPOINTS = (
    Endpoint("GET", "/api/queue", queue, "Versions waiting for a decision, oldest first",
             QueueOut, query=PageQuery, roles=("supervisor", "admin")),
)
