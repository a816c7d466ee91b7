"""Running the bot: polling or webhook, background workers, graceful shutdown on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from datetime import timedelta

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiohttp import web

from bot.aiogram_overrides.session import BotApiSession
from bot.config import Settings
from bot.deps import AppDeps, build_deps
from bot.dispatcher import create_dispatcher, create_progress_kit
from bot.isolation import Limits
from bot.logging import setup_logging
from bot.middlewares.observability import InFlight
from bot.web import DEAD, STOPPING, create_web_app
from bot.workers import OutboxSender, Scheduler, SenderConfig
from bot.workers.comparison import ComparisonConfig, ComparisonWorker
from bot.workers.sweeper import StagedFileSweeper, SweeperConfig
from bot.workers.uploads import UploadWorker, UploadWorkerConfig
from telegram.menu import set_default_menus
from telegram.texts import Texts

log = structlog.get_logger("bot.runner")
# The exit status of a process whose poller died (any non-zero gets it restarted).
EXIT_POLLING_DIED = 3


def create_bot(settings: Settings) -> Bot:
    api = TelegramAPIServer.from_base(settings.telegram_api_url,
                                      is_local=settings.telegram_api_local)
    return Bot(settings.require_token(), session=BotApiSession(api=api),
               default=DefaultBotProperties(parse_mode=ParseMode.HTML,
                                            link_preview_is_disabled=True))


def create_sender(settings: Settings, bot: Bot, deps: AppDeps) -> OutboxSender:
    return OutboxSender(
        bot, deps.session_factory, deps.clock, Texts("en", settings.tz),
        SenderConfig(rate_per_second=settings.notify_rate_per_second,
                     chat_rate_per_second=settings.notify_chat_rate_per_second,
                     max_attempts=settings.notify_max_attempts),
        redis=deps.redis, files=deps.files)


def create_comparer(settings: Settings, bot: Bot, deps: AppDeps) -> ComparisonWorker:
    return ComparisonWorker(
        bot, deps.session_factory, deps.services, deps.clock, Texts("en", settings.tz),
        ComparisonConfig(limits=Limits(timeout_seconds=settings.diff_timeout_seconds,
                                       memory_mb=settings.diff_memory_mb)))


class BotProcess:
    """Everything one replica runs, started and stopped in the right order."""

    def __init__(self, settings: Settings, deps: AppDeps | None = None,
                 bot: Bot | None = None) -> None:
        self.settings = settings
        self.deps = deps or build_deps(settings)
        self.bot = bot or create_bot(settings)
        self.sender = create_sender(settings, self.bot, self.deps)
        self.scheduler = Scheduler(self.deps.session_factory, self.deps.services, self.deps.clock,
                                   on_queued=self.sender.wake)
        self.sweeper = StagedFileSweeper(
            self.deps.session_factory, self.deps.services, self.deps.clock,
            SweeperConfig(ttl=timedelta(hours=settings.staged_file_ttl_hours)))
        self.progress = create_progress_kit(settings, self.deps)
        self.uploads = UploadWorker(
            self.bot, self.deps.session_factory, self.deps.services, self.deps.clock,
            self.progress,
            UploadWorkerConfig(lease=timedelta(seconds=settings.upload_lease_seconds)))
        self.comparer = create_comparer(settings, self.bot, self.deps)
        self.in_flight = InFlight()
        self.dp: Dispatcher = create_dispatcher(settings, self.deps, on_outbox=self._wake_workers,
                                                in_flight=self.in_flight, progress=self.progress,
                                                on_upload_job=self.uploads.wake)
        self.app = create_web_app(settings, self.deps, dispatcher=self.dp, bot=self.bot)
        self.stop_event = asyncio.Event()
        self._runner = web.AppRunner(self.app, shutdown_timeout=settings.shutdown_timeout_seconds,
                                     access_log=None)
        self._tasks: list[asyncio.Task[None]] = []
        self.port: int | None = None
        # What run_bot returns: non-zero when a part died (the orchestrator restarts us).
        self.exit_code = 0

    def _wake_workers(self) -> None:
        """A change was committed with notifications (and maybe a comparison job)."""
        self.sender.wake()
        self.comparer.wake()

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.http_port
        self._tasks.append(asyncio.create_task(self.sender.run(self.stop_event), name="outbox"))
        self._tasks.append(asyncio.create_task(self.scheduler.run(self.stop_event),
                                               name="scheduler"))
        self._tasks.append(asyncio.create_task(self.sweeper.run(self.stop_event),
                                               name="staged-file-sweeper"))
        self._tasks.append(asyncio.create_task(self.uploads.run(self.stop_event),
                                               name="upload-worker"))
        self._tasks.append(asyncio.create_task(self.comparer.run(self.stop_event),
                                               name="comparison"))
        updates = self.dp.resolve_used_update_types()
        if self.settings.bot_mode == "webhook":
            assert self.settings.webhook_url and self.settings.webhook_secret
            await self.bot.set_webhook(
                self.settings.webhook_url, allowed_updates=updates,
                secret_token=self.settings.webhook_secret.get_secret_value())
        else:
            await self.bot.delete_webhook(drop_pending_updates=False)
            self._tasks.append(asyncio.create_task(self._poll(updates), name="polling"))
        try:
            await set_default_menus(self.bot)
        except Exception as exc:  # noqa: BLE001 - a menu is no reason not to start
            log.warning("default_menus_failed", error_type=type(exc).__name__)
        # Start-up objects live for the whole process: keep them out of every GC pass.
        gc.collect()
        gc.freeze()
        log.info("started", mode=self.settings.bot_mode, port=self.port)

    async def _poll(self, updates: list[str]) -> None:
        """aiogram's polling; if it ends while the process is not stopping (getMe refused or
        unreadable, any error it does not retry), the process is dead: /ready says so, the
        reason is logged, and ``run_bot`` exits non-zero so that it is restarted."""
        reason = "polling ended"
        try:
            await self.dp.start_polling(self.bot, handle_signals=False,
                                        close_bot_session=False, allowed_updates=updates,
                                        polling_timeout=25)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any end of the poller is fatal
            reason = f"{type(exc).__name__}: {str(exc)[:300]}"
        if self.stop_event.is_set():
            return
        self.app[DEAD]["polling"] = reason
        self.exit_code = EXIT_POLLING_DIED
        log.error("polling_died", reason=reason)
        self.stop_event.set()

    async def stop(self) -> None:
        """Stop intake, let in-flight updates finish (bounded), then close the pools."""
        if self.app[STOPPING].is_set():
            return
        self.app[STOPPING].set()
        self.stop_event.set()
        if self.settings.bot_mode == "polling":
            with contextlib.suppress(RuntimeError):
                await self.dp.stop_polling()
        # Close the listening socket first: in-flight requests go on. Only when they are
        # done may cleanup() run, since aiogram's on_shutdown hook closes the bot session.
        for site in list(self._runner.sites):
            await site.stop()
        await self.in_flight.wait_idle(self.settings.shutdown_timeout_seconds)
        await self._runner.cleanup()
        _done, pending = await asyncio.wait(self._tasks,
                                           timeout=self.settings.shutdown_timeout_seconds)
        for task in pending:
            task.cancel()
        await self.dp.emit_shutdown(bot=self.bot)
        await self.bot.session.close()
        await self.deps.close()
        log.info("stopped", unfinished=len(pending))


async def run_bot(settings: Settings) -> int:
    setup_logging(settings.log_level, settings.log_format)
    settings.require_token()
    settings.check_mode()
    process = BotProcess(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, process.stop_event.set)
    await process.start()
    await process.stop_event.wait()
    log.info("stopping")
    await process.stop()
    return process.exit_code
