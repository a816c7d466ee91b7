"""The real process: configuration errors, start-up in webhook mode, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

import aiohttp

from tests.conftest import free_port
from tgemu import BotAPIEmulator

ROOT = Path(__file__).resolve().parents[1]


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


def base_env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if k in ("PATH", "HOME", "LANG", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    return {**keep, "DATA_DIR": str(tmp_path / "data")}


async def test_malformed_settings_stop_start_up_with_one_line(tmp_path: Path) -> None:
    env = {**base_env(tmp_path), "TELEGRAM_BOT_TOKEN": "123:very-secret-token",
           "MAX_FILE_MB": "lots"}
    code, out, err = await run_cli("run", env=env)
    assert code == 2
    assert err.strip().count("\n") == 0 and "MAX_FILE_MB" in err
    assert "very-secret-token" not in out + err
    code, _out, err = await run_cli("run", env=base_env(tmp_path))
    assert code == 2 and "TELEGRAM_BOT_TOKEN" in err
    env = {**base_env(tmp_path), "TELEGRAM_BOT_TOKEN": "1:x", "BOT_MODE": "webhook"}
    code, _out, err = await run_cli("run", env=env)
    assert code == 2 and "WEBHOOK_BASE_URL" in err
    code, out, _err = await run_cli("--help", env=base_env(tmp_path))
    assert code == 0
    for sub in ("run", "migrate", "sandbox", "backup", "restore", "backups"):
        assert sub in out


async def test_without_a_checkout_the_sandbox_command_says_so_in_one_line(tmp_path: Path) -> None:
    # What the runtime image holds: the production packages only, no tgemu/ or sandbox/.
    app = tmp_path / "app"
    for name in ("api", "bot", "handlers", "telegram", "services", "storage", "migrations"):
        shutil.copytree(ROOT / name, app / name, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**base_env(tmp_path), "PYTHONPATH": str(app)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", cwd=app, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert err.decode().strip().splitlines() == [
        "the sandbox is not available here: run `python -m bot sandbox` from a checkout of the "
        "repository (it is not part of the installed package or the image)"]
    assert not out


async def test_webhook_process_serves_and_exits_cleanly_on_sigterm(
        tmp_path: Path, emulator: BotAPIEmulator, db: str, redis_url: str) -> None:
    port = free_port()
    secret = "process-secret"
    env = {**base_env(tmp_path), "TELEGRAM_BOT_TOKEN": emulator.token,
           "TELEGRAM_API_URL": emulator.base_url, "BOT_MODE": "webhook",
           "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}", "WEBHOOK_SECRET": secret,
           "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "DATABASE_URL": db,
           "REDIS_URL": redis_url, "LOG_FORMAT": "json", "SHUTDOWN_TIMEOUT_SECONDS": "10"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/ready") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the bot never became ready")
        emulator.add_user(7001, "Proc")
        await emulator.send_text(7001, "/start")
        await emulator.wait_for_bot_messages(7001, 1)
        # A slow Telegram: the reply to this update is in flight when SIGTERM arrives.
        emulator.set_delay("sendMessage", 1.0)
        await emulator.send_text(7001, "/help")
        await emulator.wait_until(lambda: len(emulator.calls_to("sendMessage")) >= 2)
        proc.send_signal(signal.SIGTERM)
        output = (await asyncio.wait_for(proc.stdout.read(), 30)).decode()  # type: ignore[union-attr]
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
    assert len(emulator.bot_messages(7001)) == 2, emulator.transcript(7001) + output
    assert '"event": "stopped"' in output and '"unfinished": 0' in output
    assert emulator.token.split(":")[1] not in output
    assert "/start" not in output and "invite link" not in output
