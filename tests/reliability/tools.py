"""Fault injection and bookkeeping for the reliability suite.

- ``TcpProxy``: a loopback TCP proxy in front of PostgreSQL or the S3 server that a test
  can cut (open connections reset, new ones refused) and restore.
- ``RedisServer``: a throwaway redis-server of our own that a test can stop and start,
  so the machine's shared Redis is never touched.
- ``Tally``: the figures printed at the end of the run, counted by the tests themselves.
- Raw updates and webhook posts, for what the emulator's user side cannot produce.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.conftest import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.cuts = 0

    @property
    def up(self) -> bool:
        return self._server is not None

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                if dst.transport is not None:
                    dst.transport.abort()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            self._writers.discard(writer)
            self._writers.discard(up_writer)

    async def cut(self) -> None:
        """Refuse new connections and reset the open ones, like a crashed server."""
        self.cuts += 1
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        await asyncio.sleep(0)

    async def restore(self) -> None:
        if self._server is None:
            await self.start()

    async def close(self) -> None:
        await self.cut()


class RedisServer:
    """A redis-server of our own on a free port, in a temporary directory."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                import socket

                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            time.sleep(0.05)
        raise RuntimeError("our redis-server did not start")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(10)
            self._proc = None


@dataclass
class Tally:
    """Figures for the summary line, each counted where it happens."""

    bad_inputs: int = 0
    polite: int = 0
    unhandled: int = 0
    sent: int = 0
    lost: int = 0
    duplicates: int = 0
    tests: int = 0
    notes: list[str] = field(default_factory=list)

    def bad_input(self, name: str, polite: bool) -> None:
        self.bad_inputs += 1
        if polite:
            self.polite += 1
        else:
            self.notes.append(f"not polite: {name}")

    def delivered(self, sent: int, handled: int) -> None:
        """``sent`` updates that each had to have its effect; ``handled`` did."""
        self.sent += sent
        self.lost += max(sent - handled, 0)

    def effects(self, expected: int, observed: int) -> None:
        self.duplicates += max(observed - expected, 0)

    def line(self) -> str:
        return (f"reliability: bad inputs tried {self.bad_inputs}, answered politely "
                f"{self.polite}, unhandled exceptions {self.unhandled}, updates lost "
                f"{self.lost}, duplicate effects {self.duplicates}")


TALLY = Tally()

_update_ids = itertools.count(5_000_000)
_message_ids = itertools.count(900_000)


def user_dict(user_id: int, first_name: str = "User", language: str = "en") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language}


def private_chat(user_id: int, first_name: str = "User") -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": first_name}


def text_update(user_id: int, text: str, update_id: int | None = None,
                first_name: str = "User") -> dict[str, Any]:
    """A raw update carrying a private text message (commands get their entity)."""
    message: dict[str, Any] = {
        "message_id": next(_message_ids), "date": int(time.time()),
        "chat": private_chat(user_id, first_name), "from": user_dict(user_id, first_name),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return {"update_id": update_id if update_id is not None else next(_update_ids),
            "message": message}


def message_update(chat: dict[str, Any], sender: dict[str, Any] | None,
                   **content: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": next(_message_ids), "date": int(time.time()),
                               "chat": chat, **content}
    if sender is not None:
        message["from"] = sender
    return message


async def post_webhook(port: int, path: str, update: dict[str, Any],
                       secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session, session.post(
            f"http://127.0.0.1:{port}{path}", json=update, headers=headers,
            timeout=aiohttp.ClientTimeout(total=30)) as response:
        await response.read()
        return response.status


async def get_status(url: str) -> int:
    try:
        async with aiohttp.ClientSession() as session, session.get(
                url, timeout=aiohttp.ClientTimeout(total=5)) as response:
            await response.read()
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return 0


async def raw_post(port: int, path: str, headers: list[tuple[bytes, bytes]],
                   body: bytes) -> int:
    """POST exactly these bytes (no client library to refuse a header or fix a body) and
    return the status code."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [b"POST " + path.encode() + b" HTTP/1.1", b"Host: 127.0.0.1",
             b"Content-Type: application/json", b"Content-Length: " + str(len(body)).encode(),
             b"Connection: close", *(name + b": " + value for name, value in headers)]
    writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
    await writer.drain()
    try:
        status_line = await asyncio.wait_for(reader.readline(), 30)
        await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return int(status_line.split()[1])


class LoadBalancer:
    """Round-robin HTTP proxy in front of webhook replicas, as a cloud load balancer is: a
    backend that refuses the connection is skipped, one that drops a request mid-way is a 502
    (Telegram then redelivers). Counts the requests each backend has in flight."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.in_flight = dict.fromkeys(backends, 0)
        self.port = free_port()
        self._next = itertools.count()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    async def start(self) -> LoadBalancer:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._client = aiohttp.ClientSession()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        first = next(self._next)
        for i in range(len(self.backends)):
            backend = self.backends[(first + i) % len(self.backends)]
            self.in_flight[backend] += 1
            try:
                async with self._client.request(
                        request.method, f"http://127.0.0.1:{backend}{request.path_qs}",
                        data=body, headers={k: v for k, v in request.headers.items()
                                            if k.lower() not in {"host", "content-length"}},
                        timeout=aiohttp.ClientTimeout(total=60)) as response:
                    payload = await response.read()
                    return web.Response(body=payload, status=response.status, headers={
                        k: v for k, v in response.headers.items()
                        if k.lower() in {"content-type"}})
            except aiohttp.ClientConnectorError:
                continue  # not listening: try the next one
            except (aiohttp.ClientError, OSError):
                return web.Response(status=502, text="bad gateway")
            finally:
                self.in_flight[backend] -= 1
        return web.Response(status=502, text="no backend")

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()
