"""``python -m bench [--quick] [--output PATH]``: run every measure, print the table and
write the report (bench/results.md by default; --quick writes test-artifacts/bench-quick.md
unless --output says otherwise)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench import desk, infra, phases, report


def log(text: str) -> None:
    print(text, flush=True)


async def run(cfg: phases.Config, output: Path, only: set[str] | None) -> int:
    started = time.time()
    run_id = f"{os.getpid()}_{secrets.token_hex(3)}"
    logs = infra.ROOT / "test-artifacts" / "bench" / run_id
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    s3 = infra.S3Server()
    results: dict[str, Any] = {"quick": cfg.quick, "config": cfg}
    env: phases.Env | None = None
    failed: list[str] = []
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Stopped from outside: still stop the processes and drop the databases.
        asyncio.get_running_loop().add_signal_handler(sig, task.cancel)
    try:
        s3_url = s3.start()
        bucket = f"bench-{run_id.replace('_', '-')}"
        await infra.create_bucket(s3_url, bucket)
        token = infra.new_token()
        port = infra.free_port()
        emulator = infra.spawn(
            "emulator", ["-m", "bench.emulator_proc", "--port", str(port), "--token", token,
                         "--storage", str(tmp / "telegram"), "--local"], {}, port, logs)
        env = phases.Env(run_id, token, emulator, s3_url, bucket, logs, tmp,
                         children=[emulator])
        await emulator.wait_ready()
        log(f"bench run {run_id}: logs in {logs}")

        async def phase(key: str, title: str, make: Any, group: str | None = None) -> Any:
            # ``--only mix`` runs both throughput mixes (group "mix").
            if only and key not in only and group not in only:
                return None
            log(f"== {title}")
            t0 = time.perf_counter()
            try:
                results[key] = await make()
            except Exception:  # noqa: BLE001 - report the phase as failed, go on
                failed.append(key)
                results[key] = {"error": traceback.format_exc()}
                log(traceback.format_exc())
            log(f"   ({time.perf_counter() - t0:.0f} s)")
            return results[key]

        mix = await phase("mix", "1. floor vs full bot", lambda: phases.floor_vs_bot(env, cfg, log))
        mix_url = mix.get("mix_url") if isinstance(mix, dict) else None
        if mix_url is None:
            _n, mix_url = await env.database("mix2")
            from bench import fixtures
            await fixtures.load(mix_url.replace("+asyncpg", ""), cfg.mix)
        running = mix.get("_bot") if isinstance(mix, dict) else None
        await phase("upload", "2. upload pipeline",
                    lambda: phases.upload_pipeline(env, cfg, mix_url, log, running))
        if running is not None:
            env.stop(running[0])
        await phase("mix2", "1b. floor vs full bot, students who each submitted",
                    lambda: phases.students_mix(env, cfg, log), group="mix")
        scale = await phase("scale", "3. data scale", lambda: phases.data_scale(env, cfg, log))
        if isinstance(scale, dict) and "_live" in scale:
            await phase("api", "7. Mini App API",
                        lambda: phases.api_scale(env, cfg, scale, log))
            await phase("notify", "4. notification rate",
                        lambda: phases.notification_rate(env, cfg, scale, log))
            await phase("caseload", "9. a supervisor with many students",
                        lambda: phases.caseload(env, cfg, scale, log))
        await phase("export", "6. exports",
                    lambda: phases.exports(env, cfg, scale if isinstance(scale, dict)
                                           else None, log))
        await phase("start", "5. start and idle",
                    lambda: phases.start_and_idle(
                        env, cfg, mix_url, log,
                        mix.get("startup") if isinstance(mix, dict) else None))
        compared = await phase("compare", "8. what changed",
                               lambda: phases.what_changed(env, cfg, log))
        if isinstance(compared, dict) and "error" not in compared:
            await phase("compare_bg", "8. the bot while comparisons run",
                        lambda: phases.comparisons_in_background(env, cfg, mix_url, log))
        await phase("similarity", "10. shared text",
                    lambda: phases.similarity(env, cfg, mix_url, log))
        await phase("desk", "11. review desk", lambda: desk.desk(env, cfg, mix_url, log))
        await phase("roster", "12. roster import",
                    lambda: phases.roster_import(env, cfg, log))
    finally:
        if env is not None:
            for child in list(env.children):
                child.stop()
            for name in env.databases:
                await infra.drop_database(name)
            await infra.drop_bucket(env.s3_url, env.bucket)
            await infra.drop_redis_keys(f"fsm:{env.bot_id}:*")
            for prefix in ("floor", "flood", "dedupe", "api:login"):
                await infra.drop_redis_keys(f"{prefix}:{env.bot_id}:*")
        s3.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    results["seconds"] = time.time() - started
    results["started"] = started
    text = await report.render(results)
    await asyncio.to_thread(_write, output, text)
    log("")
    log(report.console_table(results))
    log(f"report written to {output}")
    return 1 if failed else 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one repetition (a smoke run, under a minute)")
    parser.add_argument("--output", type=Path, default=None, help="where to write the report")
    parser.add_argument("--only", default="",
                        help="comma-separated phases: mix (both throughput mixes), mix2 (the "
                             "second alone), upload, scale, notify, export, start, api, "
                             "compare, similarity, desk")
    parser.add_argument("--reps", type=int, default=None,
                        help="repetitions of each measure (default 3; 1 with --quick)")
    parser.add_argument("--levels", default="",
                        help="comma-separated concurrencies of section 1 (default 1,16,64)")
    args = parser.parse_args(argv)
    cfg = phases.Config.make(args.quick)
    if args.reps:
        cfg = dataclasses.replace(cfg, reps=args.reps)
    if args.levels:
        cfg = dataclasses.replace(cfg, levels=tuple(int(x) for x in args.levels.split(",")))
    default = "test-artifacts/bench-quick.md" if args.quick else "bench/results.md"
    output = args.output or infra.ROOT / default
    only = {p.strip() for p in args.only.split(",") if p.strip()} or None
    return asyncio.run(run(cfg, output, only))


if __name__ == "__main__":
    sys.exit(main())
