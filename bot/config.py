"""Settings read from the environment (and an optional .env file).

Built inside ``main()`` and passed down; nothing here runs at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

OFFICIAL_API_URL = "https://api.telegram.org"
# Telegram's cloud Bot API lets bots download files up to 20 MB; a self-hosted server, 2000 MB.
CLOUD_DOWNLOAD_LIMIT_MB = 20
LOCAL_DOWNLOAD_LIMIT_MB = 2000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = OFFICIAL_API_URL
    telegram_api_local: bool = False

    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_base_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None
    webhook_max_redeliveries: int = Field(default=5, ge=1)

    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8000, ge=0, le=65535)

    data_dir: Path = Path("data")
    database_url: str | None = None
    db_pool_size: int = Field(default=20, ge=1)
    redis_url: str | None = None

    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_prefix: str = "theses/"
    s3_backup_bucket: str | None = None
    staged_file_ttl_hours: float = Field(default=24, gt=0)

    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    max_file_mb: int = Field(default=20, ge=1, le=LOCAL_DOWNLOAD_LIMIT_MB)
    timezone: str = "UTC"
    review_sla_days: int = Field(default=3, ge=1)
    invite_ttl_days: int = Field(default=14, ge=1, le=365)

    notify_rate_per_second: float = Field(default=25.0, gt=0)
    notify_chat_rate_per_second: float = Field(default=1.0, gt=0)
    notify_max_attempts: int = Field(default=8, ge=1)
    flood_rate: int = Field(default=20, ge=1)
    flood_window_seconds: float = Field(default=10.0, gt=0)
    # What changed since the last version: limits of one comparison job (its child process).
    diff_timeout_seconds: float = Field(default=60.0, gt=0)
    diff_memory_mb: int = Field(default=512, ge=128)

    shutdown_timeout_seconds: float = Field(default=25.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_api_url", "webhook_base_url", "s3_endpoint_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'thesis.sqlite3').resolve()}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def uses_local_bot_api(self) -> bool:
        return self.telegram_api_url != OFFICIAL_API_URL

    @property
    def download_limit_mb(self) -> int:
        # The cloud Bot API refuses getFile above 20 MB whatever MAX_FILE_MB says.
        if self.uses_local_bot_api:
            return self.max_file_mb
        return min(self.max_file_mb, CLOUD_DOWNLOAD_LIMIT_MB)

    @property
    def webhook_url(self) -> str | None:
        if not self.webhook_base_url:
            return None
        return self.webhook_base_url + self.webhook_path

    def require_token(self) -> str:
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError("TELEGRAM_BOT_TOKEN is required to run the bot")
        return self.telegram_bot_token.get_secret_value()

    def check_mode(self) -> None:
        if self.bot_mode == "webhook":
            if not self.webhook_base_url:
                raise ConfigError("WEBHOOK_BASE_URL is required when BOT_MODE=webhook")
            if self.webhook_secret is None or not self.webhook_secret.get_secret_value():
                raise ConfigError("WEBHOOK_SECRET is required when BOT_MODE=webhook")


class ConfigError(Exception):
    """A configuration problem, reported as one line naming the variable."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        # Never echo the offending value: it may be a secret.
        raise ConfigError(f"{name}: {first['msg']}") from None
