"""Settings read from the environment (and an optional .env file).

Built inside ``main()`` and passed down; nothing here runs at import time.
"""

from __future__ import annotations

import hashlib
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
    # Progress on long work (telegram/progress.py): a file above this gets a progress message.
    progress_min_mb: float = Field(default=5, ge=0)
    progress_edit_interval_seconds: float = Field(default=2.0, gt=0)
    progress_action_interval_seconds: float = Field(default=4.0, gt=0)
    # A file above this is handed to the upload worker (bot/workers/uploads.py), which may
    # take longer than the webhook's deadline.
    background_upload_mb: float = Field(default=50, gt=0)
    upload_lease_seconds: float = Field(default=15, gt=0)
    timezone: str = "UTC"
    review_sla_days: int = Field(default=3, ge=1)
    # A student with no version, comment or meeting for this long is silent (/students, digest).
    silent_days: int = Field(default=14, ge=1, le=365)
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    # Topics: open applications a student may have at once; days an unanswered application
    # waits before it is declined on its own (the supervisor is reminded 3 days before).
    max_open_applications: int = Field(default=3, ge=1, le=50)
    application_auto_decline_days: int = Field(default=21, ge=4, le=365)

    notify_rate_per_second: float = Field(default=25.0, gt=0)
    notify_chat_rate_per_second: float = Field(default=1.0, gt=0)
    notify_max_attempts: int = Field(default=8, ge=1)
    flood_rate: int = Field(default=20, ge=1)
    flood_window_seconds: float = Field(default=10.0, gt=0)
    # What changed since the last version: limits of one comparison job (its child process).
    diff_timeout_seconds: float = Field(default=60.0, gt=0)
    diff_memory_mb: int = Field(default=512, ge=128)
    # Text shared with other theses: above this share the card is marked ⚠️.
    similarity_alert_percent: float = Field(default=10.0, ge=0, le=100)
    # After Approve, how long the student's notice waits for a comment or grade (or Done).
    decision_quiet_seconds: float = Field(default=15.0, ge=0, le=15)

    # Where people reach this app's HTTP port (calendar feeds, export download links).
    public_base_url: str | None = None
    # Key of the calendar feed URLs (secret); empty means one derived from the bot token.
    link_secret: SecretStr | None = None
    telegram_upload_limit_mb: int = Field(default=50, ge=1, le=2000)
    export_link_ttl_hours: float = Field(default=24.0, gt=0)
    # The assessment: days the markers have to agree before an admin is asked for a third.
    agreement_days: int = Field(default=7, ge=1, le=365)
    # Archive: a released thesis is anonymised this many years after its release.
    retention_years: int = Field(default=5, ge=1, le=100)

    shutdown_timeout_seconds: float = Field(default=25.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)

    # The Mini App and its JSON API (api/, webapp/): off unless WEBAPP_URL is set.
    webapp_url: str | None = None
    jwt_secret_key: SecretStr | None = None
    webapp_auth_max_age_seconds: int = Field(default=3600, ge=60)
    # How many proxies in front of the app append to X-Forwarded-For (nginx: 1).
    trusted_proxy_hops: int = Field(default=1, ge=0, le=10)
    jwt_ttl_seconds: int = Field(default=3600, ge=60, le=86400)

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

    @field_validator("webapp_url")
    @classmethod
    def _webapp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL, e.g. https://bot.example.edu/app/")
        return value if value.endswith("/") else value + "/"

    @field_validator("telegram_api_url", "webhook_base_url", "s3_endpoint_url",
                     "public_base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'thesis.sqlite3').resolve()}"

    @property
    def effective_public_base_url(self) -> str:
        if self.public_base_url:
            return self.public_base_url
        if self.webhook_base_url:
            return self.webhook_base_url
        host = "127.0.0.1" if self.http_host in ("0.0.0.0", "::") else self.http_host
        return f"http://{host}:{self.http_port}"

    @property
    def link_key(self) -> bytes:
        """The key of calendar URLs: LINK_SECRET, else derived from the bot token (a new
        token then gives everyone new URLs)."""
        secret = self.link_secret or self.telegram_bot_token
        raw = secret.get_secret_value() if secret is not None else "no-token"
        return hashlib.sha256(b"thesis-supervisor-links:" + raw.encode()).digest()

    @property
    def receipt_key(self) -> bytes:
        """The key receipts are signed with (HMAC-SHA256): derived like ``link_key`` from
        LINK_SECRET, else from the bot token, for another purpose."""
        secret = self.link_secret or self.telegram_bot_token
        raw = secret.get_secret_value() if secret is not None else "no-token"
        return hashlib.sha256(b"thesis-supervisor-receipts:" + raw.encode()).digest()

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
        self.check_webapp()

    @property
    def webapp_enabled(self) -> bool:
        return self.webapp_url is not None

    def check_webapp(self) -> None:
        if not self.webapp_enabled:
            return
        key = self.jwt_secret_key.get_secret_value() if self.jwt_secret_key else ""
        if not key:
            raise ConfigError("JWT_SECRET_KEY is required when WEBAPP_URL is set")
        if len(key) < 32:
            # HS256 with a short key can be brute-forced offline from one token.
            raise ConfigError("JWT_SECRET_KEY must be at least 32 characters")


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
