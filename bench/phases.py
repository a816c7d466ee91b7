"""The six measures. Each returns plain data for the report; none asserts on timings."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench import fixtures, infra
from bench.fixtures import ADMIN_ID, Shape
from bench.load import (
    Actor,
    Poster,
    RunResult,
    Step,
    Target,
    callback,
    closed_loop,
    median,
    message,
    percentile,
)

WEBHOOK_PATH = "/telegram/webhook"
MiB = 1024 * 1024


@dataclass
class Config:
    quick: bool
    reps: int
    levels: tuple[int, ...]
    run_seconds: float
    warmup_seconds: float
    mix: Shape
    mix2: Shape
    small: Shape
    large: Shape
    scale_samples: int
    upload_sizes: tuple[int, ...]
    notifications: int
    notify_chats: int
    notify_rate: float
    profile: bool

    @classmethod
    def make(cls, quick: bool) -> Config:
        if quick:
            return cls(quick=True, reps=1, levels=(1, 4), run_seconds=1.0, warmup_seconds=0.3,
                       mix=Shape(4, 6, with_thesis=4, max_versions=4),
                       mix2=Shape(4, 5, with_thesis=5, max_versions=4),
                       small=Shape(2, 30, 30, max_versions=24),
                       large=Shape(6, 30, 30, max_versions=24, outbox=True),
                       scale_samples=3, upload_sizes=(2 * MiB,), notifications=100,
                       notify_chats=50, notify_rate=200.0, profile=False)
        return cls(quick=False, reps=3, levels=(1, 16, 64), run_seconds=10.0,
                   warmup_seconds=2.0,
                   mix=Shape(64, 6, with_thesis=4, max_versions=4),
                   # 200 students who each submitted (1-4 versions), 20 supervisors.
                   mix2=Shape(20, 10, with_thesis=10, max_versions=4),
                   small=Shape(32, 30, 30, max_versions=24),
                   large=Shape(3226, 30, 30, max_versions=24, outbox=True),
                   scale_samples=40, upload_sizes=(20 * MiB, 100 * MiB),
                   notifications=10_000, notify_chats=1_000, notify_rate=200.0, profile=True)


@dataclass
class Env:
    """What every phase shares: the emulator, S3, the run's name and its log folder."""

    run_id: str
    token: str
    emulator: infra.Child
    s3_url: str
    bucket: str
    logs: Path
    tmp: Path
    databases: list[str] = field(default_factory=list)
    children: list[infra.Child] = field(default_factory=list)

    @property
    def bot_id(self) -> str:
        return self.token.split(":")[0]

    async def emu(self, method: str, path: str, payload: Any = None) -> Any:
        async with aiohttp.ClientSession() as http, http.request(
                method, self.emulator.base + path, json=payload) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def add_users(self, ids: list[int]) -> None:
        for start in range(0, len(ids), 5000):
            await self.emu("POST", "/_bench/users",
                           [[i, f"User{i}"] for i in ids[start:start + 5000]])

    async def database(self, label: str) -> tuple[str, str]:
        name = f"bench_{os.getpid()}_{label}"
        url = await infra.create_database(name)
        self.databases.append(name)
        await infra.migrate(url)
        return name, url

    def start_bot(self, name: str, db_url: str, module: str = "bot",
                  **extra: str) -> tuple[infra.Child, Target]:
        port = infra.free_port()
        secret = "bench-" + secrets.token_hex(8)
        env = {
            "TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_URL": self.emulator.base,
            "TELEGRAM_API_LOCAL": "false", "BOT_MODE": "webhook",
            "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}", "WEBHOOK_SECRET": secret,
            "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "DATABASE_URL": db_url,
            "REDIS_URL": infra.REDIS_URL, "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.s3_url, "ADMIN_IDS": str(ADMIN_ID),
            "MAX_FILE_MB": "200", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
            "DATA_DIR": str(self.tmp / name), "SHUTDOWN_TIMEOUT_SECONDS": "5",
            # The driver replays one person's updates far faster than anyone types: keep
            # flood control's Redis check, never its drop.
            "FLOOD_RATE": "1000000",
            # Uploads run with their progress shown (issue 22): every measured file gets the
            # progress message, its edits and the chat action; and they are received in the
            # webhook request (the pipeline measured), never handed to the upload worker.
            "PROGRESS_MIN_MB": "0.5", "BACKGROUND_UPLOAD_MB": "1000",
            **infra.AWS_ENV, **extra,
        }
        args = ["-m", module] + (["run"] if module == "bot" else [])
        child = infra.spawn(name, args, env, port, self.logs)
        self.children.append(child)
        return child, Target(name, child.base + WEBHOOK_PATH, secret)

    def start_floor(self, name: str = "floor") -> tuple[infra.Child, Target]:
        port = infra.free_port()
        secret = "bench-" + secrets.token_hex(8)
        env = {"TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_URL": self.emulator.base,
               "HTTP_PORT": str(port), "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}",
               "WEBHOOK_SECRET": secret, "REDIS_URL": infra.REDIS_URL}
        child = infra.spawn(name, ["-m", "bench.floor_bot"], env, port, self.logs)
        self.children.append(child)
        return child, Target(name, child.base + WEBHOOK_PATH, secret)

    def stop(self, child: infra.Child) -> None:
        child.stop()
        with contextlib.suppress(ValueError):
            self.children.remove(child)


def summarize(runs: list[RunResult]) -> dict[str, float]:
    """Medians over repetitions of each run's throughput and percentiles."""
    return {
        "throughput": median([r.throughput for r in runs]),
        "p50": median([percentile(r.latencies, 50) for r in runs]) * 1000,
        "p95": median([percentile(r.latencies, 95) for r in runs]) * 1000,
        "p99": median([percentile(r.latencies, 99) for r in runs]) * 1000,
        "updates": sum(r.count for r in runs),
    }


# --- 1. floor vs full bot ------------------------------------------------------------------

async def pending_submissions(dsn: str) -> dict[int, int]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT t.student_id, s.id FROM theses t JOIN submissions s ON "
            "s.thesis_id = t.id AND s.version = t.latest_version WHERE t.status = 'submitted'")
        return {r["student_id"]: r["id"] for r in rows}
    finally:
        await conn.close()


def mix_actors(shape: Shape, pending: dict[int, int], workers: int) -> list[Actor]:
    """Worker w owns supervisors w+1, w+1+workers, ... and their students."""
    actors = []
    for w in range(workers):
        scripts: list[list[Any]] = []
        for sup in range(w + 1, shape.supervisors + 1, workers):
            sup_id = shape.supervisor_id(sup)
            scripts += [[("queue", lambda s=sup_id: message(s, "/queue"))]] * 4
            for k in range(shape.per_supervisor):
                student = shape.student_id(sup, k)
                if k < shape.with_thesis:
                    scripts += [[("status", lambda u=student: message(u, "/status"))]] * 3
                    scripts += [[("history", lambda u=student: message(u, "/history"))]] * 2
                    if student in pending:
                        data = f"rv:c:{pending[student]}"
                        scripts.append([
                            ("press", lambda s=sup_id, d=data: callback(s, d)),
                            ("cancel", lambda s=sup_id: message(s, "/cancel"))])
                else:
                    scripts += [[
                        ("submit", lambda u=student: message(u, "/submit")),
                        ("title", lambda u=student: message(u, f"On benchmarks, part {u}")),
                        ("cancel", lambda u=student: message(u, "/cancel"))]] * 3
        actors.append(Actor(scripts))
    return actors


def students_mix_actors(shape: Shape, workers: int) -> list[Actor]:
    """Mix 2: students ask ``/status``, ``/history`` and ``/help``; supervisors ``/queue``,
    ``/students`` and ``/help``. Everyone is dealt to the workers in turn (each chat has one
    worker)."""
    people: list[list[list[Step]]] = []
    for sup in range(1, shape.supervisors + 1):
        sup_id = shape.supervisor_id(sup)
        people.append([[(kind, lambda s=sup_id, c=command: message(s, c))]
                       for kind, command in (("queue", "/queue"), ("students", "/students"),
                                             ("help", "/help"))])
        for k in range(shape.per_supervisor):
            student = shape.student_id(sup, k)
            people.append([[(kind, lambda u=student, c=command: message(u, c))]
                           for kind, command in (("status", "/status"),
                                                 ("history", "/history"), ("help", "/help"))])
    if len(people) < workers:
        raise ValueError(f"{len(people)} people cannot keep {workers} workers apart")
    return [Actor([script for person in people[w::workers] for script in person])
            for w in range(workers)]


async def floor_vs_bot(env: Env, cfg: Config, log: Any) -> dict[str, Any]:
    """Mix 1: the conversation mix of issue 9 (status, history, queue, press, submit)."""
    return await _throughput(env, cfg, log, "mix", cfg.mix, with_pending=True,
                             profile=cfg.profile)


