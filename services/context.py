"""The ``Services`` facade: the services of one update, sharing its unit of work."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from services.access import AccessService
from services.anchors import AnchorService
from services.applications import ApplicationService
from services.assessment import AssessmentService
from services.base import ServiceConfig, ServiceDeps, reads_together
from services.calendar import CalendarService
from services.checklist import ChecklistService
from services.compare_jobs import ComparisonService
from services.dashboards import DashboardService
from services.deadlines import DeadlineService
from services.defence import DefenceService
from services.exports import ExportService
from services.history import HistoryService
from services.invites import InviteService
from services.meetings import MeetingService
from services.messaging import MessagingService
from services.overview import OverviewService
from services.promises import PromiseService
from services.receipts import ReceiptService
from services.registration import RegistrationService
from services.reminders import ReminderService
from services.reviews import ReviewService
from services.roster import RosterService
from services.shared_text import SharedTextService
from services.staged_files import StagedFileService
from services.submissions import SubmissionService
from services.team_management import TeamService
from services.threads import ThreadService
from services.topics import TopicService
from services.uploads import UploadJobService

__all__ = ["ServiceConfig", "ServiceDeps", "Services"]


class Services:
    """The services of one update, sharing its unit of work (session)."""

    def __init__(self, session: AsyncSession, deps: ServiceDeps) -> None:
        self.session = session
        self.deps = deps

    def reads(self) -> AbstractAsyncContextManager[None]:
        """The read-only calls made inside, in one transaction (``base.reads_together``)."""
        return reads_together(self.session)

    @cached_property
    def invites(self) -> InviteService:
        return InviteService(self.session, self.deps)

    @cached_property
    def roster(self) -> RosterService:
        return RosterService(self.session, self.deps)

    @cached_property
    def registration(self) -> RegistrationService:
        return RegistrationService(self.session, self.deps)

    @cached_property
    def submissions(self) -> SubmissionService:
        return SubmissionService(self.session, self.deps)

    @cached_property
    def reviews(self) -> ReviewService:
        return ReviewService(self.session, self.deps)

    @cached_property
    def overview(self) -> OverviewService:
        return OverviewService(self.session, self.deps)

    @cached_property
    def deadlines(self) -> DeadlineService:
        return DeadlineService(self.session, self.deps)

    @cached_property
    def reminders(self) -> ReminderService:
        return ReminderService(self.session, self.deps)

    @cached_property
    def access(self) -> AccessService:
        return AccessService(self.session, self.deps)

    @cached_property
    def teams(self) -> TeamService:
        return TeamService(self.session, self.deps)

    @cached_property
    def threads(self) -> ThreadService:
        return ThreadService(self.session, self.deps)

    @cached_property
    def history(self) -> HistoryService:
        return HistoryService(self.session, self.deps)

    @cached_property
    def anchors(self) -> AnchorService:
        return AnchorService(self.session, self.deps)

    @cached_property
    def checklist(self) -> ChecklistService:
        return ChecklistService(self.session, self.deps)

    @cached_property
    def staged_files(self) -> StagedFileService:
        return StagedFileService(self.session, self.deps)

    @cached_property
    def uploads(self) -> UploadJobService:
        return UploadJobService(self.session, self.deps)

    @cached_property
    def meetings(self) -> MeetingService:
        return MeetingService(self.session, self.deps)

    @cached_property
    def defence(self) -> DefenceService:
        return DefenceService(self.session, self.deps)

    @cached_property
    def calendar(self) -> CalendarService:
        return CalendarService(self.session, self.deps)

    @cached_property
    def exports(self) -> ExportService:
        return ExportService(self.session, self.deps)

    @cached_property
    def dashboards(self) -> DashboardService:
        return DashboardService(self.session, self.deps)

    @cached_property
    def comparisons(self) -> ComparisonService:
        return ComparisonService(self.session, self.deps)

    @cached_property
    def assessment(self) -> AssessmentService:
        return AssessmentService(self.session, self.deps)

    @cached_property
    def receipts(self) -> ReceiptService:
        return ReceiptService(self.session, self.deps)

    @cached_property
    def shared_text(self) -> SharedTextService:
        return SharedTextService(self.session, self.deps)

    @cached_property
    def messaging(self) -> MessagingService:
        return MessagingService(self.session, self.deps)

    @cached_property
    def promises(self) -> PromiseService:
        return PromiseService(self.session, self.deps)

    @cached_property
    def topics(self) -> TopicService:
        return TopicService(self.session, self.deps)

    @cached_property
    def applications(self) -> ApplicationService:
        return ApplicationService(self.session, self.deps)
