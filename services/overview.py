"""Read-only views: a student's status and history, a supervisor's queue and students, stats."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services import urgency
from services.base import BaseService, read_only
from services.compare_jobs import ChangeView
from services.compare_jobs import views_of as change_views_of
from services.errors import NotAllowed, NotFound
from services.shared_text import SharedView
from services.shared_text import views_of as shared_views_of
from services.team import DECIDERS, may_see, role_of, scope_of
from services.urgency import Filter, Judged, Signals
from services.vocabulary import TEAM_SIDE, Role, ThesisStatus
from storage.models import (
    ChecklistItem,
    ExaminerGrade,
    Milestone,
    ReviewPromise,
    Submission,
    Thesis,
    User,
)
from storage.repositories import activity, checklist, reviews, team, theses, users
from storage.repositories.theses import PendingRow, VersionRow

QUEUE_PAGE = 5


@dataclass(frozen=True)
class VersionFacts:
    """Beside each version of a history (by submission id; absent: nothing to show)."""

    comments: dict[int, int]
    changes: dict[int, ChangeView]
    shared: dict[int, SharedView]
    grade: ExaminerGrade | None  # the examiner's grade of the thesis, once shown to its team


@dataclass(frozen=True)
class StatusView:
    thesis: Thesis | None
    latest: VersionRow | None
    upcoming: list[Milestone]  # open milestones, overdue included, earliest first
    now: datetime
    # The requested changes still open (services/checklist.py).
    open_items: Sequence[ChecklistItem] = field(default_factory=list)
    # "I'll review by …" on the version waiting for a decision, and who promised it.
    promise: ReviewPromise | None = None
    promiser: User | None = None


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
    judged: Judged | None = None  # how urgent (services/urgency.py)


@dataclass(frozen=True)
class StudentsPage:
    lines: list[StudentLine]
    filter: Filter
    page: int
    pages: int
    counts: dict[Filter, int]
    offset: int = 0  # the number of the page's first line, less one


async def judge_students(session: AsyncSession, member: User, now: datetime,
                         silent_days: int) -> list[tuple[StudentLine, Judged]]:
    """The students on this user's teams, judged and most urgent first: one statement,
    whatever their number."""
    judged = []
    for row in await activity.students_of(session, member.id, now):
        student, thesis, latest, role = row.student, row.thesis, row.latest, row.role
        j = urgency.judge(signals_of(student, thesis, latest, row.activity), now, silent_days)
        days = (now - latest.submitted_at).days if latest else None
        judged.append((StudentLine(student, thesis, latest, days, role, j), j))
    order = {id(j): n for n, j in enumerate(urgency.by_urgency(j for _, j in judged))}
    return sorted(judged, key=lambda pair: order[id(pair[1])])


def signals_of(student: User, thesis: Thesis | None, latest: Submission | None,
               seen: activity.Activity | None) -> Signals:
    """One student's urgency signals from their rows."""
    seen = seen or activity.Activity()
    waiting = thesis.updated_at if thesis is not None \
        and thesis.status == ThesisStatus.SUBMITTED.value else None
    return Signals(student.id, student.full_name, student.created_at, waiting,
                   seen.overdue_since, latest.submitted_at if latest else None,
                   seen.last_comment_at, seen.last_meeting_at)


@dataclass(frozen=True)
class Stats:
    users_by_role: dict[str, int]
    theses_by_status: dict[str, int]
    submissions_this_week: int
    median_review_hours: float | None


class OverviewService(BaseService):
    @read_only
    async def status(self, student: User) -> StatusView:
        found = await theses.status_of(self.session, student.id)
        thesis, latest = found.thesis, found.latest
        items = await checklist.open_items(self.session, thesis.id) if thesis else []
        # A promise counts while the version waits for a decision.
        waiting = latest is not None and latest.review is None and thesis is not None \
            and thesis.status == ThesisStatus.SUBMITTED.value
        return StatusView(thesis, latest, found.upcoming, self.clock.now(), items,
                          found.promise if waiting else None,
                          found.promiser if waiting else None)

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
    async def student_view(self, actor: User, student_id: int,
                           ) -> tuple[User, Thesis | None, list[VersionRow], bool]:
        """A student's thesis and versions as a supervisor-side member sees them, and whether
        the viewer decides (moves the thesis: Mark final, Reopen); an examiner does not.
        The same statements as ``history``."""
        student = await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        decides = actor.role == Role.ADMIN.value
        if not decides:
            role = await role_of(self.session, actor, student.id)
            if role is None:
                raise NotAllowed()
            decides = role in DECIDERS
        thesis, rows = await theses.with_versions(self.session, student_id)
        return student, thesis, rows, decides

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
        """Every student on this user's teams, most urgent first (services/urgency.py)."""
        return [line for line, _ in await self._judged(supervisor)]

    @read_only
    async def students_page(self, supervisor: User, wanted: Filter = Filter.ALL,
                            page: int = 0) -> StudentsPage:
        """One page of /students: the students of a filter by urgency, and every filter's
        count. A fixed number of statements, whatever the number of students."""
        judged = await self._judged(supervisor)
        counts = urgency.counts(j for _, j in judged)
        chosen = [line for line, j in judged if wanted in j.flags]
        rows, page, pages = urgency.page_of(chosen, page)
        return StudentsPage(rows, wanted, page, pages, counts,
                            offset=page * urgency.PAGE_SIZE)

    async def _judged(self, supervisor: User) -> list[tuple[StudentLine, Judged]]:
        if supervisor.role not in (*TEAM_SIDE, Role.ADMIN):
            raise NotAllowed()
        return await judge_students(self.session, supervisor, self.clock.now(),
                                    self.config.silent_days)

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
    async def version_facts(self, thesis: Thesis | None,
                            rows: Sequence[VersionRow]) -> VersionFacts:
        """What a history shows beside each version of ``thesis``: its comment count, what
        changed since the one before, text shared with other theses; and the examiner's
        grade. One statement for the four (and one more for the passages of anchored
        comments when a version has a comparison)."""
        versions = [(row.submission.id, row.submission.version) for row in rows]
        found = await theses.version_facts(self.session, [sid for sid, _v in versions])
        grade = found.grade if versions or thesis is None else \
            await team.grade_for(self.session, thesis.id)
        return VersionFacts(
            comments=found.comments,
            changes=await change_views_of(self.session, found.comparisons, versions),
            shared=shared_views_of(found.similarity, self.config.similarity_alert_percent),
            grade=grade)

    def now(self) -> datetime:
        return self.clock.now()