async def students_mix(env: Env, cfg: Config, log: Any) -> dict[str, Any]:
    """Mix 2 (issue 33): 200 students who each submitted, and their supervisors."""
    return await _throughput(env, cfg, log, "students", cfg.mix2, with_pending=False,
                             profile=False)


async def _answered(env: Env) -> int:
    """Messages the bot sent since the emulator's last reset."""
    counts = await env.emu("GET", "/_bench/counts")
    return int(sum(counts["chats"].values()))


async def _throughput(env: Env, cfg: Config, log: Any, label: str, shape: Shape, *,
                      with_pending: bool, profile: bool) -> dict[str, Any]:
    _name, url = await env.database(label)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    counts = await fixtures.load(dsn, shape)
    users = [ADMIN_ID] + [shape.supervisor_id(s) for s in range(1, shape.supervisors + 1)]
    users += [STU for s in range(1, shape.supervisors + 1) for STU in shape.students_of(s)]
    await env.add_users(users)
    bot_name = f"bot-{label}"
    bot, bot_target = env.start_bot(bot_name, url)
    floor, floor_target = env.start_floor(f"floor-{label}")
    await bot.wait_ready()
    await floor.wait_ready()
    await asyncio.sleep(1.0)
    startup = {"bot": {"ready": bot.ready_after, "rss": bot.rss()},
               "floor": {"ready": floor.ready_after, "rss": floor.rss()}}
    if with_pending:
        pending = await pending_submissions(dsn)
        actors = {c: mix_actors(shape, pending, c) for c in cfg.levels}
    else:
        actors = {c: students_mix_actors(shape, c) for c in cfg.levels}
    # Per-kind latencies and the profile come from concurrency 16 (the target's), or the
    # highest level run.
    focus = 16 if 16 in cfg.levels else cfg.levels[-1]
    runs: dict[tuple[str, int], list[RunResult]] = {}
    kinds: Counter[str] = Counter()
    kind_latency: dict[str, list[float]] = {}
    async with Poster(connections=max(cfg.levels) * 2) as poster:
        for rep in range(cfg.reps):
            for i, level in enumerate(cfg.levels):
                order = [floor_target, bot_target] if (rep + i) % 2 == 0 \
                    else [bot_target, floor_target]
                for target in order:
                    await env.emu("POST", "/_bench/reset")
                    await closed_loop(poster, target, actors[level], cfg.warmup_seconds,
                                      seed=rep + 100)
                    await env.emu("POST", "/_bench/reset")
                    result = await closed_loop(poster, target, actors[level],
                                               cfg.run_seconds, seed=rep)
                    answered = await _answered(env)
                    if not result.count or not answered:
                        # A run that measured nothing must not print nan/s as a result.
                        raise RuntimeError(
                            f"{target.name} at concurrency {level}: {result.count} updates "
                            f"posted, {answered} messages sent; errors: {poster.errors[:5]}")
                    runs.setdefault((target.name, level), []).append(result)
                    if target is bot_target:
                        kinds.update({k: len(v) for k, v in result.by_kind.items()})
                        if level == focus:
                            for k, v in result.by_kind.items():
                                kind_latency.setdefault(k, []).extend(v)
                    log(f"  rep {rep + 1} c={level:<3} {target.name:10} "
                        f"{result.throughput:7.1f} upd/s  p50 "
                        f"{percentile(result.latencies, 50) * 1000:6.1f} ms  p99 "
                        f"{percentile(result.latencies, 99) * 1000:6.1f} ms")
        profiled = None
        if profile:
            profiled = await profile_bot(env, poster, bot, bot_target, actors[focus], log)
        errors = list(poster.errors)
    table = {}
    for level in cfg.levels:
        table[level] = {"floor": summarize(runs[(floor_target.name, level)]),
                        "bot": summarize(runs[(bot_name, level)])}
    rss = {"bot": bot.rss(), "floor": floor.rss()}
    env.stop(floor)
    live = None
    if cfg.quick and with_pending:
        live = (bot, bot_target)  # the smoke run reuses it for the upload
    else:
        env.stop(bot)
    total = sum(kinds.values()) or 1
    per_kind = {k: {"share": n / total, "p50": percentile(kind_latency.get(k, []), 50) * 1000,
                    "p99": percentile(kind_latency.get(k, []), 99) * 1000}
                for k, n in kinds.most_common()}
    return {"dataset": counts, "table": table, "errors": errors, "per_kind": per_kind,
            "rss_after": rss, "profile": profiled, "mix_url": url, "dsn": dsn,
            "startup": startup, "_bot": live}


