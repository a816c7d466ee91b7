"""Deterministic per-update and start-up figures, for finding where the bot's work goes on a
busy machine where timings are noise (issue 33). Not part of ``python -m bench``.

``python -m bench.probe updates [--n 200] [--kinds status,history,...] [--profile DIR]``
    The real dispatcher in this process (webhook mode, as ``python -m bot run`` builds it),
    the Bot API emulator in a child process, PostgreSQL, Redis and S3. Each kind of update
    is fed ``n`` times straight to the dispatcher, after a warm-up; printed per update: the
    Python function calls (cProfile's count: deterministic, unlike time), SQL statements,
    Redis round trips, Bot API calls, and CPU time (for information). ``--profile`` writes
    a cProfile file per kind.

``python -m bench.probe idle [--reps 3]``
    Starts ``python -m bot run`` (webhook mode) as the benchmark does and reads its VmRSS once
    it answers ``/ready`` and has settled; also prints how many modules this process has
    after building everything the bot builds before it serves (``BotProcess``), by package.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import fixtures, infra
from bench.fixtures import ADMIN_ID, Shape
from bench.load import callback, message

SHAPE = Shape(4, 6, with_thesis=4, max_versions=4)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm_rss_kib() -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class World:
    """Emulator, S3, a loaded database and a bucket; torn down by ``close``."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.token = infra.new_token()
        self.s3 = infra.S3Server()
        self.children: list[infra.Child] = []
        self.db = f"probe_{os.getpid()}"
        self.url = ""
        self.dsn = ""
        self.bucket = f"probe-{os.getpid()}"
        self.emulator: infra.Child | None = None

    async def open(self) -> None:
        self.s3.start()
        await infra.create_bucket(self.s3.url, self.bucket)
        port = infra.free_port()
        self.emulator = infra.spawn(
            "emulator", ["-m", "bench.emulator_proc", "--port", str(port), "--token",
                         self.token, "--storage", str(self.tmp / "telegram"), "--local"],
            {}, port, self.tmp / "logs")
        self.children.append(self.emulator)
        await self.emulator.wait_ready()
        self.url = await infra.create_database(self.db)
        await infra.migrate(self.url)
        self.dsn = self.url.replace("postgresql+asyncpg://", "postgresql://")
        await fixtures.load(self.dsn, SHAPE)
        users = [ADMIN_ID] + [SHAPE.supervisor_id(s) for s in range(1, SHAPE.supervisors + 1)]
        users += [u for s in range(1, SHAPE.supervisors + 1) for u in SHAPE.students_of(s)]
        import aiohttp
        async with aiohttp.ClientSession() as http, http.post(
                self.emulator.base + "/_bench/users", json=[[u, f"User{u}"] for u in users]):
            pass

    def env(self, port: int) -> dict[str, str]:
        assert self.emulator is not None
        return {
            "TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_URL": self.emulator.base,
            "TELEGRAM_API_LOCAL": "false", "BOT_MODE": "webhook",
            "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}", "WEBHOOK_SECRET": "probe-secret",
            "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "DATABASE_URL": self.url,
            "REDIS_URL": infra.REDIS_URL, "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.s3.url, "ADMIN_IDS": str(ADMIN_ID), "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING", "DATA_DIR": str(self.tmp / "data"),
            "FLOOD_RATE": "1000000", **infra.AWS_ENV}

    async def close(self) -> None:
        for child in self.children:
            child.stop()
        await infra.drop_database(self.db)
        await infra.drop_bucket(self.s3.url, self.bucket)
        bot_id = self.token.split(":")[0]
        for prefix in ("fsm", "flood", "dedupe"):
            await infra.drop_redis_keys(f"{prefix}:{bot_id}:*")
        self.s3.stop()


def _kinds(pending: dict[int, int]) -> dict[str, Any]:
    student = SHAPE.student_id(1, 0)
    waiting = next(iter(pending))
    sup = SHAPE.supervisor_id(1)
    return {
        "status": lambda: message(student, "/status"),
        "history": lambda: message(student, "/history"),
        "help": lambda: message(student, "/help"),
        "queue": lambda: message(sup, "/queue"),
        "students": lambda: message(sup, "/students"),
        "cancel": lambda: message(sup, "/cancel"),
        "press": lambda: callback(sup, f"rv:a:{pending[waiting]}"),
    }


