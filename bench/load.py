"""Updates as Telegram sends them, posted straight to a bot's webhook; latency statistics."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_update_ids = itertools.count(1)
BOT_USER = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
            "language_code": "en"}


def _chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": f"User{user_id}"}


def message(user_id: int, text: str | None = None,
            document: dict[str, Any] | None = None) -> bytes:
    uid = next(_update_ids)
    body: dict[str, Any] = {"message_id": uid, "date": int(time.time()),
                            "chat": _chat(user_id), "from": _user(user_id)}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0,
                                 "length": len(text.split()[0])}]
    if document is not None:
        body["document"] = document
    return json.dumps({"update_id": uid, "message": body}).encode()


def callback(user_id: int, data: str) -> bytes:
    uid = next(_update_ids)
    card = {"message_id": 1, "date": int(time.time()), "chat": _chat(user_id),
            "from": BOT_USER, "text": "A thesis card"}
    return json.dumps({"update_id": uid, "callback_query": {
        "id": f"{uid}{random.randrange(10**9):09d}", "from": _user(user_id), "message": card,
        "chat_instance": str(user_id), "data": data}}).encode()


@dataclass
class Target:
    name: str
    url: str
    secret: str


class Poster:
    """One HTTP client for the load: keeps connections to the webhook alive."""

    def __init__(self, connections: int = 128) -> None:
        self._connections = connections
        self._http: aiohttp.ClientSession | None = None
        self.errors: list[str] = []

    async def __aenter__(self) -> Poster:
        self._http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._connections),
            timeout=aiohttp.ClientTimeout(total=600))
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._http is not None
        await self._http.close()

    async def post(self, target: Target, payload: bytes) -> float:
        """Seconds from sending the update to the webhook's answer (the whole update)."""
        assert self._http is not None
        started = time.perf_counter()
        try:
            async with self._http.post(
                    target.url, data=payload,
                    headers={"Content-Type": "application/json",
                             SECRET_HEADER: target.secret}) as resp:
                await resp.read()
                if resp.status != 200:
                    self.errors.append(f"{target.name}: HTTP {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.errors.append(f"{target.name}: {type(exc).__name__}")
        return time.perf_counter() - started


# A script is what one person does in a row: a list of (kind, update factory).
Step = tuple[str, Any]


@dataclass
class Actor:
    """The users one load worker owns (no two workers ever write to one chat)."""

    scripts: list[list[Step]]


@dataclass
class RunResult:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0


async def closed_loop(poster: Poster, target: Target, actors: Sequence[Actor],
                      seconds: float, seed: int = 1) -> RunResult:
    """``len(actors)`` workers, each sending its next update as soon as the previous one is
    answered, for ``seconds``; a script started before the end is finished."""
    result = RunResult()
    deadline = time.perf_counter() + seconds

    async def worker(index: int, actor: Actor) -> None:
        rng = random.Random(seed * 1000 + index)
        while time.perf_counter() < deadline:
            for kind, make in rng.choice(actor.scripts):
                latency = await poster.post(target, make())
                result.latencies.append(latency)
                result.by_kind.setdefault(kind, []).append(latency)

    started = time.perf_counter()
    await asyncio.gather(*(worker(i, a) for i, a in enumerate(actors)))
    result.elapsed = time.perf_counter() - started
    return result


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)) - 1, 0)
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")
