"""create_dispatcher(settings, deps): routers, middlewares and FSM storage, ready to run."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder
from aiogram.fsm.storage.memory import DisabledEventIsolation, MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage

from bot.aiogram_overrides.fsm import GatedFSM
from bot.config import Settings
from bot.deps import AppDeps
from bot.middlewares.context import ContextMiddleware
from bot.middlewares.deadline import DeadlineMiddleware
from bot.middlewares.errors import ErrorMiddleware, RedeliveryBudget, quiet_retry_later
from bot.middlewares.gate import GateConfig, UpdateGate
from bot.middlewares.observability import HandlerNameMiddleware, InFlight, UpdateLogMiddleware
from bot.user_changes import RedisUserChanges
from handlers import get_routers
from storage.signals import UploadSignals
from telegram.progress import ProgressConfig, ProgressKit

FSM_TTL_SECONDS = 7 * 86400
# aiogram answers a webhook after 55 s whatever happens (and Telegram gives up at 60): each
# update must be done, or answered 503, well before.
UPDATE_DEADLINE_SECONDS = 45.0


def _fsm(deps: AppDeps) -> tuple[BaseStorage, KeyBuilder]:
    # The bot id in the key keeps two bots on one Redis apart.
    keys = DefaultKeyBuilder(prefix="fsm", with_bot_id=True, with_destiny=True)
    if deps.redis is None:
        return MemoryStorage(), keys
    return RedisStorage(deps.redis, key_builder=keys, state_ttl=FSM_TTL_SECONDS,
                        data_ttl=FSM_TTL_SECONDS), keys


def progress_config(settings: Settings) -> ProgressConfig:
    mib = 1024 * 1024
    return ProgressConfig(min_bytes=int(settings.progress_min_mb * mib),
                          edit_interval=settings.progress_edit_interval_seconds,
                          action_interval=settings.progress_action_interval_seconds,
                          background_bytes=int(settings.background_upload_mb * mib))


def create_progress_kit(settings: Settings, deps: AppDeps) -> ProgressKit:
    scope = (settings.telegram_bot_token.get_secret_value().split(":")[0]
             if settings.telegram_bot_token else "0")
    return ProgressKit(progress_config(settings), UploadSignals(deps.redis, scope=scope))


def create_dispatcher(settings: Settings, deps: AppDeps,
                      on_outbox: Callable[[], None] = lambda: None,
                      in_flight: InFlight | None = None,
                      progress: ProgressKit | None = None,
                      on_upload_job: Callable[[], None] = lambda: None) -> Dispatcher:
    storage, keys = _fsm(deps)
    progress = progress or create_progress_kit(settings, deps)
    # The gate takes each user's lock (events isolation) and reads and writes the FSM for the
    # handlers; our FSM middleware is registered by hand below, after the error middleware, so
    # that a Redis outage inside it is logged, counted and answered like any other.
    fsm = GatedFSM(storage, DisabledEventIsolation())
    dp = Dispatcher(storage=storage, events_isolation=DisabledEventIsolation(),
                    disable_fsm=True, settings=settings, deps=deps, progress=progress,
                    wake_uploads=on_upload_job,
                    # Handlers offer the Mini App (menu button, Open dashboard) only with it.
                    webapp_url=settings.webapp_url)
    webhook = settings.bot_mode == "webhook"
    quiet_retry_later()
    budget = RedeliveryBudget(settings.webhook_max_redeliveries, deps.redis)
    dp.update.outer_middleware(UpdateLogMiddleware(in_flight or InFlight()))
    if webhook:
        dp.update.outer_middleware(DeadlineMiddleware(UPDATE_DEADLINE_SECONDS, budget))
    # The gate reads the user's shared version with the update's claim (one round trip), and
    # raises a /cancel's flag for the user's running upload before it waits for the lock.
    changes = deps.services.user_changes
    shared_users = changes if isinstance(changes, RedisUserChanges) else None
    dp.update.outer_middleware(UpdateGate(deps.redis, fsm, keys, GateConfig(
        flood_rate=settings.flood_rate, flood_window_seconds=settings.flood_window_seconds,
        exempt=frozenset(settings.admin_ids), retry_in_progress=webhook), users=shared_users,
        signals=progress.signals))
    dp.update.outer_middleware(ErrorMiddleware(budget, retry_on_dependency=webhook))
    dp.update.outer_middleware(fsm)
    dp.update.outer_middleware(ContextMiddleware(deps.session_factory, deps.services, on_outbox))
    for observer in dp.observers.values():
        if observer.event_name != "update":
            observer.middleware(HandlerNameMiddleware())
    dp.include_routers(*get_routers())
    return dp
