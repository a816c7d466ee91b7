"""The gate every update passes before it is handled: once, not too fast, one at a time.

Three rules, checked together in **one Redis round trip** on the way in and one on the way
out (a Lua script each, in ``gate_scripts.py``), because each is a Redis write that every
update needs:

- **Once.** Telegram redelivers a webhook update it thinks failed (a timeout, a 5xx, a lost
  connection), possibly to another replica while the first is still busy with it. The
  update is *claimed* (``dedupe:<bot>:<update>`` set to a random token, NX, with a lease).
  Already ``done``: a duplicate, skipped and counted (``duplicate_updates_total``). Claimed
  by someone else: in webhook mode answered "retry later" (neither lost nor handled twice),
  in polling mode skipped. On success the record becomes ``done`` for ``done_ttl``; when
  handling raised (a dependency is down, or we are being cancelled) the claim is released so
  that the redelivery goes through.
- **Not too fast.** At most FLOOD_RATE updates per FLOOD_WINDOW_SECONDS per user, a fixed
  window counted with ``INCR`` and shared by the replicas. The first update over the limit
  gets one "slow down" answer; it and the rest of the window's updates are dropped (marked
  done) and counted (``flood_dropped_updates_total``). Administrators are exempt, and so are
  updates that are not someone typing or pressing (e.g. a user blocking the bot).
- **One at a time.** A user's updates in a chat are handled one after another across all
  replicas: a lock on aiogram's FSM key (``fsm:...:lock``), held until the update is done.
  Taking it, the script also reads the user's FSM state and data; the handlers change them
  in memory (``bot/aiogram_overrides/fsm.py``) and the leaving script writes the changes,
  only if the lock is still ours (a handler that lost it must not undo a newer step). It
  reads the user's shared version too (``bot/user_changes.py``): knowing the user is free.

**Leases.** The claim and the lock expire ``lease_seconds`` (8 s) after they were last
renewed; a heartbeat renews both every quarter lease while the update is handled, so a long
upload keeps them and a replica killed mid-update frees its users within one lease.

When Redis is unreachable the gate keeps the same records in process memory, so one
replica still handles an update once, throttles and serialises; the FSM state read that
follows then fails and the update is retried like any other dependency failure. If Redis
fails only on the way out and the update changed its FSM state, that change is not lost
silently: in webhook mode the update is answered "retry later" and handled again.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import KeyBuilder
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.aiogram_overrides.fsm import BUFFERED, BufferedFSMContext, ttl_seconds
from bot.metrics import DEPENDENCY_FAILURES, DUPLICATE_UPDATES, FLOOD_DROPPED
from bot.middlewares.cancel import cancel_flag, cancel_of, signal_locally, signalled
from bot.middlewares.errors import DependencyDown, RetryLater
from bot.middlewares.gate_local import LocalLocks, LocalRecords
from bot.middlewares.gate_scripts import DONE, KEEP, FsmKeys, FsmWrite, GateScripts
from bot.user_changes import RedisUserChanges
from storage.signals import UploadSignals
from telegram.texts import Texts, language_of

log = structlog.get_logger("bot.gate")

THROTTLED = frozenset({"message", "edited_message", "callback_query", "inline_query"})


class InProgress(RetryLater):
    """The same update is being handled elsewhere right now; Telegram should come back."""


@dataclass(frozen=True)
class GateConfig:
    flood_rate: int
    flood_window_seconds: float
    exempt: frozenset[int] = frozenset()
    retry_in_progress: bool = True
    done_ttl: int = 3600
    # The claim and the lock expire this long after the last heartbeat: how long a replica
    # that died mid-update blocks that update and that user.
    lease_seconds: float = 8.0
    # The in-process claim (Redis down) dies with the process: no lease needed.
    local_claim_ttl: int = 150
    lock_poll_seconds: float = 0.02

    @property
    def lease_ms(self) -> int:
        return max(int(self.lease_seconds * 1000), 1)

    @property
    def heartbeat_seconds(self) -> float:
        """Renewal period: a quarter of the lease, so three beats may be late or lost."""
        return self.lease_seconds / 4


@dataclass
class Admission:
    """What the gate decided for one update."""

    token: str
    claim: str
    seen: str | None = None  # set: a duplicate or in progress elsewhere
    count: int = 0  # this user's updates in the flood window
    context: FSMContext | None = None  # the user's FSM key, when the update has a chat and user
    fsm_keys: FsmKeys | None = None  # its lock, state and data keys in Redis
    fsm: BufferedFSMContext | None = None  # state and data as read with the Redis lock
    in_redis: bool = True
    user_version: tuple[int, str] | None = None  # (user id, version) read with the claim

    @property
    def lock(self) -> str | None:
        return self.fsm_keys.lock if self.fsm_keys else None

    @property
    def locked(self) -> bool:
        """Holding the user's lock in Redis (the state and data come with it)."""
        return self.fsm is not None