async def profile_bot(env: Env, poster: Poster, bot: infra.Child, target: Target,
                      actors: list[Actor], log: Any, seconds: float = 10) -> dict[str, Any] | None:
    """py-spy (if installed) on the bot under the concurrency-16 mix; where CPU goes."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        log("  (py-spy not installed in the venv: no profile)")
        return None
    out = env.logs / "bot-mix.pyspy.txt"
    proc = subprocess.Popen(  # noqa: ASYNC220 - a quick spawn, outside any timing
        [str(spy), "record", "--pid", str(bot.pid), "--duration", str(int(seconds)),
         "--rate", "200", "--format", "raw", "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await asyncio.sleep(0.5)
    await closed_loop(poster, target, actors, seconds, seed=999)
    await asyncio.to_thread(proc.wait, 60)
    if not out.exists():
        return None
    return summarize_profile(out)


AREAS = [
    ("sqlalchemy/", "SQLAlchemy"), ("asyncpg/", "asyncpg"), ("aiogram/", "aiogram"),
    ("pydantic", "pydantic"), ("aiohttp/", "aiohttp"), ("redis/", "redis-py"),
    ("structlog/", "structlog"), ("prometheus_client/", "prometheus"),
    ("handlers/", "bot: handlers"), ("services/", "bot: services"),
    ("storage/", "bot: storage"), ("bot/", "bot: bot/"),
    ("concurrent/futures/", "thread pool (aiogram runs sync filters in threads)"),
    ("threading.py", "thread pool (aiogram runs sync filters in threads)"),
    ("asyncio/selector_events.py", "asyncio socket I/O (syscalls)"),
    ("asyncio/", "asyncio event loop"), ("selectors.py", "asyncio event loop"),
]
PEERS = [("asyncpg/", "PostgreSQL (asyncpg)"), ("redis/", "Redis"),
         ("aiogram/client", "Bot API calls"), ("client_reqrep", "Bot API calls"),
         ("web_protocol", "webhook answers"), ("web_response", "webhook answers")]


def _where(frame: str) -> str:
    return frame[frame.rfind("(") + 1:frame.rfind(":")] if "(" in frame else ""


def _area(frame: str) -> str:
    where = _where(frame)
    for needle, name in AREAS:
        if where.startswith(needle) or f"/{needle}" in where:
            return name
    return "other (stdlib, GC, ...)"


def summarize_profile(path: Path) -> dict[str, Any]:
    """Self time by library (leaf frame), socket writes by peer, heaviest functions."""
    self_by_area: Counter[str] = Counter()
    writes: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        self_by_area[_area(frames[-1])] += count
        if "_SelectorSocketTransport.write" in frames[-1]:
            peer = next((name for needle, name in PEERS if needle in stack), "other")
            writes[peer] += count
        seen = set()
        for frame in frames:
            key = f"{frame.split(' (')[0]} ({_where(frame)})"
            if key not in seen:
                seen.add(key)
                inclusive[key] += count
    skip = ("<module>", "run (", "_run (", "run_forever", "_run_once", "run_until_complete",
            "main (", "_dispatch (", "run_bot", "_run_module_as_main", "_run_code",
            "Runner.run", "BaseEventLoop.", "Handle._run")
    top = [(k, v / total) for k, v in inclusive.most_common(80) if not k.startswith(skip)]
    if not total:
        return {"samples": 0, "areas": [], "writes": [], "top": [], "file": str(path)}
    return {"samples": total,
            "areas": [(a, n / total) for a, n in self_by_area.most_common()],
            "writes": [(a, n / total) for a, n in writes.most_common()],
            "top": top[:25], "file": str(path)}


# --- 2. upload pipeline ------------------------------------------------------------------

async def plain_copy(env: Env, s3: Any, http: aiohttp.ClientSession, file_path: str,
                     key: str) -> float:
    """aiohttp GET from the emulator + aioboto3 multipart upload (8 MiB parts), timed."""
    started = time.perf_counter()
    url = f"{env.emulator.base}/file/bot{env.token}/{file_path}"
    upload_id: str | None = None
    parts: list[dict[str, Any]] = []
    buffer = bytearray()
    async with http.get(url) as resp:
        resp.raise_for_status()
        async for chunk in resp.content.iter_chunked(MiB):
            buffer += chunk
            if len(buffer) >= 8 * MiB:
                if upload_id is None:
                    upload_id = (await s3.create_multipart_upload(
                        Bucket=env.bucket, Key=key))["UploadId"]
                body, buffer = bytes(buffer[:8 * MiB]), buffer[8 * MiB:]
                etag = (await s3.upload_part(Bucket=env.bucket, Key=key, UploadId=upload_id,
                                             PartNumber=len(parts) + 1, Body=body))["ETag"]
                parts.append({"ETag": etag, "PartNumber": len(parts) + 1})
    if upload_id is None:
        await s3.put_object(Bucket=env.bucket, Key=key, Body=bytes(buffer))
    else:
        if buffer:
            etag = (await s3.upload_part(Bucket=env.bucket, Key=key, UploadId=upload_id,
                                         PartNumber=len(parts) + 1, Body=bytes(buffer)))["ETag"]
            parts.append({"ETag": etag, "PartNumber": len(parts) + 1})
        await s3.complete_multipart_upload(Bucket=env.bucket, Key=key, UploadId=upload_id,
                                           MultipartUpload={"Parts": parts})
    elapsed = time.perf_counter() - started
    await s3.delete_object(Bucket=env.bucket, Key=key)
    return elapsed


async def upload_pipeline(env: Env, cfg: Config, mix_url: str, log: Any,
                          running: tuple[infra.Child, Target] | None = None) -> dict[str, Any]:
    if running is None:
        bot, target = env.start_bot("bot-upload", mix_url)
        await bot.wait_ready()
    else:
        bot, target = running
    student = cfg.mix.student_id(1, 0)
    results: dict[int, dict[str, Any]] = {}
    async with Poster() as poster, infra.s3_client(env.s3_url) as s3, \
            aiohttp.ClientSession() as http:

        async def through_bot(document: dict[str, Any]) -> tuple[float, int, int, str]:
            await poster.post(target, message(student, "/submit"))
            await asyncio.sleep(0.3)
            infra.reset_peak(bot.pid)
            before = infra.proc_status(bot.pid)
            with infra.RssSampler(bot.pid) as sampler:
                elapsed = await poster.post(target, message(student, document=document))
            after = infra.proc_status(bot.pid)
            reply = (await env.emu("GET", f"/_bench/last?chat={student}"))["text"] or ""
            await poster.post(target, message(student, "/cancel"))
            peak = max(after["VmHWM"], sampler.peak)
            return elapsed, peak - before["VmRSS"], before["VmRSS"], reply

        async def stored(size: int, name: str) -> tuple[dict[str, Any], str]:
            doc = await env.emu("POST", "/_bench/file", {"size": size, "name": name})
            async with http.get(f"{env.emulator.base}/bot{env.token}/getFile",
                                params={"file_id": doc["file_id"]}) as resp:
                path = (await resp.json())["result"]["file_path"]
            return doc, path

        warm, warm_path = await stored(MiB, "warm.pdf")
        await through_bot(warm)
        await plain_copy(env, s3, http, warm_path, "bench/warm")
        for size in cfg.upload_sizes:
            doc, path = await stored(size, f"thesis-{size // MiB}mb.pdf")
            bot_times, copy_times, growth, replies = [], [], [], []
            base_rss = 0
            for rep in range(cfg.reps):
                for which in (("bot", "copy") if rep % 2 == 0 else ("copy", "bot")):
                    if which == "bot":
                        elapsed, grew, base_rss, reply = await through_bot(doc)
                        bot_times.append(elapsed)
                        growth.append(grew)
                        replies.append(reply)
                    else:
                        copy_times.append(await plain_copy(env, s3, http, path,
                                                           f"bench/copy-{rep}"))
                log(f"  {size // MiB} MiB rep {rep + 1}: bot {bot_times[-1]:.2f} s, copy "
                    f"{copy_times[-1]:.2f} s, RSS +{growth[-1] / MiB:.1f} MiB")
            ok = all("note" in r.lower() for r in replies)
            results[size] = {"bot": median(bot_times), "copy": median(copy_times),
                             "growth": max(growth), "growth_median": median(growth),
                             "base_rss": base_rss, "ok": ok,
                             "reply": replies[-1][:80] if replies else ""}
    env.stop(bot)
    return results


# --- 3. data scale --------------------------------------------------------------------------

SCALE_OPS = ("status", "queue", "students", "press", "admin queue")


async def data_scale(env: Env, cfg: Config, log: Any) -> dict[str, Any]:
    sets: dict[str, dict[str, Any]] = {}
    for label, shape in (("small", cfg.small), ("large", cfg.large)):
        _name, url = await env.database(label)
        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        with infra.timer() as took:
            counts = await fixtures.load(dsn, shape)
        log(f"  loaded {label}: {counts} in {took[0]:.1f} s")
        press_sub = await fixtures.latest_submission_id(dsn, shape.student_id(1, 0))
        sets[label] = {"url": url, "dsn": dsn, "shape": shape, "counts": counts,
                       "press_sub": press_sub, "load_seconds": took[0]}
    ids = {ADMIN_ID}
    for info in sets.values():
        shape = info["shape"]
        ids.add(shape.supervisor_id(1))
        ids.update(shape.students_of(1))
    await env.add_users(sorted(ids))
    for label, info in sets.items():
        child, target = env.start_bot(f"bot-{label}", info["url"],
                                      NOTIFY_RATE_PER_SECOND=str(cfg.notify_rate))
        info["child"], info["target"] = child, target
    for info in sets.values():
        await info["child"].wait_ready()

    def op_updates(info: dict[str, Any], op: str) -> tuple[list[bytes], bytes | None]:
        shape = info["shape"]
        sup = shape.supervisor_id(1)
        student = shape.student_id(1, 13)
        if op == "status":
            return [message(student, "/status")], None
        if op == "queue":
            return [message(sup, "/queue")], None
        if op == "students":
            return [message(sup, "/students")], None
        if op == "admin queue":
            return [message(ADMIN_ID, "/queue")], None
        return [callback(sup, f"rv:c:{info['press_sub']}")], message(sup, "/cancel")

    samples: dict[tuple[str, str], list[float]] = {}
    async with Poster() as poster:
        for rep in range(cfg.reps):
            for i, op in enumerate(SCALE_OPS):
                order = ["small", "large"] if (rep + i) % 2 == 0 else ["large", "small"]
                for label in order:
                    info = sets[label]
                    latencies = []
                    for n in range(cfg.scale_samples + 3):
                        updates, after = op_updates(info, op)
                        latency = await poster.post(info["target"], updates[0])
                        if after is not None:
                            await poster.post(info["target"], after)
                        if n >= 3:  # the first few warm the caches
                            latencies.append(latency)
                    samples.setdefault((op, label), []).append(median(latencies))
        errors = list(poster.errors)
    table = {}
    for op in SCALE_OPS:
        small = median(samples[(op, "small")]) * 1000
        large = median(samples[(op, "large")]) * 1000
        table[op] = {"small": small, "large": large, "ratio": large / small}
        log(f"  {op:12} small {small:6.1f} ms  large {large:6.1f} ms  x{large / small:.2f}")
    plans = {}
    for label, info in sets.items():
        try:
            plans[label] = await explain_ops(info)
        except Exception as exc:  # noqa: BLE001 - diagnostics must not sink the run
            plans[label] = {"error": f"{type(exc).__name__}: {exc}"}
    return {"sets": {k: {"counts": v["counts"], "load_seconds": v["load_seconds"]}
                     for k, v in sets.items()},
            "table": table, "errors": errors, "plans": plans,
            "_live": sets}


async def explain_ops(info: dict[str, Any]) -> dict[str, Any]:
    """Run each operation's service calls, capture their SQL and EXPLAIN ANALYZE it."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import event

    from bot.config import load_settings
    from bot.deps import service_config
    from services.context import ServiceDeps, Services
    from storage.db import create_engine, create_session_factory
    from storage.files import LocalFileStore
    from storage.models import User
    from storage.repositories import outbox

    shape: Shape = info["shape"]
    engine = create_engine(info["url"])
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any,
                _many: bool) -> None:
        captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    settings = load_settings(admin_ids=[ADMIN_ID])
    deps = ServiceDeps(files=LocalFileStore(Path("/nonexistent")),
                       config=service_config(settings))
    factory = create_session_factory(engine)
    sup_id, student_id = shape.supervisor_id(1), shape.student_id(1, 13)

    async def run(op: str) -> None:
        async with factory() as session:
            services = Services(session, deps)
            sup = await session.get(User, sup_id)
            student = await session.get(User, student_id)
            admin = await session.get(User, ADMIN_ID)
            session.expunge_all()  # so that the middleware's user lookup is counted too
            captured.clear()
            if op == "status":
                await services.registration.current(student_id)
                await services.overview.status(student)
            elif op == "queue":
                await services.registration.current(sup_id)
                await services.overview.queue(sup)
            elif op == "admin queue":
                await services.registration.current(ADMIN_ID)
                await services.overview.queue(admin)
            elif op == "students":
                await services.registration.current(sup_id)
                await services.overview.students(sup)
            elif op == "press":
                await services.registration.current(sup_id)
                await services.reviews.check_can_review(sup, info["press_sub"])
            elif op == "outbox claim":
                await outbox.claim(session, now=datetime.now(UTC), limit=50,
                                   lease=timedelta(minutes=2))
                await outbox.count_pending(session)
                await session.rollback()

    out: dict[str, Any] = {}
    for op in (*SCALE_OPS, "outbox claim"):
        await run(op)
        statements = list(captured)
        queries = []
        async with engine.connect() as conn:
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                rows = (await conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + statement,
                    parameters)).scalars().all()
                plan = "\n".join(rows)
                seq = sorted({line.split("Seq Scan on ")[1].split()[0]
                              for line in rows if "Seq Scan on " in line})
                ms = next((float(line.split(":")[1].split()[0]) for line in rows
                           if line.startswith("Execution Time")), 0.0)
                queries.append({"sql": " ".join(statement.split())[:160], "seq_scans": seq,
                                "ms": ms, "plan": plan})
        out[op] = {"queries": len(statements), "selects": len(queries),
                   "ms": sum(q["ms"] for q in queries),
                   "seq_scans": sorted({s for q in queries for s in q["seq_scans"]}),
                   "detail": queries}
    await engine.dispose()
    return out


