"""What every service gets: the update's session, the file store, the clock and settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import Clock, SystemClock
from services.known_users import KnownUsers
from storage.files import FileStore

if TYPE_CHECKING:
    from services.access import AccessService
    from services.deadlines import DeadlineService
    from services.invites import InviteService
    from services.overview import OverviewService
    from services.registration import RegistrationService
    from services.reviews import ReviewService
    from services.submissions import SubmissionService


@dataclass(frozen=True)
class ServiceConfig:
    admin_ids: frozenset[int] = frozenset()
    max_file_bytes: int = 20 * 1024 * 1024
    invite_ttl_days: int = 14
    file_prefix: str = "theses/"
    review_sla_days: int = 3
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


@dataclass(frozen=True)
class ServiceDeps:
    files: FileStore
    config: ServiceConfig
    clock: Clock = field(default_factory=SystemClock)
    known_users: KnownUsers = field(default_factory=KnownUsers)


class Services:
    """The services of one update, sharing its unit of work (session)."""

    def __init__(self, session: AsyncSession, deps: ServiceDeps) -> None:
        self.session = session
        self.deps = deps

    @cached_property
    def access(self) -> AccessService:
        from services.access import AccessService

        return AccessService(self.session, self.deps)

    @cached_property
    def invites(self) -> InviteService:
        from services.invites import InviteService

        return InviteService(self.session, self.deps)

    @cached_property
    def registration(self) -> RegistrationService:
        from services.registration import RegistrationService

        return RegistrationService(self.session, self.deps)

    @cached_property
    def submissions(self) -> SubmissionService:
        from services.submissions import SubmissionService

        return SubmissionService(self.session, self.deps)

    @cached_property
    def reviews(self) -> ReviewService:
        from services.reviews import ReviewService

        return ReviewService(self.session, self.deps)

    @cached_property
    def overview(self) -> OverviewService:
        from services.overview import OverviewService

        return OverviewService(self.session, self.deps)

    @cached_property
    def deadlines(self) -> DeadlineService:
        from services.deadlines import DeadlineService

        return DeadlineService(self.session, self.deps)


class BaseService:
    def __init__(self, session: AsyncSession, deps: ServiceDeps) -> None:
        self.session = session
        self.deps = deps
        self.config = deps.config
        self.clock = deps.clock


S = TypeVar("S", bound=BaseService)
P = ParamSpec("P")
R = TypeVar("R")


def read_only(method: Callable[Concatenate[S, P], Awaitable[R]],
              ) -> Callable[Concatenate[S, P], Awaitable[R]]:
    """A service call that only reads ends its transaction when it returns, so the database
    connection goes back to the pool before the handler talks to Telegram, which takes far
    longer than the reads. Loaded objects stay usable (the session does not expire them)."""

    @wraps(method)
    async def reading(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        result = await method(self, *args, **kwargs)
        await self.session.commit()
        return result

    return reading