class UpdateGate(BaseMiddleware):
    def __init__(self, redis: Redis | None, fsm: FSMContextMiddleware, keys: KeyBuilder,
                 config: GateConfig, users: RedisUserChanges | None = None,
                 signals: UploadSignals | None = None) -> None:
        self._fsm = fsm
        self._keys = keys
        self.config = config
        storage = fsm.storage
        self._fsm_ttl = (ttl_seconds(getattr(storage, "state_ttl", None)),
                         ttl_seconds(getattr(storage, "data_ttl", None)))
        self.local = LocalRecords()
        self._local_flood: dict[tuple[int, int], int] = {}
        self._local_locks = LocalLocks()
        self._scripts = None if redis is None else GateScripts(redis)
        # The user's version (``bot/user_changes.py``) comes with the entering round trip,
        # and so does a /cancel's flag for the user's running upload (``cancel.py``).
        self._users = users
        self._signals = signals

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        bot: Bot = data["bot"]
        context = self._fsm.resolve_event_context(bot, data)
        gate = await self._enter(event, bot.id, data, context)
        if gate.seen is not None:
            DUPLICATE_UPDATES.inc()
            log.info("duplicate_update", state="done" if gate.seen == DONE else "in_progress")
            if gate.seen != DONE and self.config.retry_in_progress:
                raise InProgress()
            return None
        if gate.count > self.config.flood_rate:
            FLOOD_DROPPED.inc()
            log.info("flood_dropped", count=gate.count, limit=self.config.flood_rate)
            # Marked done already (by the script, or locally when Redis is down).
            if gate.count == self.config.flood_rate + 1:
                await _slow_down(event, data)
            return None
        with self._user_version(gate):
            async with self._heartbeat(gate):
                try:
                    if gate.lock is None or gate.locked:
                        return await self._handle(handler, event, data, gate)
                    if gate.in_redis:
                        await self._wait_for_lock(gate)
                        return await self._handle(handler, event, data, gate)
                    async with self._local_locks.hold(gate.lock):
                        return await self._handle(handler, event, data, gate)
                except BaseException:
                    # Not handled (a dependency is down, or we are being cancelled): let it
                    # come back.
                    await self._leave(gate, handled=False)
                    raise

    def _user_version(self, gate: Admission) -> contextlib.AbstractContextManager[None]:
        if self._users is None or gate.user_version is None:
            return contextlib.nullcontext()
        return self._users.read_already(*gate.user_version)

    async def _handle(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                      event: Update, data: dict[str, Any], gate: Admission) -> Any:
        if gate.fsm is not None:
            data[BUFFERED] = gate.fsm
        result = await handler(event, data)
        await self._leave(gate, handled=True)
        return result

    @asynccontextmanager
    async def _heartbeat(self, gate: Admission) -> AsyncIterator[None]:
        """Keep renewing the claim (and the lock, once held) while the update is handled."""
        if self._scripts is None or not gate.in_redis:
            yield
            return
        beat = asyncio.create_task(self._renew_forever(gate), name="gate-heartbeat")
        try:
            yield
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _renew_forever(self, gate: Admission) -> None:
        assert self._scripts is not None
        warned = False
        while True:
            await asyncio.sleep(self.config.heartbeat_seconds)
            try:
                claim_ours, lock_ours = await self._scripts.renew(
                    claim=gate.claim, lock=gate.lock if gate.locked else None,
                    token=gate.token, lease_ms=self.config.lease_ms)
            except (RedisError, OSError) as exc:
                log.warning("gate_heartbeat_failed", error_type=type(exc).__name__)
                continue
            lost = not claim_ours or (gate.locked and not lock_ours)
            if lost and not warned:
                # Our lease ran out (the loop stalled longer than a lease): another replica
                # may take the update or the user; our FSM changes will not be written.
                warned = True
                log.warning("gate_lease_lost", claim=claim_ours, lock=lock_ours)

    def _counted(self, event: Update, data: dict[str, Any]) -> int | None:
        """The user id whose flood window this update counts in, if any."""
        user = data.get("event_from_user")
        if event.event_type not in THROTTLED or user is None or user.id in self.config.exempt:
            return None
        return int(user.id)

    async def _enter(self, event: Update, bot_id: int, data: dict[str, Any],
                     context: FSMContext | None) -> Admission:
        gate = Admission(token=secrets.token_hex(8), claim=f"dedupe:{bot_id}:{event.update_id}",
                         context=context)
        if context is not None:
            gate.fsm_keys = FsmKeys(*(self._keys.build(context.key, part)
                                      for part in ("lock", "state", "data")))
        cancelling = cancel_of(event) if self._signals is not None else None
        seen = self.local.get(gate.claim)
        if seen is not None:
            if cancelling is not None:
                await self._signal(cancelling)
            gate.seen = seen
            return gate
        self.local.put(gate.claim, gate.token, self.config.local_claim_ttl)
        user_id = self._counted(event, data)
        window = int(time.time() // self.config.flood_window_seconds)
        if self._scripts is not None:
            try:
                person = data.get("event_from_user")
                await self._enter_redis(gate, bot_id, user_id, window,
                                        person.id if person is not None else None, cancelling)
                return gate
            except (RedisError, OSError) as exc:
                log.warning("gate_fallback", step="enter", error_type=type(exc).__name__)
        if cancelling is not None:
            await self._signal(cancelling)
        gate.in_redis = False
        if user_id is not None:
            gate.count = self._hit_locally(user_id, window)
        if gate.count > self.config.flood_rate:
            self.local.put(gate.claim, DONE, self.config.done_ttl)
        return gate

    async def _signal(self, cancelling: tuple[int, int]) -> None:
        assert self._signals is not None
        await signal_locally(self._signals, *cancelling)

    async def _enter_redis(self, gate: Admission, bot_id: int, user_id: int | None,
                           window: int, person: int | None,
                           cancelling: tuple[int, int] | None = None) -> None:
        assert self._scripts is not None
        cfg = self.config
        version_key = (self._users.key(person)
                       if self._users is not None and person is not None else None)
        flag = None
        if cancelling is not None and self._signals is not None:
            if self._signals.in_redis:
                flag = cancel_flag(self._signals, *cancelling)
            else:
                await self._signal(cancelling)
        entered = await self._scripts.enter(
            claim=gate.claim, flood=f"flood:{bot_id}:{user_id}:{window}", fsm=gate.fsm_keys,
            token=gate.token, lease_ms=cfg.lease_ms,
            flood_ttl=math.ceil(cfg.flood_window_seconds) + 1 if user_id is not None else 0,
            flood_rate=cfg.flood_rate, done_ttl=cfg.done_ttl, version_key=version_key,
            cancel=flag)
        if entered.cancel_flagged:
            signalled()
        if not entered.claimed:
            self.local.drop(gate.claim, gate.token)
            gate.seen = entered.held or "in_progress"
            if gate.seen == DONE:
                self.local.put(gate.claim, DONE, cfg.done_ttl)
            return
        gate.count = entered.count
        if person is not None and entered.user_version is not None and \
                (entered.locked or gate.fsm_keys is None):
            # Not after waiting for the lock: the version is read again then, just before
            # the row, so that a change made while we waited is seen by this update.
            gate.user_version = (person, entered.user_version)
        if entered.locked:
            self._locked(gate, entered.state, entered.data)

    def _locked(self, gate: Admission, state: str | None, fsm_data: str | None) -> None:
        assert gate.context is not None
        gate.fsm = BufferedFSMContext(self._fsm.storage, gate.context.key, state, fsm_data)

    def _hit_locally(self, user_id: int, window: int) -> int:
        for stale in [k for k in self._local_flood if k[1] < window]:
            del self._local_flood[stale]
        count = self._local_flood.get((user_id, window), 0) + 1
        self._local_flood[(user_id, window)] = count
        return count

    async def _wait_for_lock(self, gate: Admission) -> None:
        """Another update of this user is being handled (here or elsewhere): wait for it, or
        for its lease to run out if its replica died. Bounded by the update's deadline
        (``bot/middlewares/deadline.py``)."""
        assert self._scripts is not None and gate.fsm_keys
        while True:
            await asyncio.sleep(self.config.lock_poll_seconds)
            locked, state, fsm_data = await self._scripts.lock(
                fsm=gate.fsm_keys, token=gate.token, lease_ms=self.config.lease_ms)
            if locked:
                self._locked(gate, state, fsm_data)
                return

    async def _leave(self, gate: Admission, *, handled: bool) -> None:
        if handled:
            self.local.put(gate.claim, DONE, self.config.done_ttl)
        else:
            self.local.drop(gate.claim, gate.token)
        if self._scripts is None or not gate.in_redis:
            return
        changed = handled and gate.fsm is not None and gate.fsm.changed
        state, fsm_data = (gate.fsm.changes(*self._fsm_ttl) if gate.fsm is not None
                           else (FsmWrite(KEEP), FsmWrite(KEEP)))
        try:
            written = await self._scripts.leave(
                claim=gate.claim, fsm=gate.fsm_keys, token=gate.token, handled=handled,
                done_ttl=self.config.done_ttl, release_lock=gate.locked, state=state,
                data=fsm_data)
        except (RedisError, OSError) as exc:
            log.warning("gate_fallback", step="leave", error_type=type(exc).__name__,
                        fsm_change_lost=changed)
            if changed and self.config.retry_in_progress:
                DEPENDENCY_FAILURES.labels(dependency="redis").inc()
                # Not saved: have Telegram deliver the update again.
                raise DependencyDown("redis") from exc
            return
        if changed and not written:
            # Our lock's lease ran out and someone else may have written since: theirs stands.
            log.warning("fsm_write_refused", reason="lock_lost")


async def _slow_down(event: Update, data: dict[str, Any]) -> None:
    bot: Bot | None = data.get("bot")
    user = data.get("event_from_user")
    chat = data.get("event_chat")
    if bot is None:
        return
    t = Texts(language_of(user.language_code if user else None))
    try:
        if event.callback_query is not None:
            await bot.answer_callback_query(event.callback_query.id, t("error.slow_down"),
                                            show_alert=True)
        elif chat is not None and chat.type == "private":
            await bot.send_message(chat.id, t("error.slow_down"))
    except Exception as exc:  # noqa: BLE001 - the warning is best effort
        log.warning("slow_down_failed", error_type=type(exc).__name__)
