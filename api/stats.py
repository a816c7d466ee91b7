"""GET /api/stats (admin): the chat's /stats figures and the dashboard's charts."""

from __future__ import annotations

from api.models import BucketCount, PersonOut, StatsOut, SupervisorWaiting, WeekCount
from api.routing import Call, Endpoint


async def stats(call: Call) -> StatsOut:
    figures = await call.services.overview.stats(call.user)
    charts = await call.services.dashboards.charts(call.user)
    return StatsOut(
        users_by_role=figures.users_by_role, theses_by_status=figures.theses_by_status,
        submissions_this_week=figures.submissions_this_week,
        median_review_hours=figures.median_review_hours,
        submissions_per_week=[WeekCount(week=week, count=count) for week, count in charts.weeks],
        review_turnaround=[BucketCount(bucket=label, count=count)
                           for label, count in charts.turnaround],
        waiting_by_supervisor=[SupervisorWaiting(supervisor=PersonOut(id=i, name=name),
                                                 waiting=count)
                               for i, name, count in charts.waiting])


ENDPOINTS = (
    Endpoint("GET", "/api/stats", stats, "Figures and charts of the whole university", StatsOut,
             roles=("admin",)),
)
