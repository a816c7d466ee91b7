"""Processes, databases, the S3 server and /proc readings for the benchmark driver."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_DSN = os.environ.get("TEST_DATABASE_ADMIN_DSN",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1"}
for _key, _value in AWS_ENV.items():
    os.environ.setdefault(_key, _value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- PostgreSQL --------------------------------------------------------------------------

def pg_dsn(name: str) -> str:
    return PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name


def sa_url(name: str) -> str:
    return pg_dsn(name).replace("postgresql://", "postgresql+asyncpg://", 1)


async def create_database(name: str) -> str:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return sa_url(name)


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def migrate(url: str) -> None:
    from bot.ops.migrate import upgrade

    await asyncio.to_thread(upgrade, url)


# --- S3 --------------------------------------------------------------------------------------

class S3Server:
    """The S3 server given by TEST_S3_ENDPOINT_URL, or a moto server of our own."""

    def __init__(self) -> None:
        self.url = os.environ.get("TEST_S3_ENDPOINT_URL", "")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        if self.url:
            return self.url
        port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **AWS_ENV})
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return self.url
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("the S3 server (moto) did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc = None


def s3_client(endpoint: str) -> Any:
    import aioboto3
    from botocore.config import Config

    return aioboto3.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}))


async def create_bucket(endpoint: str, name: str) -> None:
    async with s3_client(endpoint) as s3:
        await s3.create_bucket(Bucket=name)


async def drop_bucket(endpoint: str, name: str) -> None:
    async with s3_client(endpoint) as s3:
        with contextlib.suppress(Exception):
            listed = await s3.list_objects_v2(Bucket=name)
            for obj in listed.get("Contents", []):
                await s3.delete_object(Bucket=name, Key=obj["Key"])
            uploads = await s3.list_multipart_uploads(Bucket=name)
            for up in uploads.get("Uploads", []):
                await s3.abort_multipart_upload(Bucket=name, Key=up["Key"],
                                                UploadId=up["UploadId"])
            await s3.delete_bucket(Bucket=name)


# --- Redis -------------------------------------------------------------------------------------

async def drop_redis_keys(pattern: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        async for key in redis.scan_iter(pattern, count=1000):
            await redis.delete(key)
    finally:
        await redis.aclose()


# --- /proc -------------------------------------------------------------------------------------

def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount, _unit = line.split()
                values[name[:-1]] = int(amount) * 1024
    return values


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux clear_refs 5); False where not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class RssSampler:
    """Samples a process's VmRSS in a thread, every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.005) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, KeyError):
                self.peak = max(self.peak, proc_status(self.pid)["VmRSS"])
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- child processes --------------------------------------------------------------------------

@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    started_at: float
    ready_after: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int:
        return proc_status(self.pid)["VmRSS"]

    async def wait_ready(self, path: str = "/ready", limit: float = 60) -> float:
        """Seconds from process start to the first 200 on ``path``."""
        deadline = time.monotonic() + limit
        async with aiohttp.ClientSession() as http:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; "
                                       f"see {self.log_path}:\n{tail(self.log_path)}")
                with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
                    async with http.get(self.base + path,
                                        timeout=aiohttp.ClientTimeout(total=2)) as resp:
                        if resp.status == 200:
                            self.ready_after = time.monotonic() - self.started_at
                            return self.ready_after
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} not ready after {limit}s; "
                                       f"see {self.log_path}:\n{tail(self.log_path)}")
                await asyncio.sleep(0.01)

    def stop(self, timeout: float = 20) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        log = self.extra.get("log_handle")
        if log is not None:
            log.close()


def tail(path: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def spawn(name: str, args: list[str], env: dict[str, str], port: int, logs: Path) -> Child:
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{name}.log"
    handle: IO[bytes] = open(log_path, "ab")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return Child(name, proc, port, log_path, started, extra={"log_handle": handle})


def new_token() -> str:
    return f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(24)}"


@contextlib.contextmanager
def timer() -> Iterator[list[float]]:
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)
