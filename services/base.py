"""What every service gets: the update's session, the file store, the clock and settings,
and the ports to what the replicas share (``UserChanges``).

Every service module imports ``BaseService`` from here, and ``services/context.py`` imports
every service, so this module imports no service: that keeps the package free of circles.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import wraps
from inspect import isawaitable
from typing import Concatenate, ParamSpec, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import Clock, SystemClock
from services.errors import DomainError, NotFound, StorageUnavailable
from services.known_users import KnownUsers
from storage.files import FileStore


class UserChanges(Protocol):
    """A version per user, shared by the replicas: changed whenever an admin changes what
    that user may do (deactivation, reactivation), so that every replica's snapshot of them
    goes stale at once instead of when its TTL runs out.

    ``version`` answers None when it cannot tell (the shared store is down): snapshots are
    then trusted for a few seconds only. ``changed`` never raises: the change is committed
    already, and a replica that missed it still sees it within that short TTL.
    """

    async def version(self, user_id: int) -> str | None: ...

    async def changed(self, user_id: int) -> None: ...


class LocalUserChanges:
    """One process, nothing shared (the embedded defaults, the sandbox): the process forgets
    its own snapshot on a change, and there is no other replica to tell."""

    async def version(self, user_id: int) -> str | None:
        return ""

    async def changed(self, user_id: int) -> None:
        return None


@dataclass(frozen=True)
class ServiceConfig:
    admin_ids: frozenset[int] = frozenset()
    max_file_bytes: int = 20 * 1024 * 1024
    invite_ttl_days: int = 14
    file_prefix: str = "theses/"
    review_sla_days: int = 3
    # No version, comment or meeting for this many days: silent (services/urgency.py).
    silent_days: int = 14
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    # Where people reach the app's HTTP side (calendar feeds, export downloads).
    public_base_url: str = "http://127.0.0.1:8000"
    # Key of the calendar URLs' secrets (derived at start-up; never shown).
    link_key: bytes = b"thesis-supervisor-links"
    # The largest document the bot uploads to Telegram; bigger exports get a link.
    upload_limit_bytes: int = 50 * 1024 * 1024
    export_link_ttl_hours: float = 24.0
    # The assessment: days to agree before a third marker is asked for.
    agreement_days: int = 7
    # Key of the receipts' HMAC-SHA256 signature (derived at start-up; never shown).
    receipt_key: bytes = b"thesis-supervisor-receipts"
    # How long a staged file may wait for its row before the sweeper may take it.
    staged_file_ttl_hours: float = 24.0
    # Above this share of text shared with other theses, the card is marked ⚠️.
    similarity_alert_percent: float = 10.0
    # After Approve, the student's notice waits this long (or until Done) so that a comment
    # or grade added at once goes in the same message (services/reviews.py).
    decision_quiet_seconds: float = 15.0
    # Topics: open applications a student may have at once, and the days an unanswered
    # one waits before it is declined on its own.
    max_open_applications: int = 3
    application_auto_decline_days: int = 21


@dataclass(frozen=True)
class ServiceDeps:
    files: FileStore
    config: ServiceConfig
    clock: Clock = field(default_factory=SystemClock)
    known_users: KnownUsers = field(default_factory=KnownUsers)
    # Redis in production (bot/user_changes.py): what one replica changes, all see.
    user_changes: UserChanges = field(default_factory=LocalUserChanges)


T = TypeVar("T")


class BaseService:
    def __init__(self, session: AsyncSession, deps: ServiceDeps) -> None:
        self.session = session
        self.deps = deps
        self.config = deps.config
        self.clock = deps.clock

    async def _read(self, query: Callable[[], Awaitable[T]]) -> T:
        """Reads in a transaction of their own, ended at once. The rows are detached before
        it ends, so they keep their loaded values (a background job holds no connection)."""
        try:
            result = await query()
            self.session.expunge_all()
            return result
        finally:
            await self.session.rollback()

    async def _read_object(self, key: str, limit: int) -> bytes:
        """A small stored object (a report, a comparison) whole: one larger than ``limit`` is
        not found; a store that fails is unavailable."""
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in self.deps.files.read(key):
                size += len(chunk)
                if size > limit:
                    raise NotFound()
                parts.append(chunk)
        except NotFound:
            raise
        except Exception as exc:
            raise StorageUnavailable() from exc
        return b"".join(parts)


S = TypeVar("S", bound=BaseService)
P = ParamSpec("P")
R = TypeVar("R")


Undo = Callable[[], Awaitable[object]]
_DEPTH = "writes_depth"
_UNDO = "writes_undo"
_AFTER = "writes_after"
_AUTOCOMMIT = "services.autocommit"
_READS = "reads_depth"


def on_rollback(session: AsyncSession, undo: Undo) -> None:
    """Release something the current ``@writes`` call staged outside the database (an object
    put into the file store) if the call fails: run after the rollback, errors swallowed by
    the undo itself."""
    session.info.setdefault(_UNDO, []).append(undo)


def after_commit(session: AsyncSession, action: Callable[[], object]) -> None:
    """Tell others of what the current ``@writes`` call changed once it is committed (a
    replica's cache, a counter): run after the outermost commit, never after a rollback.
    ``action`` may be a coroutine function."""
    session.info.setdefault(_AFTER, []).append(action)


def writes(method: Callable[Concatenate[S, P], Awaitable[R]],
           ) -> Callable[Concatenate[S, P], Awaitable[R]]:
    """A service call that changes something: everything it writes (its notifications
    included) is committed when it returns, or rolled back if it raises, and then what it
    staged outside the database is released (``on_rollback``). A ``@writes`` call made
    inside another joins the outer one: only the outermost commits."""

    @wraps(method)
    async def writing(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        info = self.session.info
        if info.get(_AUTOCOMMIT):
            # Each statement would commit alone: a write is never half made.
            raise RuntimeError(f"{method.__qualname__} writes inside reads_together")
        depth = info.get(_DEPTH, 0)
        info[_DEPTH] = depth + 1
        try:
            result = await method(self, *args, **kwargs)
            if depth == 0:
                await self.session.commit()
        except BaseException:
            if depth == 0:
                info.pop(_AFTER, None)
                await self.session.rollback()
                for undo in reversed(info.pop(_UNDO, [])):
                    await undo()
            raise
        finally:
            info[_DEPTH] = depth
            if depth == 0:
                info.pop(_UNDO, None)
        if depth == 0:
            for action in info.pop(_AFTER, []):
                if isawaitable(done := action()):
                    await done
        return result

    return writing


def read_only(method: Callable[Concatenate[S, P], Awaitable[R]],
              ) -> Callable[Concatenate[S, P], Awaitable[R]]:
    """A service call that only reads ends its transaction when it returns, so the database
    connection goes back to the pool before the handler talks to Telegram, which takes far
    longer than the reads. Loaded objects stay usable (the session does not expire them).
    Called inside a ``@writes`` call, another ``@read_only`` call or ``reads_together`` it
    ends nothing: the outer one does. A refusal (``DomainError``) ends it as a return does.
    A worker's pass that runs several transactions of its own (``run_due``) is
    ``@read_only`` too: each of its changes is a ``@writes`` step, committed alone."""

    @wraps(method)
    async def reading(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        info = self.session.info
        depth = info.get(_READS, 0)
        info[_READS] = depth + 1
        try:
            result = await method(self, *args, **kwargs)
        except DomainError:
            # A refusal ends the read too (what was loaded stays usable for the answer).
            info[_READS] = depth
            if not info.get(_DEPTH) and not depth:
                await self.session.commit()
            raise
        finally:
            info[_READS] = depth
        if not info.get(_DEPTH) and not depth:
            await self.session.commit()
        return result

    return reading


@asynccontextmanager
async def reads_together(session: AsyncSession) -> AsyncIterator[None]:
    """A view's ``@read_only`` calls on one connection (one pool checkout), ended when the
    block ends: gather a view's reads inside, talk to Telegram after it. Outermost, it runs
    them without a transaction (AUTOCOMMIT: no BEGIN and COMMIT round trips, issue 33), so
    each statement reads its own snapshot: fine for a view shown once, never for a read that
    decides a write (those belong in a ``@writes`` call, which joins no such block)."""
    info = session.info
    depth = info.get(_READS, 0)
    if depth == 0 and not info.get(_DEPTH) and not session.in_transaction():
        # Reads only: no BEGIN and COMMIT round trips to PostgreSQL (each statement is its
        # own snapshot, which a view shown once can afford).
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        info[_AUTOCOMMIT] = True
    info[_READS] = depth + 1
    try:
        yield
    except BaseException:
        info[_READS] = depth
        if depth == 0:
            info.pop(_AUTOCOMMIT, None)
        if depth == 0 and not info.get(_DEPTH):
            await session.rollback()
        raise
    info[_READS] = depth
    if depth == 0 and not info.get(_DEPTH):
        await session.commit()
    if depth == 0:
        info.pop(_AUTOCOMMIT, None)
