"""GET /api/students (a supervisor's own, an admin's all; paginated, filter by status) and
GET /api/students/{id} (one student's timeline, for whoever the chat shows it to)."""

from __future__ import annotations

from api.models import StudentOut, StudentsOut, StudentsQuery, SubmissionPointOut, TimelineOut
from api.routing import BIGINT_MAX, Call, Endpoint
from api.thesis import timeline_out
from services.dashboards import StudentLine
from services.urgency import RANK_NAMES
from services.vocabulary import ThesisStatus


def student_out(line: StudentLine) -> StudentOut:
    student, thesis, latest = line.row.student, line.row.thesis, line.row.latest
    return StudentOut(
        id=student.id, name=student.full_name, username=student.username,
        reachable=student.reachable, active=student.deactivated_at is None,
        title=thesis.title if thesis else None,
        status=ThesisStatus(thesis.status) if thesis else None,
        latest_version=latest.version if latest else None,
        latest_submitted_at=latest.submitted_at if latest else None,
        days_waiting=line.days_waiting,
        urgency=RANK_NAMES[line.judged.rank] if line.judged else None,  # type: ignore[arg-type]
        silent_days=line.judged.silent_days if line.judged else None,
        overdue_since=line.judged.signals.overdue_since if line.judged else None)


async def students(call: Call) -> StudentsOut:
    query: StudentsQuery = call.query
    page = await call.services.dashboards.students(
        call.user, page=query.page, page_size=query.page_size, status=query.status,
        wanted=query.filter)
    return StudentsOut(
        items=[student_out(line) for line in page.lines],
        submissions=[SubmissionPointOut(student_id=p.student_id, version=p.version,
                                        submitted_at=p.submitted_at) for p in page.submissions],
        page=page.page, pages=page.pages, total=page.total, page_size=page.page_size,
        counts={f.value: n for f, n in page.counts.items()} if page.counts else None)


async def student(call: Call) -> TimelineOut:
    student_id = call.match("id")
    return timeline_out(await call.services.dashboards.timeline(call.user, student_id),
                        await call.services.history.of_student(call.user, student_id))


ENDPOINTS = (
    Endpoint("GET", "/api/students", students,
             "Students with status, latest version and days waiting (a supervisor's own, most "
             "urgent first, with the filters of /students; an admin's all), a page at a time",
             StudentsOut, query=StudentsQuery,
             roles=("supervisor", "admin")),
    Endpoint("GET", r"/api/students/{id:\d+}", student, "One student's thesis timeline",
             TimelineOut, roles=("student (own)", "supervisor (own students)", "admin"),
             errors=(401, 403, 404), id_max=BIGINT_MAX),  # a Telegram user id
)
