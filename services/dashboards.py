"""What the Mini App's dashboards show: a thesis timeline, pages of students, admin charts.

The same rules as the chat's views (services/overview.py): a student sees their own thesis,
a supervisor their own students, an admin everyone; anyone else gets ``NotAllowed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services import urgency
from services.base import BaseService, read_only
from services.errors import NotAllowed, NotFound
from services.overview import judge_students
from services.team import may_see, scope_of, supervisor_of
from services.urgency import Filter, Judged
from services.vocabulary import Role, ThesisStatus
from storage.models import Milestone, Thesis, User
from storage.repositories import dashboards, milestones, reviews, theses, users
from storage.repositories.dashboards import StudentRow, SubmissionPoint
from storage.repositories.theses import VersionRow

MAX_PAGE_SIZE = 200
CHART_WEEKS = 12
TURNAROUND_DAYS = 90
# Review turnaround buckets (upper bound in hours, label), the last one open-ended.
TURNAROUND_BUCKETS: tuple[tuple[float, str], ...] = (
    (1, "< 1 h"), (6, "1–6 h"), (24, "6–24 h"), (72, "1–3 d"), (168, "3–7 d"),
    (float("inf"), "> 7 d"))


@dataclass(frozen=True)
class Timeline:
    student: User
    supervisor: User | None
    thesis: Thesis | None
    versions: list[VersionRow]
    milestones: Sequence[Milestone]
    now: datetime


@dataclass(frozen=True)
class StudentLine:
    row: StudentRow
    days_waiting: int | None  # the latest version waits for a decision since that long
    judged: Judged | None = None  # how urgent (a supervisor's table; services/urgency.py)


@dataclass(frozen=True)
class StudentsPage:
    lines: list[StudentLine]
    submissions: list[SubmissionPoint]  # every version of the page's students, for the chart
    page: int
    pages: int
    total: int
    page_size: int
    # Per filter (Waiting, Overdue, Silent, No submission, All): a supervisor's table only.
    counts: dict[Filter, int] | None = None


@dataclass(frozen=True)
class AdminCharts:
    weeks: list[tuple[date, int]]  # (Monday, versions submitted that week), oldest first
    turnaround: list[tuple[str, int]]  # (bucket label, decisions), shortest first
    waiting: list[tuple[int, str, int]]  # (supervisor id, name, versions waiting)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def bucket_turnaround(seconds: Sequence[float]) -> list[tuple[str, int]]:
    counts = [0] * len(TURNAROUND_BUCKETS)
    for value in seconds:
        hours = value / 3600
        index = next(i for i, (bound, _label) in enumerate(TURNAROUND_BUCKETS) if hours < bound)
        counts[index] += 1
    return [(label, count) for (_bound, label), count in zip(TURNAROUND_BUCKETS, counts,
                                                            strict=True)]


def weekly(per_day: dict[date, int], today: date, weeks: int = CHART_WEEKS) -> list[tuple[date,
                                                                                       int]]:
    first = monday(today) - timedelta(weeks=weeks - 1)
    totals = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for day, count in per_day.items():
        week = monday(day)
        if week in totals:
            totals[week] += count
    return sorted(totals.items())


class DashboardService(BaseService):
    @read_only
    async def supervisor_of(self, user: User) -> User | None:
        """The supervisor of a student's thesis (the team's); None for anyone else."""
        if user.role != Role.STUDENT.value:
            return None
        return await supervisor_of(self.session, user.id)

    @read_only
    async def timeline(self, actor: User, student_id: int) -> Timeline:
        """One student's whole thesis: versions with their decisions, and milestones."""
        student = actor if actor.id == student_id else await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        if not await may_see(self.session, actor, student):
            raise NotAllowed()
        thesis, rows = await theses.with_versions(self.session, student_id)
        supervisor = await supervisor_of(self.session, student.id)
        return Timeline(student, supervisor, thesis, rows,
                        await milestones.of_student(self.session, student_id), self.clock.now())

    @read_only
    async def students(self, actor: User, *, page: int = 0, page_size: int = 50,
                       status: ThesisStatus | None = None,
                       wanted: Filter | None = None) -> StudentsPage:
        """A supervisor's own students, most urgent first with the chat's filters (as
        /students), or every student for an admin by name, a page at a time."""
        owner = scope_of(actor)
        page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
        if owner is not None:
            return await self._by_urgency(actor, page, page_size, status, wanted or Filter.ALL)
        by_status = status.value if status is not None else None
        total = await dashboards.count_students(self.session, owner, by_status)
        pages = max((total + page_size - 1) // page_size, 1)
        page = min(max(page, 0), pages - 1)
        rows = await dashboards.students_page(self.session, owner, by_status,
                                              offset=page * page_size, limit=page_size)
        now = self.clock.now()
        lines = [StudentLine(row, _days_waiting(row, now)) for row in rows]
        points = await dashboards.submission_points(self.session,
                                                    [row.student.id for row in rows])
        return StudentsPage(lines, points, page, pages, total, page_size)

    async def _by_urgency(self, actor: User, page: int, page_size: int,
                          status: ThesisStatus | None, wanted: Filter) -> StudentsPage:
        now = self.clock.now()
        judged = await judge_students(self.session, actor, now, self.config.silent_days)
        counts = urgency.counts(j for _, j in judged)
        chosen = [line for line, j in judged if wanted in j.flags and (
            status is None or (line.thesis is not None and line.thesis.status == status.value))]
        shown, page, pages = urgency.page_of(chosen, page, page_size)
        lines = []
        for line in shown:
            row = StudentRow(line.student, line.thesis, line.latest)
            lines.append(StudentLine(row, _days_waiting(row, now), line.judged))
        points = await dashboards.submission_points(self.session,
                                                    [line.student.id for line in shown])
        return StudentsPage(lines, points, page, pages, len(chosen), page_size, counts)

    @read_only
    async def charts(self, actor: User) -> AdminCharts:
        if actor.role != Role.ADMIN.value:
            raise NotAllowed()
        now = self.clock.now()
        today = now.date()
        since = datetime.combine(monday(today) - timedelta(weeks=CHART_WEEKS - 1),
                                 datetime.min.time(), tzinfo=now.tzinfo)
        per_day = await dashboards.submissions_per_day(self.session, since)
        durations = await reviews.review_durations_since(
            self.session, now - timedelta(days=TURNAROUND_DAYS))
        return AdminCharts(weekly(per_day, today), bucket_turnaround(durations),
                           await dashboards.pending_by_supervisor(self.session))


def _days_waiting(row: StudentRow, now: datetime) -> int | None:
    if row.thesis is None or row.latest is None \
            or row.thesis.status != ThesisStatus.SUBMITTED.value:
        return None
    return max((now - row.latest.submitted_at).days, 0)
