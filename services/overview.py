"""Read-only views: a student's status and history, a supervisor's queue and students, stats."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.base import BaseService, read_only
from services.errors import NotAllowed, NotFound
from services.team import may_see, scope_of
from services.vocabulary import Role
from storage.models import ChecklistItem, ExaminerGrade, Milestone, Submission, Thesis, User
from storage.repositories import checklist, reviews, team, theses, users
from storage.repositories.theses import PendingRow, VersionRow

QUEUE_PAGE = 5


@dataclass(frozen=True)
class StatusView:
    thesis: Thesis | None
    latest: VersionRow | None
    upcoming: list[Milestone]  # open milestones, overdue included, earliest first
    now: datetime
    # The requested changes still open (services/checklist.py).
    open_items: Sequence[ChecklistItem] = field(default_factory=list)


@dataclass(frozen=True)
class QueuePage:
    rows: list[PendingRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class StudentLine:
    student: User
    thesis: Thesis | None
    latest: Submission | None
    days_since: int | None
    role: str = "supervisor"  # the viewer's role on this student's team


@dataclass(frozen=True)
class Stats:
    users_by_role: dict[str, int]
    theses_by_status: dict[str, int]
    submissions_this_week: int
    median_review_hours: float | None


class OverviewService(BaseService):
    @read_only
    async def status(self, student: User) -> StatusView:
        thesis, latest, upcoming = await theses.status_of(self.session, student.id)
        items = await checklist.open_items(self.session, thesis.id) if thesis else []
        return StatusView(thesis, latest, upcoming, self.clock.now(), items)

    @read_only
    async def history(self, actor: User, student_id: int) -> tuple[User, Thesis | None,
                                                                   list[VersionRow]]:
        student = actor if actor.id == student_id else await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        if not await may_see(self.session, actor, student):
            raise NotAllowed()
        thesis, rows = await theses.with_versions(self.session, student_id)
        return student, thesis, rows

    @read_only
    async def queue(self, actor: User, page: int = 0) -> QueuePage:
        supervisor_id = scope_of(actor)
        total = await theses.count_pending(self.session, supervisor_id)
        pages = max((total + QUEUE_PAGE - 1) // QUEUE_PAGE, 1)
        page = min(max(page, 0), pages - 1)
        rows = await theses.pending(self.session, supervisor_id,
                                    offset=page * QUEUE_PAGE, limit=QUEUE_PAGE)
        return QueuePage(rows, page, pages, total)

    @read_only
    async def students(self, supervisor: User) -> list[StudentLine]:
        if supervisor.role not in (Role.SUPERVISOR.value, Role.ADMIN.value):
            raise NotAllowed()
        now = self.clock.now()
        lines = []
        for student, thesis, latest, role in await theses.overview(self.session, supervisor.id):
            days = (now - latest.submitted_at).days if latest else None
            lines.append(StudentLine(student, thesis, latest, days, role))
        return lines

    @read_only
    async def stats(self, actor: User) -> Stats:
        if actor.role != Role.ADMIN.value:
            raise NotAllowed()
        week_ago = self.clock.now() - timedelta(days=7)
        # The median review time looks back a quarter: one week is too few decisions.
        quarter_ago = self.clock.now() - timedelta(days=90)
        durations = await reviews.review_durations_since(self.session, quarter_ago)
        return Stats(
            users_by_role=await users.count_by_role(self.session),
            theses_by_status=await theses.count_by_status(self.session),
            submissions_this_week=await theses.count_submissions_since(self.session, week_ago),
            median_review_hours=statistics.median(durations) / 3600 if durations else None,
        )

    @read_only
    async def examiner_grade(self, thesis: Thesis | None) -> ExaminerGrade | None:
        """The examiner's grade of a thesis already shown to this viewer (history)."""
        return await team.grade_for(self.session, thesis.id) if thesis else None

    def now(self) -> datetime:
        return self.clock.now()
