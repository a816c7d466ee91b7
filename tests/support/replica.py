"""A bot replica as its own process (``python -m bot run``), for the reliability tests."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

from tests.reliability.tools import get_status

ROOT = Path(__file__).resolve().parents[2]


class Replica:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as handle:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, cwd=ROOT, stdout=handle,
                stderr=asyncio.subprocess.STDOUT)
        url = f"http://127.0.0.1:{self.env['HTTP_PORT']}/health"
        deadline = time.monotonic() + 30
        while await get_status(url) != 200:
            assert self.proc.returncode is None, self.log.read_text()
            assert time.monotonic() < deadline, "the bot did not start"
            await asyncio.sleep(0.1)

    async def terminate(self, limit: float = 30) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), limit)

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

