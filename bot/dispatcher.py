"""create_dispatcher(settings, deps): routers, middlewares and FSM storage, ready to run."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

from bot.config import Settings
from bot.deps import AppDeps
from bot.middlewares.context import ContextMiddleware
from bot.middlewares.dedupe import UpdateDedupe
from bot.middlewares.errors import ErrorMiddleware, RedeliveryBudget, quiet_retry_later
from bot.middlewares.flood import FloodControl
from bot.middlewares.observability import HandlerNameMiddleware, InFlight, UpdateLogMiddleware
from handlers import get_routers

FSM_TTL_SECONDS = 7 * 86400


def _fsm(deps: AppDeps) -> tuple[BaseStorage, BaseEventIsolation]:
    if deps.redis is None:
        return MemoryStorage(), SimpleEventIsolation()
    # The bot id in the key keeps two bots on one Redis apart.
    keys = DefaultKeyBuilder(prefix="fsm", with_bot_id=True, with_destiny=True)
    storage = RedisStorage(deps.redis, key_builder=keys, state_ttl=FSM_TTL_SECONDS,
                           data_ttl=FSM_TTL_SECONDS)
    isolation = RedisEventIsolation(deps.redis, key_builder=keys, lock_kwargs={"timeout": 120})
    return storage, isolation


def create_dispatcher(settings: Settings, deps: AppDeps,
                      on_outbox: Callable[[], None] = lambda: None,
                      in_flight: InFlight | None = None) -> Dispatcher:
    storage, isolation = _fsm(deps)
    # The FSM middleware is registered by hand below, after ours, so that a Redis outage
    # inside it is logged, counted and answered like any other dependency failure.
    dp = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True,
                    settings=settings, deps=deps)
    webhook = settings.bot_mode == "webhook"
    quiet_retry_later()
    dp.update.outer_middleware(UpdateLogMiddleware(in_flight or InFlight()))
    # A redelivered update is skipped before it counts towards flood control.
    dp.update.outer_middleware(UpdateDedupe(deps.redis, retry_in_progress=webhook))
    dp.update.outer_middleware(FloodControl(deps.redis, settings.flood_rate,
                                            settings.flood_window_seconds, settings.admin_ids))
    dp.update.outer_middleware(ErrorMiddleware(
        RedeliveryBudget(settings.webhook_max_redeliveries, deps.redis),
        retry_on_dependency=webhook))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(ContextMiddleware(deps.session_factory, deps.services, on_outbox))
    for observer in dp.observers.values():
        if observer.event_name != "update":
            observer.middleware(HandlerNameMiddleware())
    dp.include_routers(*get_routers())
    return dp
