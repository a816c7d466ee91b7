"""The embedded defaults: SQLite, in-memory FSM and a local files folder."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from bot.ops.migrate import upgrade
from tests import documents
from tests.conftest import BotFactory
from tests.support.conversation import onboard, submit


async def test_journey_on_sqlite_memory_and_local_files(make_bot: BotFactory,
                                                         tmp_path: Path) -> None:
    data_dir = tmp_path / "embedded"
    sqlite_url = f"sqlite+aiosqlite:///{data_dir / 'thesis.sqlite3'}"
    data_dir.mkdir()
    await asyncio.to_thread(upgrade, sqlite_url)
    harness = await make_bot(database_url=None, redis_url=None, s3_bucket=None,
                             data_dir=data_dir)
    assert harness.settings.effective_database_url == sqlite_url
    _admin, supervisor, alice, _bob = await onboard(harness)
    pdf = documents.pdf("embedded")
    assert "Version 1 received" in await submit(alice, pdf, "t.pdf", title="Local")
    await harness.emu.wait_until(lambda: any(m.document for m in
                                             harness.emu.bot_messages(supervisor.id)))
    stored = [p for p in (data_dir / "files").rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert hashlib.sha256(stored[0].read_bytes()).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert "Approved" in (await supervisor.click("Approve"))[-1].content
    assert "approved" in (await supervisor.click("Done"))[-1].content
    assert "approved" in await alice.say("/status")
