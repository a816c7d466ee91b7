"""Reliability suite fixtures: our own Redis, proxies to cut PostgreSQL and S3, a patient
emulator (Telegram retries webhooks for a long time), JSON logs captured for the whole run,
every test watched for unexpected errors, and the summary line at the end of the run."""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

from bot.logging import setup_logging
from tests.conftest import PG_ADMIN_DSN
from tests.reliability.tools import TALLY, RedisServer, TcpProxy
from tgemu import BotAPIEmulator

# Error-level events that are the designed outcome, not a fault.
EXPECTED_EVENTS = {"update_given_up"}


class LogCapture:
    """Every line the bot logged, parsed: our own events and other libraries' records alike
    (both are rendered as JSON lines on the same output)."""

    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines() if line]

    def events(self, start: int = 0) -> list[dict[str, Any]]:
        return [{**event, "_level": logging.getLevelName(event.get("level", "info").upper()),
                 "_logger": event.get("logger"), "_exc": event.get("exception")}
                for event in self.records[start:]]


class Logs:
    def __init__(self, capture: LogCapture, stream: io.StringIO) -> None:
        self.capture = capture
        self.stream = stream

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture(scope="session")
def logs() -> Iterator[Logs]:
    """Production logging (structlog, JSON) for the whole run, into a buffer we can search."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    setup_logging("INFO", "json", stream=stream)
    yield Logs(LogCapture(stream), stream)
    setup_logging("INFO", "json")  # our events back to stdout
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


class Expect:
    """What a test declares it provokes on purpose."""

    def __init__(self) -> None:
        self.errors = 0


@pytest.fixture(autouse=True)
async def watch(logs: Logs, request: pytest.FixtureRequest) -> AsyncIterator[Expect]:
    """Every error-level log line during a test is an unhandled exception unless declared."""
    start = len(logs.capture.records)
    expect = Expect()
    yield expect
    errors = [e for e in logs.capture.events(start)
              if e["_level"] >= logging.ERROR and e.get("event") not in EXPECTED_EVENTS]
    TALLY.tests += 1
    unexpected = len(errors) - expect.errors
    TALLY.unhandled += max(unexpected, 0)
    assert unexpected <= 0, [(e["_logger"], e.get("event"), e.get("error_type"),
                             repr(e["_exc"])) for e in errors]


@pytest.fixture(scope="session")
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def redis_url(own_redis: RedisServer) -> AsyncIterator[str]:
    """Overrides the shared Redis: ours can be stopped without disturbing anyone."""
    if own_redis._proc is None:
        own_redis.start()
    yield own_redis.url
    if own_redis._proc is None:
        own_redis.start()


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[BotAPIEmulator]:
    """Like Telegram, keeps retrying a failed webhook delivery for a long while."""
    token = f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(20)}"
    emu = BotAPIEmulator(token=token, storage_dir=tmp_path / "telegram",
                         webhook_backoff=0.15, webhook_max_attempts=80)
    await emu.start()
    yield emu
    await emu.stop()
    # An update Telegram gave up on is an update lost.
    TALLY.lost += len(emu.undelivered_updates)


@pytest.fixture
async def pg_proxy() -> AsyncIterator[TcpProxy]:
    dsn = urlsplit(PG_ADMIN_DSN)
    proxy = await TcpProxy(dsn.hostname or "127.0.0.1", dsn.port or 5432).start()
    yield proxy
    await proxy.close()


@pytest.fixture
def db_via_proxy(db: str, pg_proxy: TcpProxy) -> str:
    """The test database through the proxy, with a password in the URL (trust ignores it)."""
    url = make_url(db).set(host="127.0.0.1", port=pg_proxy.port, password=DB_PASSWORD)
    return url.render_as_string(hide_password=False)


DB_PASSWORD = "pw-" + secrets.token_hex(12)


@pytest.fixture
async def s3_proxy(s3_endpoint: str) -> AsyncIterator[TcpProxy]:
    target = urlsplit(s3_endpoint)
    proxy = await TcpProxy(target.hostname or "127.0.0.1", target.port or 80).start()
    yield proxy
    await proxy.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TALLY.tests:
        terminalreporter.write_line(TALLY.line())
        for note in TALLY.notes:
            terminalreporter.write_line(f"  {note}")
