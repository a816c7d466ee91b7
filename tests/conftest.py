"""Shared fixtures: the real PostgreSQL, Redis and an S3 server on loopback, the Bot API
emulator, and the bot itself started as in production, pointed at the emulator."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aioboto3
import asyncpg
import pytest
from redis.asyncio import Redis
from sqlalchemy import text

from bot.config import Settings, load_settings
from bot.deps import build_deps
from bot.ops.migrate import upgrade
from bot.runners import BotProcess
from sandbox.app import Sandbox, start_sandbox
from storage.models import Base
from tgemu import BotAPIEmulator, RecordedMessage

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

PG_ADMIN_DSN = os.environ.get("TEST_DATABASE_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- PostgreSQL -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_server_dsn() -> str:
    return PG_ADMIN_DSN


async def create_database(name: str) -> str:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    """A fresh database for this run, migrated to head with the real migrations."""
    name = f"thesis_test_{os.getpid()}_{secrets.token_hex(3)}"
    url = await create_database(name)
    await asyncio.to_thread(upgrade, url)
    yield url
    await drop_database(name)


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[str]:
    """The run's database, emptied before the test."""
    from storage.db import create_engine

    engine = create_engine(pg_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    yield pg_url


# --- S3 ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The S3 server started by dev.sh, or one of our own (moto in server mode)."""
    given = os.environ.get("TEST_S3_ENDPOINT_URL")
    if given:
        yield given
        return
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


# As infra/terraform/s3.tf configures both buckets: SSE-KMS by default, which the app relies on.
BUCKET_KMS_KEY = "alias/thesis-supervisor-s3"


async def create_bucket(endpoint: str, prefix: str) -> str:
    name = f"{prefix}-{secrets.token_hex(6)}"
    async with aioboto3.Session().client("s3", endpoint_url=endpoint,
                                         region_name="us-east-1") as s3:
        await s3.create_bucket(Bucket=name)
        await s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": BUCKET_KMS_KEY}}]})
    return name


@pytest.fixture
async def bucket(s3_endpoint: str) -> str:
    return await create_bucket(s3_endpoint, "theses")


async def bucket_keys(endpoint: str, bucket: str) -> list[str]:
    async with aioboto3.Session().client("s3", endpoint_url=endpoint,
                                         region_name="us-east-1") as s3:
        response = await s3.list_objects_v2(Bucket=bucket)
        return sorted(obj["Key"] for obj in response.get("Contents", []))


async def bucket_object(endpoint: str, bucket: str, key: str) -> dict[str, Any]:
    async with aioboto3.Session().client("s3", endpoint_url=endpoint,
                                         region_name="us-east-1") as s3:
        response = await s3.get_object(Bucket=bucket, Key=key)
        body = await response["Body"].read()
        return {"body": body, "sse": response.get("ServerSideEncryption")}


# --- Redis -----------------------------------------------------------------------------------

@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    yield REDIS_URL


# --- The emulator and the bot --------------------------------------------------------------

@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[BotAPIEmulator]:
    token = f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(20)}"
    emu = BotAPIEmulator(token=token, storage_dir=tmp_path / "telegram",
                         webhook_backoff=0.05)
    await emu.start()
    yield emu
    await emu.stop()


class Chat:
    """A person talking to the bot through the emulator."""

    def __init__(self, emu: BotAPIEmulator, user_id: int, name: str) -> None:
        self.emu = emu
        self.id = user_id
        self.name = name

    @property
    def bot_count(self) -> int:
        return len(self.emu.bot_messages(self.id))

    async def expect(self, count: int, since: int, timeout: float = 15) -> list[RecordedMessage]:
        await self.emu.wait_for_bot_messages(self.id, since + count, timeout=timeout)
        return self.emu.bot_messages(self.id)[since:]

    async def send(self, text: str, expect: int = 1, timeout: float = 15) -> list[RecordedMessage]:
        before = self.bot_count
        await self.emu.send_text(self.id, text)
        return await self.expect(expect, before, timeout) if expect else []

    async def say(self, text: str) -> str:
        """Send text and return the one reply's text (or caption)."""
        replies = await self.send(text, expect=1)
        return replies[-1].content or ""

    async def upload(self, data: bytes, file_name: str, expect: int = 1, **kw: Any) -> list[RecordedMessage]:
        before = self.bot_count
        await self.emu.send_document(self.id, data, file_name, **kw)
        return await self.expect(expect, before) if expect else []

    async def click(self, text: str, message_id: int | None = None,
                    expect: int = 1) -> list[RecordedMessage]:
        before = self.bot_count
        await self.emu.click_button(self.id, text, message_id)
        return await self.expect(expect, before) if expect else []

    def last(self) -> RecordedMessage:
        return self.emu.last_bot_message(self.id)


@dataclass
class Harness:
    emu: BotAPIEmulator
    process: BotProcess
    settings: Settings
    chats: dict[int, Chat] = field(default_factory=dict)

    def chat(self, user_id: int, first_name: str, last_name: str | None = None,
             language_code: str = "en") -> Chat:
        self.emu.add_user(user_id, first_name, last_name, language_code=language_code)
        chat = Chat(self.emu, user_id, f"{first_name} {last_name or ''}".strip())
        self.chats[user_id] = chat
        return chat

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.process.port}"


BotFactory = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def make_bot(emulator: BotAPIEmulator, db: str, bucket: str, s3_endpoint: str,
                   redis_url: str, tmp_path: Path) -> AsyncIterator[BotFactory]:
    """Start the real bot process (polling or webhook) against the emulator."""
    started: list[BotProcess] = []

    async def factory(mode: str = "polling", clock: Any = None, **overrides: Any) -> Harness:
        port = free_port()
        values: dict[str, Any] = dict(
            telegram_bot_token=emulator.token, telegram_api_url=emulator.base_url,
            bot_mode=mode, http_host="127.0.0.1", http_port=port, database_url=db,
            redis_url=redis_url, s3_bucket=bucket, s3_endpoint_url=s3_endpoint,
            admin_ids=[1], data_dir=tmp_path / "data", log_format="console",
            shutdown_timeout_seconds=5, notify_rate_per_second=200,
            notify_chat_rate_per_second=50,
        )
        if mode == "webhook":
            values.update(webhook_base_url=f"http://127.0.0.1:{port}",
                          webhook_secret="s3cr3t-" + secrets.token_hex(8))
        values.update(overrides)
        settings = load_settings(**values)
        # An injected clock (ManualClock) drives the services, the sender and the scheduler.
        process = BotProcess(settings, deps=build_deps(settings, clock=clock) if clock else None)
        await process.start()
        started.append(process)
        return Harness(emulator, process, settings)

    yield factory
    for process in started:
        await process.stop()
    redis = Redis.from_url(REDIS_URL)
    bot_id = emulator.token.split(":")[0]
    async for key in redis.scan_iter(f"fsm:{bot_id}:*"):
        await redis.delete(key)
    await redis.aclose()


@pytest.fixture
async def harness(make_bot: BotFactory) -> Harness:
    return await make_bot()


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """The sandbox (no token) on a free port, its embedded defaults."""
    # Explicit Nones: the embedded defaults whatever the environment or a .env file says.
    settings = load_settings(
        data_dir=tmp_path / "data", database_url=None, redis_url=None, s3_bucket=None,
        log_format="console", shutdown_timeout_seconds=5, notify_rate_per_second=200,
        notify_chat_rate_per_second=50, flood_rate=1000)
    sb = await start_sandbox(settings, port=free_port())
    yield sb
    await sb.stop()
