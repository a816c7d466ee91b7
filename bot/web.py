"""The one HTTP port: webhook, /health, /ready, /metrics, calendar feeds and downloads, and
(with WEBAPP_URL) the Mini App's API under /api/ and its files under /app/ (mounted from
api/, not written here)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

import api
from api.routing import ApiConfig, ApiDeps
from api.tokens import Tokens
from bot.aiogram_overrides.webhook import StrictRequestHandler
from bot.config import Settings
from bot.deps import AppDeps, bot_scope
from bot.metrics import DEPENDENCY_FAILURES, HTTP_SECONDS, REGISTRY
from bot.middlewares.errors import webhook_retry_later
from storage.db import ping

log = structlog.get_logger("bot.web")
DEPS = web.AppKey("deps", AppDeps)
STOPPING = web.AppKey("stopping", asyncio.Event)
# Parts of the process that died for good (the poller): named here, /ready is 503.
DEAD = web.AppKey("dead", dict[str, str])
CHECK_TIMEOUT = 2.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def http_metrics(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        # The route's pattern (/api/students/{id}), never the path itself: one series per
        # route, whatever ids or junk paths are asked for.
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        HTTP_SECONDS.labels(route=route, method=request.method, status=str(status)).observe(
            time.perf_counter() - started)


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _check(name: str, probe: Callable[[], Awaitable[Any]]) -> tuple[str, str | None]:
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        DEPENDENCY_FAILURES.labels(dependency=name).inc()
        return name, type(exc).__name__
    return name, None


async def ready(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    checks: list[Awaitable[tuple[str, str | None]]] = [
        _check("database", lambda: ping(deps.engine)),
        _check("files", deps.files.ping),
    ]
    if deps.redis is not None:
        redis = deps.redis

        async def ping_redis() -> None:
            await redis.ping()  # type: ignore[misc]  # redis-py types ping as maybe-sync

        checks.append(_check("redis", ping_redis))
    results = dict(await asyncio.gather(*checks))
    body: dict[str, Any] = {name: ("ok" if error is None else f"failed: {error}")
                            for name, error in results.items()}
    if deps.redis is None:
        body["redis"] = "not configured (in-memory FSM)"
    failed = sorted(name for name, error in results.items() if error is not None)
    if request.app[STOPPING].is_set():
        failed.append("shutting_down")
    for part, reason in request.app[DEAD].items():
        body[part] = f"failed: {reason}"
        failed.append(part)
    body["status"] = "ready" if not failed else "unavailable"
    if failed:
        body["failed"] = failed
        log.warning("not_ready", failed=failed)
    return web.json_response(body, status=503 if failed else 200)


async def metrics(_request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(REGISTRY),
                        headers={"Content-Type": CONTENT_TYPE_LATEST})


def api_config(settings: Settings) -> ApiConfig:
    settings.check_webapp()
    assert settings.jwt_secret_key is not None
    token = settings.require_token()
    return ApiConfig(
        bot_token=token,
        tokens=Tokens(settings.jwt_secret_key.get_secret_value(), settings.jwt_ttl_seconds),
        auth_max_age_seconds=settings.webapp_auth_max_age_seconds,
        trusted_proxy_hops=settings.trusted_proxy_hops,
        bot_id=token.split(":", 1)[0])


def create_web_app(settings: Settings, deps: AppDeps, *, dispatcher: Dispatcher | None = None,
                   bot: Bot | None = None) -> web.Application:
    web_side = api.middlewares() if settings.webapp_enabled else []
    app = web.Application(middlewares=[http_metrics, webhook_retry_later, *web_side],
                          client_max_size=1024 * 1024)
    app[DEPS] = deps
    app[STOPPING] = asyncio.Event()
    app[DEAD] = {}
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    app.router.add_get("/metrics", metrics)
    # People's private calendar feeds and export download links, then the Mini App's API:
    # adapters in api/, given what they need here.
    api_deps = ApiDeps(session_factory=deps.session_factory, services=deps.services,
                       redis=deps.redis)
    api.mount_links(app, api_deps, scope=bot_scope(settings))
    if settings.webapp_enabled:
        api.mount(app, api_config(settings), api_deps)
    if settings.bot_mode == "webhook" and dispatcher is not None and bot is not None:
        assert settings.webhook_secret is not None
        # Not in the background: an update that fails returns 5xx, so Telegram redelivers it.
        # Slow updates do not block others: each webhook request is its own task.
        StrictRequestHandler(
            dispatcher=dispatcher, bot=bot, handle_in_background=False,
            secret_token=settings.webhook_secret.get_secret_value(),
        ).register(app, path=settings.webhook_path)
    return app
