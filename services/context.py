"""The ``Services`` facade: the services of one update, sharing its unit of work."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from services.access import AccessService
from services.base import ServiceConfig, ServiceDeps
from services.comparisons import ComparisonService
from services.deadlines import DeadlineService
from services.invites import InviteService
from services.overview import OverviewService
from services.registration import RegistrationService
from services.reminders import ReminderService
from services.reviews import ReviewService
from services.submissions import SubmissionService

__all__ = ["ServiceConfig", "ServiceDeps", "Services"]


class Services:
    """The services of one update, sharing its unit of work (session)."""

    def __init__(self, session: AsyncSession, deps: ServiceDeps) -> None:
        self.session = session
        self.deps = deps

    @cached_property
    def invites(self) -> InviteService:
        return InviteService(self.session, self.deps)

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
    def comparisons(self) -> ComparisonService:
        return ComparisonService(self.session, self.deps)