async def updates(args: argparse.Namespace) -> None:
    import json

    from aiogram.types import Update
    from redis.asyncio.client import Pipeline, Redis
    from sqlalchemy import event

    from bench.phases import pending_submissions
    from bot.config import load_settings
    from bot.logging import setup_logging
    from bot.runners import BotProcess

    tmp = Path(args.tmp)
    world = World(tmp)
    await world.open()
    try:
        port = infra.free_port()
        settings = load_settings(**{k.lower(): v for k, v in world.env(port).items()
                                    if not k.startswith("AWS_")})
        # As production logs: one JSON line per update (written to nowhere here).
        setup_logging("INFO", "json", await asyncio.to_thread(open, os.devnull, "w"))
        process = BotProcess(settings)
        dp, bot = process.dp, process.bot
        counts: Counter[str] = Counter()
        command, pipeline = Redis.execute_command, Pipeline.execute

        async def execute_command(self: Redis, *a: Any, **kw: Any) -> Any:
            counts["redis"] += 1
            return await command(self, *a, **kw)

        async def execute(self: Pipeline, raise_on_error: bool = True) -> Any:
            counts["redis"] += 1
            return await pipeline(self, raise_on_error)

        Redis.execute_command = execute_command  # type: ignore[method-assign]
        Pipeline.execute = execute  # type: ignore[method-assign]
        event.listen(process.deps.engine.sync_engine, "before_cursor_execute",
                     lambda *_: counts.update(["sql"]))
        session_request = bot.session.make_request

        async def make_request(*a: Any, **kw: Any) -> Any:
            counts["api"] += 1
            return await session_request(*a, **kw)

        bot.session.make_request = make_request  # type: ignore[method-assign]
        pending = await pending_submissions(world.dsn)
        kinds = _kinds(pending)
        chosen = [k.strip() for k in args.kinds.split(",") if k.strip()] or list(kinds)

        async def feed(raw: bytes) -> None:
            update = Update.model_validate(json.loads(raw), context={"bot": bot})
            await dp.feed_webhook_update(bot, update)

        print(f"{'update':10} {'calls':>8} {'sql':>5} {'redis':>6} {'api':>4} {'cpu ms':>7}")
        for kind in chosen:
            make = kinds[kind]
            for _ in range(20):
                await feed(make())
                if kind == "press":
                    await feed(message(SHAPE.supervisor_id(1), "/cancel"))
            raws = [make() for _ in range(args.n)]
            cancels = [message(SHAPE.supervisor_id(1), "/cancel") for _ in range(args.n)]
            counts.clear()
            profiler = cProfile.Profile()
            cpu = 0.0
            for i, raw in enumerate(raws):
                started = time.process_time()
                profiler.enable()
                await feed(raw)
                profiler.disable()
                cpu += time.process_time() - started
                if kind == "press":
                    # Back out of the comment step, uncounted.
                    saved = counts.copy()
                    await feed(cancels[i])
                    counts.clear()
                    counts.update(saved)
            stats = pstats.Stats(profiler)
            calls = stats.total_calls  # type: ignore[attr-defined]
            n = args.n
            print(f"{kind:10} {calls / n:8.0f} {counts['sql'] / n:5.1f} "
                  f"{counts['redis'] / n:6.1f} {counts['api'] / n:4.1f} "
                  f"{cpu / n * 1000:7.2f}", flush=True)
            if args.profile:
                os.makedirs(args.profile, exist_ok=True)
                stats.dump_stats(os.path.join(args.profile, f"{kind}.prof"))
        await bot.session.close()
        await process.deps.close()
    finally:
        await world.close()


async def idle(args: argparse.Namespace) -> None:
    tmp = Path(args.tmp)
    world = World(tmp)
    await world.open()
    try:
        for rep in range(args.reps):
            port = infra.free_port()
            child = infra.spawn(f"bot-{rep}", ["-m", "bot", "run"], world.env(port), port,
                                tmp / "logs")
            world.children.append(child)
            ready = await child.wait_ready()
            await asyncio.sleep(3.0)
            # CPU an idle replica spends on its own (workers polling): taken from the cores
            # its updates would have.
            cpu_before = cpu_seconds(child.pid)
            await asyncio.sleep(10.0)
            idle_cpu = (cpu_seconds(child.pid) - cpu_before) / 10.0
            print(f"rep {rep + 1}: ready after {ready:.2f} s, idle VmRSS "
                  f"{child.rss() / 1024 / 1024:.1f} MiB, idle CPU {idle_cpu * 100:.1f} %",
                  flush=True)
            child.stop()
            world.children.remove(child)
        before = len(sys.modules)
        rss = vm_rss_kib()
        from bot.config import load_settings
        from bot.runners import BotProcess

        port = infra.free_port()
        settings = load_settings(**{k.lower(): v for k, v in world.env(port).items()
                                    if not k.startswith("AWS_")})
        process = BotProcess(settings)
        packages = Counter(m.split(".")[0] for m in sys.modules)
        print(f"in process: {len(sys.modules)} modules ({len(sys.modules) - before} for the "
              f"bot), VmRSS {vm_rss_kib() / 1024:.1f} MiB (was {rss / 1024:.1f})")
        print("  " + ", ".join(f"{p} {n}" for p, n in packages.most_common(30)))
        await process.bot.session.close()
        await process.deps.close()
    finally:
        await world.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("updates")
    one.add_argument("--n", type=int, default=200)
    one.add_argument("--kinds", default="")
    one.add_argument("--profile", default="")
    two = sub.add_parser("idle")
    two.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    import tempfile
    with tempfile.TemporaryDirectory(prefix="probe-") as tmp:
        args.tmp = tmp
        asyncio.run(updates(args) if args.command == "updates" else idle(args))


if __name__ == "__main__":
    main()
