"""The real process (``python -m bot run``, JSON logs): SIGTERM under load finishes the
updates in flight and writes nothing by halves, updates arriving meanwhile are handled by
the next process, and the logs of the whole journey carry no token, password, secret,
message text or file content."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select

from storage.db import create_engine
from storage.models import Submission
from tests import documents
from tests.conftest import Harness, bucket_keys, free_port
from tests.reliability.conftest import DB_PASSWORD
from tests.reliability.tools import TALLY, RedisServer
from tests.support.conversation import onboard
from tests.support.replica import Replica
from tgemu import BotAPIEmulator

ROOT = Path(__file__).resolve().parents[2]


async def test_sigterm_under_load_and_logs_without_secrets(
        emulator: BotAPIEmulator, db_via_proxy: str, bucket: str, s3_endpoint: str,
        own_redis: RedisServer, tmp_path: Path) -> None:
    emu = emulator
    port = free_port()
    secret = "hook-" + secrets.token_hex(16)
    env = {**os.environ,
           "TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_API_URL": emu.base_url,
           "BOT_MODE": "webhook", "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}",
           "WEBHOOK_SECRET": secret, "WEBHOOK_MAX_REDELIVERIES": "60",
           "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port),
           "DATABASE_URL": db_via_proxy, "REDIS_URL": own_redis.url,
           "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint, "ADMIN_IDS": "1",
           "DATA_DIR": str(tmp_path / "data"), "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
           "SHUTDOWN_TIMEOUT_SECONDS": "20", "NOTIFY_RATE_PER_SECOND": "200",
           "NOTIFY_CHAT_RATE_PER_SECOND": "50", "FLOOD_RATE": "1000"}
    assert DB_PASSWORD in db_via_proxy
    log = tmp_path / "bot.log"
    first, second = Replica(env, log), Replica(env, log)
    harness = Harness(emu, None, None)  # type: ignore[arg-type]
    marker = "m" + secrets.token_hex(8)
    said = [f"{marker}-title", f"{marker}-note-a", f"{marker}-note-b", f"{marker}-chat",
            f"{marker}-comment"]
    try:
        await first.start()
        _admin, supervisor, alice, bob = await onboard(harness)
        # Text outside a step is offered to her supervisor (and not sent: Cancel).
        assert "Send this to your supervisor?" in await alice.say(said[3])
        await alice.click("Cancel", expect=0)
        await emu.wait_until(lambda: "Not sent." in (alice.last().content or ""))
        for student, body in ((alice, "alice"), (bob, "bob")):
            await student.say("/submit")
            await student.say(said[0])
            await student.upload(documents.pdf(f"{marker}-file-{body}"), f"{marker}.pdf")

        # Load: four updates in flight (each stuck in a slow sendMessage), then SIGTERM.
        emu.set_delay("sendMessage", 0.8)
        calls = len(emu.calls_to("sendMessage"))
        in_flight = [(alice, said[1], "Version 1 received"), (bob, said[2], "Version 1 received"),
                     (supervisor, "/students", "Your students"), (_admin, "/stats", "Statistics")]
        marks = []
        for chat, text, _ in in_flight:
            marks.append(chat.bot_count)
            await emu.send_text(chat.id, text)
        await emu.wait_until(lambda: len(emu.calls_to("sendMessage")) >= calls + 4)
        stopping = asyncio.create_task(first.terminate())
        await asyncio.sleep(0.1)
        # These arrive while the first process is stopping: the next one must handle them.
        late = [(alice, "/status", "Waiting for your supervisor"),
                (bob, "/history", "v1")]
        late_marks = []
        for chat, text, _ in late:
            late_marks.append(chat.bot_count)
            await emu.send_text(chat.id, text)
        assert await stopping == 0, log.read_text()[-3000:]
        done_in_flight = sum(
            any(needle in m.content for m in emu.bot_messages(chat.id)[mark:])
            for (chat, _t, needle), mark in zip(in_flight, marks, strict=True))
        assert done_in_flight == len(in_flight), [emu.transcript(c.id) for c, *_ in in_flight]

        # Nothing half-written: every row's file is stored, and no object lacks its row.
        engine = create_engine(db_via_proxy)
        async with engine.connect() as conn:
            rows = list((await conn.execute(select(Submission.file_key))).scalars())
        await engine.dispose()
        assert sorted(rows) == await bucket_keys(s3_endpoint, bucket) and len(rows) == 2

        emu.set_delay("sendMessage", 0.0)
        await second.start()
        done_late = 0
        for (chat, _text, needle), mark in zip(late, late_marks, strict=True):
            await emu.wait_until(lambda c=chat, m=mark, n=needle: any(
                n in x.content for x in emu.bot_messages(c.id)[m:]), timeout=30)
            done_late += 1
        # The supervisor hears of each version once (the outbox survives the restart).
        await emu.wait_until(lambda: len([m for m in emu.bot_messages(supervisor.id)
                                          if m.document]) >= 2, timeout=30)
        card = [m for m in emu.bot_messages(supervisor.id) if m.document][-1]
        await supervisor.click("Request changes", message_id=card.message_id)
        # Request changes asks only for the comment (issue 27): it is recorded with it.
        assert "Recorded" in await supervisor.say(said[4])
        await asyncio.sleep(1.0)
        cards = len([m for m in emu.bot_messages(supervisor.id) if m.document])
        TALLY.delivered(sent=len(in_flight) + len(late), handled=done_in_flight + done_late)
        TALLY.effects(expected=2, observed=cards)
        assert cards == 2
        assert await second.terminate() == 0
    finally:
        await first.kill()
        await second.kill()

    text = log.read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    events: list[dict[str, Any]] = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    assert len(events) >= 0.9 * len(lines), "logs are JSON lines"
    assert {"started", "stopped", "update"} <= {e.get("event") for e in events}
    forbidden = {"token": emu.token, "token secret part": emu.token.split(":", 1)[1],
                 "database password": DB_PASSWORD, "webhook secret": secret,
                 **{f"text {i}": value for i, value in enumerate(said)},
                 "file content": f"{marker}-file"}
    leaks = [name for name, value in forbidden.items() if value in text]
    TALLY.bad_input("logs searched for secrets and user content", not leaks)
    assert not leaks, leaks
