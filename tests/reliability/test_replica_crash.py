"""Two webhook replicas behind a load balancer, one SIGKILLed while 20 students submit: every
student's next update is answered within 15 s (the dead replica's claims and locks are leases
of a few seconds, not minutes), the updates it was handling are redelivered and handled once,
and each submission is stored and announced once."""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from pathlib import Path

from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Submission
from tests import documents
from tests.conftest import Chat, Harness, bucket_keys, free_port
from tests.reliability.tools import TALLY, LoadBalancer, RedisServer
from tests.support.conversation import invite_code, join
from tests.support.replica import Replica
from tgemu import BotAPIEmulator

STUDENTS = 20
TARGET_SECONDS = 15


async def test_a_killed_replica_blocks_nobody_for_long(
        emulator: BotAPIEmulator, db: str, bucket: str, s3_endpoint: str,
        own_redis: RedisServer, tmp_path: Path) -> None:
    emu = emulator
    ports = [free_port(), free_port()]
    balancer = await LoadBalancer(ports).start()
    base = {**os.environ,
            "TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_API_URL": emu.base_url,
            "BOT_MODE": "webhook", "WEBHOOK_BASE_URL": f"http://127.0.0.1:{balancer.port}",
            "WEBHOOK_SECRET": "hook-" + secrets.token_hex(16),
            "WEBHOOK_MAX_REDELIVERIES": "60", "HTTP_HOST": "127.0.0.1",
            "DATABASE_URL": db, "REDIS_URL": own_redis.url, "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": s3_endpoint, "ADMIN_IDS": "1",
            "DATA_DIR": str(tmp_path / "data"), "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
            "NOTIFY_RATE_PER_SECOND": "200", "NOTIFY_CHAT_RATE_PER_SECOND": "50",
            "FLOOD_RATE": "1000"}
    log = tmp_path / "bot.log"
    doomed, survivor = (Replica({**base, "HTTP_PORT": str(port)}, log) for port in ports)
    harness = Harness(emu, None, None)  # type: ignore[arg-type]
    try:
        await doomed.start()
        await survivor.start()
        supervisor, students = await _cohort(harness)
        for student in students:
            await student.say("/submit")
        await asyncio.gather(*(s.say(f"Thesis of {s.name}") for s in students))

        # Every upload is slow to fetch from Telegram, so that each replica is in the middle
        # of about half of them when the first one dies.
        emu.set_delay("getFile", 3.0)
        marks = {s.id: s.bot_count for s in students}
        for student in students:
            await emu.send_document(student.id, documents.pdf(f"v1 of {student.name}"),
                                    "thesis.pdf")
        await emu.wait_until(lambda: min(balancer.in_flight.values()) >= STUDENTS // 2 - 2,
                             timeout=20)
        await doomed.kill()
        killed_at = time.monotonic()
        emu.set_delay("getFile", 0.0)
        for student in students:
            await emu.send_text(student.id, "/skip")

        answered: dict[int, float] = {}

        def received(student: Chat) -> bool:
            if student.id not in answered and any(
                    "Version 1 received" in m.content
                    for m in emu.bot_messages(student.id)[marks[student.id]:]):
                answered[student.id] = time.monotonic() - killed_at
            return student.id in answered

        await emu.wait_until(lambda: all([received(s) for s in students]), timeout=60)
        slowest = max(answered.values())
        assert slowest <= TARGET_SECONDS, sorted(answered.values())

        # Stored once: one version per student, each file in the bucket.
        engine = create_engine(db)
        async with engine.connect() as conn:
            versions = (await conn.execute(select(func.count()).select_from(Submission)))\
                .scalar_one()
            keys = list((await conn.execute(select(Submission.file_key))).scalars())
        await engine.dispose()
        assert versions == STUDENTS
        assert set(keys) <= set(await bucket_keys(s3_endpoint, bucket))
        # Announced once: one card per version, and each student heard back once.
        await emu.wait_until(lambda: _cards(emu, supervisor) >= STUDENTS, timeout=30)
        await asyncio.sleep(1.5)
        replies = [m.content for s in students for m in emu.bot_messages(s.id)[marks[s.id]:]]
        TALLY.delivered(sent=2 * STUDENTS, handled=len(answered) * 2)
        TALLY.effects(expected=STUDENTS, observed=_cards(emu, supervisor))
        TALLY.effects(expected=STUDENTS,
                      observed=sum("Version 1 received" in r for r in replies))
        assert _cards(emu, supervisor) == STUDENTS
        assert sum("Version 1 received" in r for r in replies) == STUDENTS
        assert not any("Version 2" in r for r in replies)
        assert await survivor.terminate() == 0
    finally:
        await doomed.kill()
        await survivor.kill()
        await balancer.close()


def _cards(emu: BotAPIEmulator, supervisor: Chat) -> int:
    return len([m for m in emu.bot_messages(supervisor.id) if m.document])


async def _cohort(harness: Harness) -> tuple[Chat, list[Chat]]:
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    supervisor = harness.chat(100, "Sam", "Supervisor")
    await join(admin, supervisor, invite_code(await admin.say("/invite")))
    code = invite_code(await supervisor.say(f"/invite 30 {STUDENTS}"))
    students = [harness.chat(300 + i, f"S{i}", "Student") for i in range(STUDENTS)]
    joined = await asyncio.gather(*(join(supervisor, s, code) for s in students))
    assert all("Sam Supervisor" in reply for reply in joined), joined
    return supervisor, students