# --- 4. notification rate ------------------------------------------------------------------

async def notification_rate(env: Env, cfg: Config, scale: dict[str, Any],
                            log: Any) -> dict[str, Any]:
    info = scale["_live"]["large"]
    dsn = info["dsn"]
    chats = [9_000_000 + i for i in range(cfg.notify_chats)]
    per_chat = max(cfg.notifications // cfg.notify_chats, 1)
    await env.add_users(chats)
    reps = []
    for rep in range(cfg.reps):
        await fixtures.clear_outbox(dsn)
        await env.emu("POST", "/_bench/reset")
        started = time.perf_counter()
        total = await fixtures.queue_outbox(dsn, chats, per_chat)
        deadline = started + total / cfg.notify_rate * 4 + 60
        sent = 0
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.25)
            counts = await env.emu("GET", "/_bench/counts")
            sent = sum(v for k, v in counts["chats"].items() if int(k) in set(chats))
            if sent >= total:
                break
        wall = time.perf_counter() - started
        await asyncio.sleep(1.0)  # anything sent twice would show up now
        counts = await env.emu("GET", "/_bench/counts")
        per = {int(k): v for k, v in counts["chats"].items() if int(k) in set(chats)}
        summary = await fixtures.outbox_summary(dsn)
        span = (summary["last"] - summary["first"]).total_seconds() \
            if summary["first"] and summary["last"] else 0.0
        if not summary["sent"] or span <= 0:
            raise RuntimeError(
                f"notifications: {summary['sent']} of {total} sent ({summary['by_status']}); "
                "a phase that delivers nothing has no rate")
        rate = (summary["sent"] - 1) / span
        lost = sum(1 for c in chats if per.get(c, 0) < per_chat)
        doubled = sum(1 for c in chats if per.get(c, 0) > per_chat)
        reps.append({"total": total, "delivered": sum(per.values()), "rate": rate,
                     "wall": wall, "lost_chats": lost, "doubled_chats": doubled,
                     "by_status": summary["by_status"]})
        log(f"  rep {rep + 1}: {sum(per.values())}/{total} delivered, {rate:.1f}/s "
            f"(limit {cfg.notify_rate:g}/s), wall {wall:.1f} s, lost chats {lost}, "
            f"doubled {doubled}")
    return {"limit": cfg.notify_rate, "per_chat": per_chat, "chats": cfg.notify_chats,
            "rate": median([r["rate"] for r in reps]),
            "wall": median([r["wall"] for r in reps]), "reps": reps}


# --- 5. start and idle ---------------------------------------------------------------------

async def start_and_idle(env: Env, cfg: Config, mix_url: str, log: Any,
                         earlier: dict[str, Any] | None = None) -> dict[str, Any]:
    if cfg.quick and earlier:
        log("  (quick: the mix phase's start-up of both processes)")
        return earlier
    out: dict[str, list[tuple[float, int]]] = {"bot": [], "floor": []}
    settle = 1.0 if cfg.quick else 3.0
    for rep in range(cfg.reps):
        for which in (("bot", "floor") if rep % 2 == 0 else ("floor", "bot")):
            if which == "bot":
                child, _ = env.start_bot(f"bot-start-{rep}", mix_url)
            else:
                child, _ = env.start_floor(f"floor-start-{rep}")
            ready = await child.wait_ready()
            await asyncio.sleep(settle)
            out[which].append((ready, child.rss()))
            env.stop(child)
        log(f"  rep {rep + 1}: bot ready {out['bot'][-1][0]:.2f} s, "
            f"{out['bot'][-1][1] / MiB:.1f} MiB; floor ready {out['floor'][-1][0]:.2f} s, "
            f"{out['floor'][-1][1] / MiB:.1f} MiB")
    return {k: {"ready": median([r for r, _ in v]), "rss": median([m for _, m in v])}
            for k, v in out.items()}


# --- 6. exports -----------------------------------------------------------------------------

async def _export_child(args: list[str], env: Env, log: Any) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.export_proc", *args, cwd=str(infra.ROOT),
        env={**os.environ, **infra.AWS_ENV}, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    (env.logs / f"export-{args[0]}.log").write_bytes(err)
    if proc.returncode != 0:
        raise RuntimeError(f"export_proc {args[0]} failed: {err.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def exports(env: Env, cfg: Config, scale: dict[str, Any] | None,
                  log: Any) -> dict[str, Any]:
    """The admin's CSV/XLSX export of the large data set, and the latest-versions ZIP of 200
    theses against a plain copy of the same objects, each in a process of its own."""
    if isinstance(scale, dict) and "_live" in scale:
        info = scale["_live"]["large"]
        url, counts = info["url"], info["counts"]
    else:
        _name, url = await env.database("export")
        counts = await fixtures.load(url.replace("+asyncpg", ""), cfg.large)
    table = await _export_child(["table", "--db", url], env, log)
    log(f"  table: {table['rows']:,} versions in {table['seconds']:.1f} s, "
        f"RSS +{table['growth'] / MiB:.1f} MiB")
    _name, zip_url = await env.database("zip")
    size = 64 * 1024 if cfg.quick else 512 * 1024
    zipped = await _export_child(["zip", "--db", zip_url, "--s3", env.s3_url, "--bucket",
                                  env.bucket, "--theses", "200", "--size", str(size)], env, log)
    log(f"  zip: {zipped['files']} files, {zipped['bytes'] / MiB:.1f} MiB in "
        f"{zipped['zip']:.2f} s (plain copy {zipped['copy']:.2f} s), "
        f"RSS +{zipped['growth'] / MiB:.1f} MiB")
    return {"table": table, "zip": zipped, "counts": counts}


# --- 7. The Mini App's API ------------------------------------------------------------------

API_OPS = ("students", "thesis")
WEBAPP_BUDGET = 250 * 1024


async def _api_token(http: aiohttp.ClientSession, base: str, token: str, user_id: int) -> str:
    from tgemu import init_data_for

    init_data = init_data_for(token, {"id": user_id, "first_name": f"User{user_id}"})
    async with http.post(f"{base}/api/auth/login", json={"init_data": init_data}) as resp:
        body = await resp.json()
        if resp.status != 200:
            raise RuntimeError(f"login as {user_id}: HTTP {resp.status} {body}")
        return str(body["access_token"])


async def _timed_get(http: aiohttp.ClientSession, url: str, token: str) -> float:
    started = time.perf_counter()
    async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as resp:
        await resp.read()
        if resp.status != 200:
            raise RuntimeError(f"GET {url}: HTTP {resp.status}")
    return time.perf_counter() - started


async def webapp_transfer(http: aiohttp.ClientSession, base: str) -> dict[str, int]:
    """Bytes a first open of the Mini App transfers with gzip: the page and its assets."""
    sizes: dict[str, int] = {}
    async with http.get(f"{base}/app/", headers={"Accept-Encoding": "gzip"}) as resp:
        body = await resp.read()
        sizes["index.html"] = len(body)
        page = gzip.decompress(body).decode() if resp.headers.get(
            "Content-Encoding") == "gzip" else body.decode()
    for asset in re.findall(r'(?:src|href)="(assets/[^"]+)"', page):
        async with http.get(f"{base}/app/{asset}", headers={"Accept-Encoding": "gzip"}) as resp:
            sizes[asset] = len(await resp.read())
    return sizes


