"""Long-lived clients of one process, built from settings and closed on shutdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.user_changes import RedisUserChanges
from services.base import LocalUserChanges, ServiceConfig, ServiceDeps, UserChanges
from services.clock import Clock, SystemClock
from storage.db import create_engine, create_session_factory
from storage.files import FileStore, LocalFileStore, S3FileStore


@dataclass
class AppDeps:
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    files: FileStore
    redis: Redis | None
    services: ServiceDeps
    clock: Clock = field(default_factory=SystemClock)

    async def close(self) -> None:
        await self.files.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def service_config(settings: Settings) -> ServiceConfig:
    return ServiceConfig(
        admin_ids=frozenset(settings.admin_ids),
        max_file_bytes=settings.download_limit_mb * 1024 * 1024,
        invite_ttl_days=settings.invite_ttl_days,
        file_prefix=settings.s3_prefix,
        review_sla_days=settings.review_sla_days,
        silent_days=settings.silent_days,
        tz=settings.tz,
        public_base_url=settings.effective_public_base_url,
        link_key=settings.link_key,
        upload_limit_bytes=settings.telegram_upload_limit_mb * 1024 * 1024,
        export_link_ttl_hours=settings.export_link_ttl_hours,
        agreement_days=settings.agreement_days,
        receipt_key=settings.receipt_key,
        staged_file_ttl_hours=settings.staged_file_ttl_hours,
        similarity_alert_percent=settings.similarity_alert_percent,
        decision_quiet_seconds=settings.decision_quiet_seconds,
        max_open_applications=settings.max_open_applications,
        application_auto_decline_days=settings.application_auto_decline_days,
    )


def create_file_store(settings: Settings) -> FileStore:
    if settings.s3_bucket:
        return S3FileStore(settings.s3_bucket, endpoint_url=settings.s3_endpoint_url,
                           region=settings.s3_region)
    return LocalFileStore(settings.data_dir / "files")


def create_redis(url: str) -> Redis:
    # Short timeouts: a Redis outage should fail an update fast, not hang it.
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3,
                          health_check_interval=15, retry_on_timeout=False)


def build_deps(settings: Settings, clock: Clock | None = None) -> AppDeps:
    clock = clock or SystemClock()
    engine = create_engine(settings.effective_database_url, pool_size=settings.db_pool_size)
    files = create_file_store(settings)
    redis = create_redis(settings.redis_url) if settings.redis_url else None
    # Without Redis there is one process: its own cache is all there is to tell.
    changes: UserChanges = LocalUserChanges() if redis is None else \
        RedisUserChanges(redis, scope=bot_scope(settings))
    return AppDeps(
        engine=engine,
        session_factory=create_session_factory(engine),
        files=files,
        redis=redis,
        services=ServiceDeps(files=files, config=service_config(settings), clock=clock,
                             user_changes=changes),
        clock=clock,
    )


def bot_scope(settings: Settings) -> str:
    """The bot's id (the token's public part): keys of two bots on one Redis never meet."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token \
        else ""
    return token.split(":", 1)[0] or "0"
