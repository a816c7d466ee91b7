"""Dependencies going down and coming back (webhook mode, as in production): the user hears
once that we are briefly unavailable, the update is redelivered and handled when the
dependency is back, /ready recovers within 30 seconds without a restart, and a poison
update stops coming back after WEBHOOK_MAX_REDELIVERIES."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Submission
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.reliability.tools import TALLY, RedisServer, TcpProxy, get_status
from tests.support.conversation import onboard
from tests.support.files import assert_files_consistent

RETRYING = "no need to send it again"
READY_WITHIN = 30.0


async def ready_after(harness: Harness, since: float) -> float:
    """Seconds from ``since`` until /ready answers 200 (fails after READY_WITHIN)."""
    while time.monotonic() - since < READY_WITHIN:
        if await get_status(f"{harness.http}/ready") == 200:
            return time.monotonic() - since
        await asyncio.sleep(0.2)
    raise AssertionError(f"/ready did not recover within {READY_WITHIN}s")


async def send_during_outage(chat: Chat, text: str) -> int:
    """Send; the first answer must be the one 'briefly unavailable' notice."""
    before = chat.bot_count
    await chat.emu.send_text(chat.id, text)
    notice = (await chat.expect(1, before))[-1].content
    assert RETRYING in notice, notice
    return before


def count_retrying(chat: Chat, since: int) -> int:
    return sum(RETRYING in m.content for m in chat.emu.bot_messages(chat.id)[since:])


async def test_database_outage_loses_nothing_and_recovers(
        make_bot: BotFactory, db_via_proxy: str, pg_proxy: TcpProxy) -> None:
    harness = await make_bot("webhook", database_url=db_via_proxy,
                             webhook_max_redeliveries=60)
    _admin, supervisor, alice, bob = await onboard(harness)
    assert await get_status(f"{harness.http}/ready") == 200
    await pg_proxy.cut()
    plan = [(alice, "/status", "not submitted anything"), (bob, "/history", "No versions"),
            (supervisor, "/students", "Your students")]
    marks = [await send_during_outage(chat, text) for chat, text, _ in plan]
    assert await get_status(f"{harness.http}/ready") == 503
    await asyncio.sleep(1.0)  # redeliveries keep failing meanwhile
    await pg_proxy.restore()
    restored = time.monotonic()
    handled = 0
    for (chat, _text, expected), mark in zip(plan, marks, strict=True):
        replies = await chat.expect(2, mark, timeout=20)
        assert expected in replies[1].content, chat.emu.transcript(chat.id)
        handled += 1
    await harness.emu.wait_webhook_idle(timeout=20)
    await asyncio.sleep(0.3)
    for (chat, _text, _expected), mark in zip(plan, marks, strict=True):
        # One notice and one answer: nothing said twice, nothing done twice.
        TALLY.effects(expected=2, observed=chat.bot_count - mark)
        assert chat.bot_count - mark == 2 and count_retrying(chat, mark) == 1
    TALLY.delivered(sent=len(plan), handled=handled)
    assert await ready_after(harness, restored) < READY_WITHIN


async def test_redis_outage_loses_nothing_and_recovers(
        make_bot: BotFactory, own_redis: RedisServer) -> None:
    harness = await make_bot("webhook", webhook_max_redeliveries=60)
    _admin, supervisor, alice, _bob = await onboard(harness)
    own_redis.stop()
    try:
        plan = [(alice, "/status", "not submitted anything"),
                (supervisor, "/queue", "No versions are waiting")]
        marks = [await send_during_outage(chat, text) for chat, text, _ in plan]
        assert await get_status(f"{harness.http}/ready") == 503
        await asyncio.sleep(1.0)
    finally:
        own_redis.start()
    restored = time.monotonic()
    handled = 0
    for (chat, _text, expected), mark in zip(plan, marks, strict=True):
        replies = await chat.expect(2, mark, timeout=20)
        assert expected in replies[1].content, chat.emu.transcript(chat.id)
        handled += 1
    await harness.emu.wait_webhook_idle(timeout=20)
    await asyncio.sleep(0.3)
    for (chat, _text, _expected), mark in zip(plan, marks, strict=True):
        TALLY.effects(expected=2, observed=chat.bot_count - mark)
        assert chat.bot_count - mark == 2
    TALLY.delivered(sent=len(plan), handled=handled)
    assert await ready_after(harness, restored) < READY_WITHIN
    # The bot is fully back: a whole conversation (FSM in Redis) works.
    assert "title" in await alice.say("/submit")
    assert "PDF" in await alice.say("After the outage")


async def test_s3_outage_keeps_the_upload_and_stores_it_once(
        make_bot: BotFactory, s3_proxy: TcpProxy) -> None:
    harness = await make_bot("webhook", webhook_max_redeliveries=60,
                             s3_endpoint_url=f"http://127.0.0.1:{s3_proxy.port}")
    _admin, _supervisor, alice, _bob = await onboard(harness)
    await alice.say("/submit")
    await alice.say("Stored despite S3")
    await s3_proxy.cut()
    before = alice.bot_count
    await harness.emu.send_document(alice.id, documents.pdf("outage"), "outage.pdf")
    assert RETRYING in (await alice.expect(1, before))[-1].content
    assert await get_status(f"{harness.http}/ready") == 503
    await asyncio.sleep(1.0)
    await s3_proxy.restore()
    restored = time.monotonic()
    replies = await alice.expect(2, before, timeout=30)
    assert "note" in replies[1].content, harness.emu.transcript(alice.id)
    TALLY.delivered(sent=1, handled=1)
    assert "Version 1 received" in await alice.say("/skip")
    keys = await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket)
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(func.count()).select_from(Submission))).scalar_one()
    await engine.dispose()
    # One object and one row: the failed attempts left nothing behind.
    TALLY.effects(expected=1, observed=len(keys))
    assert rows == 1 and len(keys) == 1, keys
    await assert_files_consistent(harness.settings.effective_database_url,
                                  harness.settings.s3_endpoint_url or "",
                                  harness.settings.s3_bucket or "")
    assert await ready_after(harness, restored) < READY_WITHIN


async def test_a_poison_update_stops_coming_back(
        make_bot: BotFactory, db_via_proxy: str, pg_proxy: TcpProxy) -> None:
    harness = await make_bot("webhook", database_url=db_via_proxy, webhook_max_redeliveries=3)
    alice = harness.chat(201, "Alice", "A")
    await pg_proxy.cut()
    try:
        before = alice.bot_count
        await harness.emu.send_text(alice.id, "/status")
        update_id = harness.emu.updates[-1]["update_id"]
        await harness.emu.wait_webhook_idle(timeout=20)
        await asyncio.sleep(0.5)
    finally:
        await pg_proxy.restore()
    attempts = [d for d in harness.emu.webhook_deliveries if d.update_id == update_id]
    # Two failures answered 503, the third given up (200): Telegram stops redelivering.
    assert [d.status for d in attempts] == [503, 503, 200], attempts
    texts = [m.content for m in harness.emu.bot_messages(alice.id)[before:]]
    assert len(texts) == 2 and RETRYING in texts[0] and "try again" in texts[1], texts
    TALLY.bad_input("update failing on every redelivery", len(texts) == 2)