async def api_scale(env: Env, cfg: Config, scale: dict[str, Any], log: Any) -> dict[str, Any]:
    """/api/students (supervisor 1) and /api/thesis (its student with 14 versions) on the
    small and the large data set, as the data-scale phase measures the chat's commands."""
    sets = scale["_live"]
    bots: dict[str, infra.Child] = {}
    for label, info in sets.items():
        child, _target = env.start_bot(
            f"bot-api-{label}", info["url"], WEBAPP_URL="http://127.0.0.1/app/",
            JWT_SECRET_KEY="bench-" + secrets.token_hex(24))
        bots[label] = child
    try:
        for child in bots.values():
            await child.wait_ready()
        samples: dict[tuple[str, str], list[float]] = {}
        async with aiohttp.ClientSession(auto_decompress=False) as http:
            tokens = {}
            for label, child in bots.items():
                shape = sets[label]["shape"]
                tokens[label] = {
                    "students": await _api_token(http, child.base, env.token,
                                                 shape.supervisor_id(1)),
                    "thesis": await _api_token(http, child.base, env.token,
                                               shape.student_id(1, 13))}
            for rep in range(cfg.reps):
                for i, op in enumerate(API_OPS):
                    order = ["small", "large"] if (rep + i) % 2 == 0 else ["large", "small"]
                    for label in order:
                        url = f"{bots[label].base}/api/{op}"
                        latencies = [await _timed_get(http, url, tokens[label][op])
                                     for _ in range(cfg.scale_samples + 3)][3:]
                        samples.setdefault((op, label), []).append(median(latencies))
            sizes = await webapp_transfer(http, bots["small"].base)
    finally:
        for child in bots.values():
            env.stop(child)
    table = {}
    for op in API_OPS:
        small = median(samples[(op, "small")]) * 1000
        large = median(samples[(op, "large")]) * 1000
        table[op] = {"small": small, "large": large, "ratio": large / small}
        log(f"  /api/{op:9} small {small:6.1f} ms  large {large:6.1f} ms  x{large / small:.2f}")
    total = sum(sizes.values())
    log(f"  Mini App first open: {total / 1024:.1f} KiB gzip ({len(sizes)} files)")
    return {"table": table, "transfer": sizes, "transfer_total": total}


# --- 8. what changed (comparison of versions) ------------------------------------------------

def _thesis_pair(pages: int, words: int, font_size: float) -> tuple[bytes, bytes, int, int]:
    from tests.support.theses import Writer, pdf_and_pages

    writer = Writer(seed=pages)
    old = writer.thesis(words, chapters=max(3, pages // 30), per_chapter=5)
    new = writer.revise(old, 0.05)
    (old_pdf, old_pages), (new_pdf, new_pages) = (pdf_and_pages(old, font_size=font_size),
                                                  pdf_and_pages(new, font_size=font_size))
    return old_pdf, new_pdf, old_pages, new_pages


def _pdfium_only(data: bytes) -> float:
    """The extraction library's own time: every page's text, nothing else."""
    import pypdfium2 as pdfium

    started = time.perf_counter()
    pdf = pdfium.PdfDocument(data)
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()
    return time.perf_counter() - started


async def _job_in_child(folder: Path, new: Path, old_text: Path | None,
                        old: Path | None) -> tuple[float, float, dict[str, Any]]:
    """One comparison job in a fresh child (its peak RSS is this job's): child seconds,
    wall seconds, the answer."""
    from bot.isolation import ChildPool, Limits

    pool = ChildPool(1, Limits(timeout_seconds=300, memory_mb=512))
    out = folder / secrets.token_hex(4)
    out.mkdir()
    try:
        started = time.perf_counter()
        answer = await pool.run({
            "new_path": str(new), "new_kind": "pdf", "new_version": 5, "title": "bench",
            "old_version": 4, "old_kind": "pdf", "out_dir": str(out),
            "old_text_path": str(old_text) if old_text else None,
            "old_path": str(old) if old else None})
        wall = time.perf_counter() - started
    finally:
        await pool.close()
    return float(answer["seconds"]), wall, answer


async def what_changed(env: Env, cfg: Config, log: Any) -> dict[str, Any]:
    """Extraction and comparison as the worker runs them: the new version's text (the old
    one's is stored) and the diff, in a child process with its limits."""
    from services.text_diff import pdf_text

    sizes = [("30 pages", 30, 10_000, 11.5)]
    if not cfg.quick:
        sizes.append(("300 pages", 300, 100_000, 12.0))
    out: dict[str, Any] = {}
    for label, pages, words, font in sizes:
        folder = env.tmp / f"compare-{pages}"
        folder.mkdir(parents=True, exist_ok=True)
        old_pdf, new_pdf, old_pages, new_pages = await asyncio.to_thread(
            _thesis_pair, pages, words, font)
        (folder / "old.pdf").write_bytes(old_pdf)
        (folder / "new.pdf").write_bytes(new_pdf)
        old_text = await asyncio.to_thread(lambda d=old_pdf: pdf_text(d).to_json())
        (folder / "old.json").write_text(old_text, "utf-8")
        jobs, walls, both, peaks, library = [], [], [], [], []
        answer: dict[str, Any] = {}
        for _rep in range(cfg.reps):
            seconds, wall, answer = await _job_in_child(folder, folder / "new.pdf",
                                                        folder / "old.json", None)
            jobs.append(seconds)
            walls.append(wall)
            peaks.append(float(answer["peak_rss_mb"]))
            seconds, _wall, _answer = await _job_in_child(folder, folder / "new.pdf", None,
                                                          folder / "old.pdf")
            both.append(seconds)
            library.append(await asyncio.to_thread(_pdfium_only, new_pdf))
        summary = answer.get("summary") or {}
        out[label] = {"pages": new_pages, "old_pages": old_pages, "words": words,
                      "job": median(jobs), "wall": median(walls), "both": median(both),
                      "peak_mb": max(peaks), "pdfium": median(library),
                      "share": summary.get("changed_share", 0.0),
                      "added": summary.get("words_added", 0),
                      "removed": summary.get("words_removed", 0)}
        log(f"  {label}: job {median(jobs):.2f} s (both extracted {median(both):.2f} s, "
            f"pdfium alone {median(library):.2f} s), peak {max(peaks):.0f} MiB")
    return out


_RESET = """
UPDATE version_comparisons SET status = 'pending', attempts = 0, next_attempt_at = now(),
    claimed_until = NULL, finished_at = NULL, summary = NULL, html_key = NULL, reason = NULL
WHERE submission_id = ANY($1::int[]) AND status IN ('done', 'failed', 'editing')
RETURNING submission_id"""


async def _prepare_background(env: Env, dsn: str, folder: Path) -> list[int]:
    """Three theses' versions 1 and 2 become the generated pair (files in the bucket), each
    with its comparison job; the ids of the versions 2 (the jobs to run again and again)."""
    import asyncpg

    keys = {"old": "theses/bench-compare-old.pdf", "new": "theses/bench-compare-new.pdf"}
    async with infra.s3_client(env.s3_url) as s3:
        for which, key in keys.items():
            await s3.put_object(Bucket=env.bucket, Key=key,
                                Body=(folder / f"{which}.pdf").read_bytes())
    conn = await asyncpg.connect(dsn)
    try:
        pairs = await conn.fetch(
            "SELECT s1.id AS v1, s2.id AS v2 FROM submissions s1 JOIN submissions s2 "
            "ON s2.thesis_id = s1.thesis_id AND s2.version = 2 WHERE s1.version = 1 "
            "ORDER BY s1.id LIMIT 3")
        for pair in pairs:
            for which, sid in (("old", pair["v1"]), ("new", pair["v2"])):
                await conn.execute("INSERT INTO stored_files (key, kind, state) VALUES "
                                   "($1, 'version', 'attached') ON CONFLICT DO NOTHING",
                                   keys[which])
                await conn.execute("UPDATE submissions SET file_key = $1, file_kind = 'pdf' "
                                   "WHERE id = $2", keys[which], sid)
                await conn.execute(
                    "INSERT INTO version_comparisons (submission_id, status, attempts, "
                    "next_attempt_at, created_at, edited) VALUES ($1, 'pending', 0, now(), "
                    "now(), '[]') ON CONFLICT DO NOTHING", sid)
    finally:
        await conn.close()
    return [pair["v2"] for pair in pairs]


async def _keep_comparing(dsn: str, ids: list[int], stop: asyncio.Event,
                          done: list[int]) -> None:
    """Put every finished job back in the queue (its text dropped, so the version is read
    again): the worker always has one to run."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        while not stop.is_set():
            reset = await conn.fetch(_RESET, ids)
            if reset:
                done[0] += len(reset)
                await conn.execute("DELETE FROM version_texts WHERE submission_id = "
                                   "ANY($1::int[])", [r["submission_id"] for r in reset])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.1)
    finally:
        await conn.close()


async def comparisons_in_background(env: Env, cfg: Config, mix_url: str,
                                    log: Any) -> dict[str, Any]:
    """The mix of phase 1 against the bot, with and without comparisons (the 300-page pair;
    30 pages in the smoke run) running in its comparison worker the whole time."""
    dsn = mix_url.replace("postgresql+asyncpg://", "postgresql://")
    pages = 30 if cfg.quick else 300
    folder = env.tmp / f"compare-{pages}"
    ids = await _prepare_background(env, dsn, folder)
    pending = await pending_submissions(dsn)
    level = 16 if 16 in cfg.levels else cfg.levels[-1]
    actors = mix_actors(cfg.mix, pending, level)
    bot, target = env.start_bot("bot-compare", mix_url)
    await bot.wait_ready()
    runs: dict[str, list[RunResult]] = {"without": [], "with": []}
    jobs: list[int] = []
    async with Poster(connections=level * 2) as poster:
        for rep in range(cfg.reps):
            for mode in (("without", "with") if rep % 2 == 0 else ("with", "without")):
                stop, done = asyncio.Event(), [0]
                background = asyncio.create_task(_keep_comparing(dsn, ids, stop, done)) \
                    if mode == "with" else None
                if background is not None:
                    await asyncio.sleep(1.0)  # the worker is busy before the clock starts
                await env.emu("POST", "/_bench/reset")
                await closed_loop(poster, target, actors, cfg.warmup_seconds, seed=rep + 100)
                before = done[0]
                result = await closed_loop(poster, target, actors, cfg.run_seconds, seed=rep)
                runs[mode].append(result)
                if background is not None:
                    jobs.append(done[0] - before)
                    stop.set()
                    await background
                    await asyncio.sleep(1.5)  # the job under way ends before the next run
                log(f"  rep {rep + 1} {mode:7} comparisons: {result.throughput:7.1f} upd/s  "
                    f"p99 {percentile(result.latencies, 99) * 1000:6.1f} ms"
                    + (f"  ({jobs[-1]} comparisons meanwhile)" if mode == "with" else ""))
    env.stop(bot)
    return {"level": level, "pages": pages, "without": summarize(runs["without"]),
            "with": summarize(runs["with"]), "jobs": median([float(j) for j in jobs]),
            "seconds": cfg.run_seconds}


# --- 10. shared text (the similarity index and check) ---------------------------------------

SIMILARITY_CACHE = infra.ROOT / ".cache" / "bench"
ARCHIVE_VERSION = 1
ARCHIVE_BASE = 8_000_000_000  # user ids of the archive's students
REAL_SOURCES = 12  # archive theses with a stored text (the rest: index rows only)
COPIED_FROM = 5  # sources the checked version copies one paragraph each from


def _archive_files(theses: int, words: int) -> tuple[Path, Path]:
    """The generated archive, built once: every thesis's LSH bands (random for all but the
    first ``REAL_SOURCES``, whose text is generated and fingerprinted) as a PostgreSQL binary
    COPY file, and the real sources' and the checked version's texts as JSON."""
    import numpy as np

    from services.similarity import fingerprint
    from tests.support.shared_text import document
    from tests.support.theses import Writer

    SIMILARITY_CACHE.mkdir(parents=True, exist_ok=True)
    stem = SIMILARITY_CACHE / f"similarity-v{ARCHIVE_VERSION}-{theses}x{words}"
    bands, texts = stem.with_suffix(".copy"), stem.with_suffix(".json")
    if bands.exists() and texts.exists():
        return bands, texts
    sources = [Writer(seed=1000 + k).thesis(words) for k in range(REAL_SOURCES)]
    mine = Writer(seed=999).thesis(words)
    for k in range(COPIED_FROM):  # one paragraph of each of five sources, here and there
        section = mine.sections[(k * 7 + 3) % len(mine.sections)]
        paragraphs = [p for s in sources[k].sections for p in s.paragraphs]
        section.paragraphs.insert(0, paragraphs[len(paragraphs) // (k + 2)])
    real = [fingerprint(document(t)).chunks for t in sources]
    per_thesis = int(np.mean([len(c) for c in real]))
    rng = np.random.default_rng(ARCHIVE_VERSION)
    hashes = [np.asarray(c, dtype=np.int64) for c in real]
    hashes.append(rng.integers(-(2**63), 2**63 - 1, size=(theses - REAL_SOURCES) * per_thesis,
                               dtype=np.int64))
    owners = [np.full(len(c), k, dtype=np.int32) for k, c in enumerate(real)]
    owners.append(np.repeat(np.arange(REAL_SOURCES, theses, dtype=np.int32), per_thesis))
    row = np.dtype([("fields", ">i2"), ("hlen", ">i4"), ("hash", ">i8"), ("slen", ">i4"),
                    ("sid", ">i4")])
    table = np.empty(sum(len(h) for h in hashes), dtype=row)
    table["fields"], table["hlen"], table["slen"] = 2, 8, 4
    table["hash"] = np.concatenate(hashes)
    table["sid"] = np.concatenate(owners)  # the thesis's index; ids are added on load
    with bands.open("wb") as out:
        out.write(b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"))
        out.write(table.tobytes())
        out.write((-1).to_bytes(2, "big", signed=True))
    texts.write_text(json.dumps({"sources": [document(t).to_json() for t in sources],
                                 "mine": document(mine).to_json()}), "utf-8")
    return bands, texts


_ARCHIVE_SQL = """
SET session_replication_role = replica;
INSERT INTO users (id, role, full_name, language, reachable, created_at)
SELECT {base} + 100000 + i, 'supervisor', 'Archive supervisor ' || i, 'en', true, now()
FROM generate_series(0, 49) i;
INSERT INTO users (id, role, full_name, language, reachable, created_at)
SELECT {base} + j, 'student', 'Archive student ' || j, 'en', true, now()
FROM generate_series(0, {theses}) j;
INSERT INTO thesis_members (student_id, user_id, role, created_at)
SELECT {base} + j, {base} + 100000 + j % 50, 'supervisor', now()
FROM generate_series(0, {theses}) j;
INSERT INTO theses (id, student_id, title, status, latest_version, created_at, updated_at)
SELECT {first} + j, {base} + j, 'Archived thesis ' || j, 'final', 1, now(), now()
FROM generate_series(0, {theses}) j;
INSERT INTO stored_files (key, name, kind, size, state, created_at)
SELECT 'theses/archive-' || j, 'thesis.pdf', 'version', 100000, 'attached', now()
FROM generate_series(0, {theses}) j;
INSERT INTO submissions (id, thesis_id, version, file_key, file_name, file_kind, file_size,
                         sha256, submitted_at)
SELECT {first} + j, {first} + j, 1, 'theses/archive-' || j, 'thesis.pdf', 'pdf', 100000,
       md5(j::text) || md5(j::text), now() - (j % 7) * interval '365 days'
FROM generate_series(0, {theses}) j;
"""


async def _load_archive(dsn: str, theses: int, bands: Path, texts: dict[str, Any]) -> int:
    """The archive in a fresh database: theses 0..n−1 (ids from ``first``), their bands, the
    real sources' texts; thesis n is the student whose new version is checked. ``first``."""
    import asyncpg

    first = 5_000_000
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(_ARCHIVE_SQL.format(base=ARCHIVE_BASE, theses=theses, first=first))
        await conn.execute("CREATE TEMP TABLE bands_in (hash bigint, thesis int)")
        await conn.copy_to_table("bands_in", source=str(bands), format="binary")
        await conn.execute("ALTER TABLE similarity_bands DROP CONSTRAINT pk_similarity_bands")
        await conn.execute("DROP INDEX ix_similarity_bands_submission_id")
        await conn.execute("INSERT INTO similarity_bands (hash, submission_id) "
                           f"SELECT DISTINCT hash, {first} + thesis FROM bands_in")
        await conn.execute("ALTER TABLE similarity_bands ADD CONSTRAINT pk_similarity_bands "
                           "PRIMARY KEY (hash, submission_id)")
        await conn.execute("CREATE INDEX ix_similarity_bands_submission_id "
                           "ON similarity_bands (submission_id)")
        await conn.execute(
            "INSERT INTO version_similarity (submission_id, chunks, percent, summary, "
            "checked_at) SELECT submission_id, count(*), 0, '{}', now() "
            "FROM similarity_bands GROUP BY submission_id")
        await conn.executemany(
            "INSERT INTO version_texts (submission_id, pages, words, content, created_at) "
            "VALUES ($1, NULL, 20000, $2, now())",
            [(first + k, text) for k, text in enumerate(texts["sources"])])
        await conn.execute("SET session_replication_role = origin")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return first


async def _check_once(pool: Any, sessions: Any, deps: Any, folder: Path, text: Path,
                      submission_id: int) -> dict[str, Any]:
    """One version checked as the worker checks it: fingerprint (child), candidates from
    the index (database), passages (child). Seconds of each, peak RSS of the child."""
    from services.shared_text import SharedTextService

    started = time.perf_counter()
    answer = await pool.run({"task": "fingerprint", "submission_id": submission_id,
                             "text_path": str(text), "out_dir": str(folder)})
    found = json.loads(await asyncio.to_thread(Path(answer["fingerprint_path"]).read_text,
                                               "utf-8"))
    fingerprinted = time.perf_counter()
    async with sessions() as session:
        sources = await SharedTextService(session, deps).candidates(submission_id,
                                                                    found["windows"])
    looked_up = time.perf_counter()
    path = folder / "candidates.jsonl"
    await asyncio.to_thread(path.write_text, "".join(s.to_json() + "\n" for s in sources),
                            "utf-8")
    result = await pool.run({"task": "similarity", "submission_id": submission_id,
                             "text_path": str(text), "candidates_path": str(path),
                             "title": "bench", "version": 1, "out_dir": str(folder)})
    done = time.perf_counter()
    # The children's own time (as phase 8 counts a job): at nice 19 on a shared machine
    # the wall time is mostly waiting for a CPU; the wall time is reported beside it.
    fingerprint, match = float(answer["seconds"]), float(result["seconds"])
    return {"seconds": fingerprint + (looked_up - fingerprinted) + match,
            "wall": done - started, "fingerprint": fingerprint,
            "lookup": looked_up - fingerprinted, "match": match,
            "peak_mb": max(float(answer["peak_rss_mb"]), float(result["peak_rss_mb"])),
            "candidates": len(sources), "summary": result["summary"],
            "chunks": found["chunks"]}


class _Checking:
    """bench/check_proc.py running checks back to back, and how many it finished."""

    def __init__(self, url: str, folder: Path, text: Path, submission_id: int) -> None:
        self.args = [url, str(folder), str(text), str(submission_id)]
        self.done = 0
        self.process: asyncio.subprocess.Process | None = None
        self.reader: asyncio.Task[None] | None = None
        self.running = asyncio.Event()

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.check_proc", *self.args, cwd=str(infra.ROOT),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.reader = asyncio.create_task(self._count())
        # Measured only once checks run (the process and its child have started).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.running.wait(), 120)

    async def _count(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while await self.process.stdout.readline():
            self.done += 1
            self.running.set()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()
        if self.reader is not None:
            await self.reader


async def similarity(env: Env, cfg: Config, mix_url: str, log: Any) -> dict[str, Any]:
    """The shared-text index over a generated archive (10,000 theses of ~20,000 words; 500
    in the smoke run): checking a new version, adding it to the index, the index's size,
    and the bot's throughput on the mix while checks run beside it."""
    from bot.isolation import ChildPool, Limits
    from services.base import ServiceConfig, ServiceDeps
    from services.shared_text import SharedOutcome, SharedTextService
    from storage.db import create_engine, create_session_factory

    theses, words = (500, 20_000) if cfg.quick else (10_000, 20_000)
    t0 = time.perf_counter()
    bands, texts_path = await asyncio.to_thread(_archive_files, theses, words)
    built = time.perf_counter() - t0
    texts = json.loads(await asyncio.to_thread(texts_path.read_text, "utf-8"))
    _name, url = await env.database("similarity")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    t0 = time.perf_counter()
    first = await _load_archive(dsn, theses, bands, texts)
    loaded = time.perf_counter() - t0
    mine_id = first + theses  # the archive's last student: the version checked
    folder = env.tmp / "similarity"
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    text = folder / "mine.json"
    await asyncio.to_thread(text.write_text, texts["mine"], "utf-8")
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    deps = ServiceDeps(files=create_file_store_for(env), config=ServiceConfig())
    checks: list[dict[str, Any]] = []
    adds: list[float] = []
    try:
        pool = ChildPool(1, Limits(timeout_seconds=120, memory_mb=512))
        try:
            # The worker keeps its child: the first check (the child's start) is not timed.
            await _check_once(pool, sessions, deps, folder, text, mine_id)
            for _rep in range(max(cfg.reps, 3)):
                checks.append(await _check_once(pool, sessions, deps, folder, text, mine_id))
        finally:
            await pool.close()
        for check in checks:
            outcome = SharedOutcome(chunks=[int(c) for c in check["chunks"]],
                                    summary=check["summary"], html_key=None, reason=None)
            async with sessions() as session:
                started = time.perf_counter()
                await SharedTextService(session, deps).record(mine_id, outcome)
                await session.commit()
                adds.append(time.perf_counter() - started)
        async with engine.connect() as conn:
            size = (await conn.exec_driver_sql(
                "SELECT pg_total_relation_size('similarity_bands') + "
                "pg_total_relation_size('version_similarity')")).scalar_one()
            rows = (await conn.exec_driver_sql(
                "SELECT count(*) FROM similarity_bands")).scalar_one()
        last = checks[-1]
        sources = last["summary"].get("sources", [])
        out: dict[str, Any] = {
            "theses": theses, "words": words, "build_seconds": built, "load_seconds": loaded,
            "check": median([c["seconds"] for c in checks]),
            "wall": median([c["wall"] for c in checks]),
            "fingerprint": median([c["fingerprint"] for c in checks]),
            "lookup": median([c["lookup"] for c in checks]),
            "match": median([c["match"] for c in checks]),
            "peak_mb": max(c["peak_mb"] for c in checks), "candidates": last["candidates"],
            "found_sources": len(sources), "percent": last["summary"].get("percent", 0.0),
            "add": median(adds), "index_bytes_per_thesis": size / (theses + 1),
            "band_rows_per_thesis": rows / (theses + 1)}
        log(f"  archive {theses} theses × {words} words: built {built:.1f} s, loaded "
            f"{loaded:.1f} s; index {out['index_bytes_per_thesis'] / 1024:.1f} KiB per "
            f"thesis ({out['band_rows_per_thesis']:.0f} band rows)")
        log(f"  check {out['check']:.2f} s, wall {out['wall']:.2f} s (fingerprint "
            f"{out['fingerprint']:.2f}, look-up {out['lookup']:.2f}, passages "
            f"{out['match']:.2f}; {out['candidates']} candidates, {len(sources)} sources "
            f"found), peak {out['peak_mb']:.0f} MiB; add {out['add']:.3f} s")
        try:
            out.update(await _mix_with_checks(env, cfg, mix_url, url, folder, text, mine_id,
                                              log))
        except Exception as exc:  # noqa: BLE001 - the other measures stand
            out["throughput_error"] = f"{type(exc).__name__}: {exc}"[:300]
            log(f"  throughput not measured: {out['throughput_error']}")
    finally:
        await engine.dispose()
    return out


def create_file_store_for(env: Env) -> Any:
    from storage.files import S3FileStore

    return S3FileStore(env.bucket, endpoint_url=env.s3_url, region="us-east-1")


async def _mix_with_checks(env: Env, cfg: Config, mix_url: str, url: str, folder: Path,
                           text: Path, submission_id: int, log: Any) -> dict[str, Any]:
    """Phase 1's mix against the bot, with and without checks running the whole time (a
    process of their own with its child at nice 19, the look-ups on the same PostgreSQL),
    as a replica's worker runs them."""
    dsn = mix_url.replace("postgresql+asyncpg://", "postgresql://")
    pending = await pending_submissions(dsn)
    level = 16 if 16 in cfg.levels else cfg.levels[-1]
    actors = mix_actors(cfg.mix, pending, level)
    bot, target = env.start_bot("bot-similarity", mix_url)
    await bot.wait_ready()
    runs: dict[str, list[RunResult]] = {"without": [], "with": []}
    counts: list[int] = []
    try:
        async with Poster(connections=level * 2) as poster:
            for rep in range(cfg.reps):
                for mode in (("without", "with") if rep % 2 == 0 else ("with", "without")):
                    checking = _Checking(url, folder, text, submission_id) \
                        if mode == "with" else None
                    if checking is not None:
                        await checking.start()
                    await env.emu("POST", "/_bench/reset")
                    await closed_loop(poster, target, actors, cfg.warmup_seconds,
                                      seed=rep + 200)
                    before = checking.done if checking is not None else 0
                    result = await closed_loop(poster, target, actors, cfg.run_seconds,
                                               seed=rep)
                    runs[mode].append(result)
                    if checking is not None:
                        counts.append(checking.done - before)
                        await checking.stop()
                    log(f"  rep {rep + 1} {mode:7} checks: {result.throughput:7.1f} upd/s"
                        + (f"  ({counts[-1]} checks meanwhile)" if mode == "with" else ""))
    finally:
        env.stop(bot)
    without, with_ = summarize(runs["without"]), summarize(runs["with"])
    return {"level": level, "without": without, "with": with_,
            "ratio": with_["throughput"] / without["throughput"]
            if without["throughput"] else float("nan"),
            "checks_meanwhile": median([float(c) for c in counts])}


# --- 9. a supervisor with many students: /message to 300, the Monday digest ----------------

CASELOAD_SUP = 8_000_000
CASELOAD_STUDENTS = 300


async def _caseload_world(dsn: str) -> list[int]:
    """A supervisor with 300 students of their own (users and team rows), in the large set."""
    import asyncpg

    students = [CASELOAD_SUP + 1 + i for i in range(CASELOAD_STUDENTS)]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO users (id, role, full_name, language, reachable, created_at) "
            "VALUES ($1, 'supervisor', 'Bench Caseload', 'en', true, now()) "
            "ON CONFLICT DO NOTHING", CASELOAD_SUP)
        await conn.executemany(
            "INSERT INTO users (id, role, full_name, language, invited_by_id, reachable, "
            "created_at) VALUES ($1, 'student', $3, 'en', $2, true, "
            "now() - interval '30 days') ON CONFLICT DO NOTHING",
            [(s, CASELOAD_SUP, f"Caseload {s}") for s in students])
        await conn.executemany(
            "INSERT INTO thesis_members (student_id, user_id, role, created_at) "
            "SELECT $1, $2, 'supervisor', now() WHERE NOT EXISTS (SELECT 1 FROM thesis_members "
            "WHERE student_id = $1 AND user_id = $2)", [(s, CASELOAD_SUP) for s in students])
    finally:
        await conn.close()
    return students


async def caseload(env: Env, cfg: Config, scale: dict[str, Any], log: Any) -> dict[str, Any]:
    """/message to 300 students through the running bot's outbox (rate, none lost or
    doubled), and the Monday digest of silent students for every supervisor of the large
    set (statements and seconds)."""
    from datetime import UTC, datetime

    import asyncpg
    from sqlalchemy import event

    from bot.config import load_settings
    from bot.deps import service_config
    from services.clock import ManualClock
    from services.context import ServiceDeps, Services
    from services.messaging import Audience, Draft
    from services.silence import SilenceService
    from storage.db import create_engine, create_session_factory
    from storage.files import LocalFileStore
    from storage.models import User

    info = scale["_live"]["large"]
    dsn, url = info["dsn"], info["url"]
    students = await _caseload_world(dsn)
    await env.add_users([CASELOAD_SUP, *students])
    engine = create_engine(url)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda _c, _k, statement, *_: statements.append(statement))
    settings = load_settings(admin_ids=[ADMIN_ID])
    monday = datetime(2030, 3, 4, 9, 30, tzinfo=UTC)
    # The messages at the real time (the running bot sends them); the digest on a Monday
    # (its notifications are deleted, never sent).
    deps = ServiceDeps(files=LocalFileStore(Path("/nonexistent")),
                       config=service_config(settings))
    on_monday = ServiceDeps(files=deps.files, config=deps.config, clock=ManualClock(monday))
    factory = create_session_factory(engine)
    out: dict[str, Any] = {"students": len(students), "limit": cfg.notify_rate}
    try:
        await env.emu("POST", "/_bench/reset")
        async with factory() as session:
            sender = await session.get(User, CASELOAD_SUP)
            assert sender is not None
            started = time.perf_counter()
            sent = await Services(session, deps).messaging.send(
                sender, Draft(Audience.ALL, secrets.token_hex(8), "Bench: how is it going?"))
            again = await Services(session, deps).messaging.send(
                sender, Draft(Audience.ALL, "bench-once", "Once"))
            twice = await Services(session, deps).messaging.send(
                sender, Draft(Audience.ALL, "bench-once", "Once"))
        total = sent.recipients + again.recipients
        deadline = started + total / cfg.notify_rate * 4 + 60
        per: dict[int, int] = {}
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.25)
            counts = await env.emu("GET", "/_bench/counts")
            per = {int(k): v for k, v in counts["chats"].items() if int(k) > CASELOAD_SUP}
            if sum(per.values()) >= total:
                break
        await asyncio.sleep(1.0)  # anything sent twice would show up now
        counts = await env.emu("GET", "/_bench/counts")
        per = {int(k): v for k, v in counts["chats"].items() if int(k) > CASELOAD_SUP}
        conn = await asyncpg.connect(dsn)
        try:
            span = await conn.fetchrow(
                "SELECT min(sent_at) AS first, max(sent_at) AS last, count(*) AS n FROM outbox "
                "WHERE kind = 'direct_message' AND status = 'sent'")
        finally:
            await conn.close()
        seconds = (span["last"] - span["first"]).total_seconds() if span["n"] > 1 else 0.0
        out["message"] = {
            "queued": total, "delivered": sum(per.values()), "twice_refused": twice.already,
            "rate": (span["n"] - 1) / seconds if seconds > 0 else float("nan"),
            "lost": sum(1 for s in students if per.get(s, 0) < 2),
            "doubled": sum(1 for s in students if per.get(s, 0) > 2)}
        log(f"  /message: {out['message']}")

        # The Monday digest, computed for every supervisor of the large set.
        supervisors = info["shape"].supervisors + 1
        async with factory() as session:
            statements.clear()
            with infra.timer() as took:
                queued = await SilenceService(session, on_monday).run_due(monday)
            out["digest"] = {"supervisors": supervisors, "statements": len(statements),
                             "seconds": took[0], "queued": dict(queued)}
        log(f"  digest: {out['digest']}")
    finally:
        conn = await asyncpg.connect(dsn)
        try:  # nobody of the other phases should get these
            await conn.execute("DELETE FROM outbox WHERE kind LIKE 'silent%'")
        finally:
            await conn.close()
        await engine.dispose()
    return out


async def roster_import(env: Env, cfg: Config, log: Any) -> dict[str, Any]:
    """A department's roster (20 supervisors, 300 students, 5 faulty rows) checked, imported
    and imported again through the service, as a file sent to the chat is; then the sheet
    of personal links (mail-merge CSV and the PDF of QR codes). The same size with --quick:
    it is small already."""
    from datetime import UTC, datetime

    import asyncpg
    from sqlalchemy import event

    from bot.config import load_settings
    from bot.deps import service_config
    from services.context import ServiceDeps, Services
    from services.roster_sheets import mail_merge_csv
    from storage.db import create_engine, create_session_factory
    from storage.files import LocalFileStore
    from storage.models import User
    from telegram.pdf import roster_links_pdf
    from telegram.texts import Texts
    from tests.support.roster import department

    _name, url = await env.database("roster")
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await conn.execute("INSERT INTO users (id, role, full_name, language, reachable, "
                           "created_at) VALUES ($1, 'admin', 'Bench Admin', 'en', true, $2)",
                           ADMIN_ID, datetime.now(UTC))
    finally:
        await conn.close()
    roster = department(20, 300, 5)
    data = roster.csv()
    engine = create_engine(url)
    statements: Counter[str] = Counter()
    phase = ["setup"]
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda *_: statements.update([phase[0]]))
    deps = ServiceDeps(files=LocalFileStore(env.tmp / "roster-files"),
                       config=service_config(load_settings(admin_ids=[ADMIN_ID])))
    out: dict[str, Any] = {"rows": len(roster.rows), "faulty": len(roster.problems)}
    try:
        async with create_session_factory(engine)() as session:
            admin = await session.get(User, ADMIN_ID)
            assert admin is not None
            services = Services(session, deps)
            for step, call in (("check", services.roster.check),
                               ("import", services.roster.import_roster),
                               ("again", services.roster.import_roster)):
                phase[0] = step
                started = time.perf_counter()
                preview = await call(admin, data)
                out[step] = {"seconds": time.perf_counter() - started,
                             "statements": statements[step],
                             "supervisors": preview.supervisors,
                             "students": preview.students, "problems": len(preview.problems),
                             "changes": preview.changes}
            phase[0] = "links"
            started = time.perf_counter()
            links = await services.roster.links(admin)
            base = "https://t.me/bench_bot?start="
            csv_bytes = mail_merge_csv((r.name, r.email, base + r.code) for r in links)
            out["links"] = {"seconds": time.perf_counter() - started, "people": len(links),
                            "csv_bytes": len(csv_bytes), "statements": statements["links"]}
            started = time.perf_counter()
            pdf = await asyncio.to_thread(roster_links_pdf, Texts("en"), links, base)
            out["pdf"] = {"seconds": time.perf_counter() - started, "bytes": len(pdf)}
    finally:
        await engine.dispose()
    log(f"   roster: import {out['import']['seconds']:.2f} s, "
        f"{out['import']['statements']} statements; PDF {out['pdf']['seconds']:.1f} s")
    return out
