"""The notification outbox against the real PostgreSQL and the Bot API emulator: flood
control (429 with retry_after) and 5xx outages recovered from with every notification
delivered exactly once; a 403 marks the user unreachable and tells their supervisor; a row
left in `sending` by a killed process is delivered by the next sender, and the killed
sender's late writes are fenced off; 1,000 notifications go out at no more than the rate."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from redis.asyncio import Redis
from sqlalchemy import event, select, update

from bot.metrics import OUTBOX_FAILED, OUTBOX_MALFORMED
from bot.workers import OutboxSender, SenderConfig
from services.clock import Clock, ManualClock, SystemClock
from services.notifications import (
    AccessDeactivated,
    DeadlineSet,
    DecisionMade,
    Kind,
    notify,
)
from services.vocabulary import OutboxStatus
from storage.db import create_engine, create_session_factory
from storage.models import OutboxMessage, User
from storage.repositories import outbox
from telegram.texts import Texts
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tgemu import ApiError, BotAPIEmulator


class Recorder:
    """Wraps the emulator's method dispatch: (monotonic time, method, chat, status)."""

    def __init__(self, emu: BotAPIEmulator) -> None:
        self.calls: list[tuple[float, str, int, int]] = []
        original = emu.call

        async def call(method: str, params: dict[str, Any], uploads: Any = None) -> Any:
            at = time.monotonic()
            try:
                result = await original(method, params, uploads)
            except ApiError as exc:
                self.calls.append((at, method, int(params.get("chat_id") or 0), exc.status))
                raise
            self.calls.append((at, method, int(params.get("chat_id") or 0), 200))
            return result

        emu.call = call  # type: ignore[method-assign]

    def sends(self, status: int | None = 200) -> list[tuple[float, int]]:
        return [(at, chat) for at, method, chat, code in self.calls
                if method == "sendMessage" and (status is None or code == status)]


@pytest.fixture
async def sessions(db: str) -> AsyncIterator[Any]:
    engine = create_engine(db)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    api = TelegramAPIServer.from_base(emulator.base_url)
    bot = Bot(emulator.token, session=AiohttpSession(api=api),
              default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield bot
    await bot.session.close()


def sender(bot: Bot, sessions: Any, clock: Clock | None = None, **config: Any) -> OutboxSender:
    values: dict[str, Any] = dict(rate_per_second=200, chat_rate_per_second=50,
                                  backoff_base=0.05, poll_seconds=0.05)
    values.update(config)
    return OutboxSender(bot, sessions, clock or SystemClock(), Texts("en"),
                        SenderConfig(**values))


async def queue(sessions: Any, items: list[tuple[int, str]], clock: Clock | None = None) -> None:
    now = (clock or SystemClock()).now()
    async with sessions() as session, session.begin():
        for chat_id, title in items:
            notify(session, chat_id, DeadlineSet(milestone_id=1, title=title, due_at=START,
                                                 supervisor_name="Sam"), now)


async def rows(sessions: Any) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
                    .all())


@contextlib.asynccontextmanager
async def running(*senders: OutboxSender) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(s.run(stop)) for s in senders]
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)


def titles(emu: BotAPIEmulator, chat_ids: list[int]) -> Counter[str]:
    found: Counter[str] = Counter()
    for chat_id in chat_ids:
        for message in emu.bot_messages(chat_id):
            found[message.content.split(": ", 1)[1].split(",")[0]] += 1
    return found


async def test_429_and_5xx_then_recovery_each_delivered_once(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    chats = list(range(401, 406))
    for chat_id in chats:
        emulator.add_user(chat_id, f"User {chat_id}")
    recorder = Recorder(emulator)
    items = [(chat_id, f"n{chat_id}-{k}") for k in range(4) for chat_id in chats]
    await queue(sessions, items)
    emulator.fail("sendMessage", 429, times=2, retry_after=1)
    emulator.fail("sendMessage", 500, times=3)
    emulator.fail("sendMessage", 502, times=1)
    async with running(sender(bot, sessions)):
        await emulator.wait_until(
            lambda: sum(len(emulator.bot_messages(c)) for c in chats) >= len(items), 20)
        await asyncio.sleep(0.3)  # nothing more may arrive
    assert titles(emulator, chats) == Counter(title for _, title in items)
    assert {r.status for r in await rows(sessions)} == {OutboxStatus.SENT.value}
    assert len(recorder.sends(None)) == len(items) + 6
    assert len(recorder.sends(429)) == 2 and len(recorder.sends(500)) == 3
    # After each 429 every send waited retry_after (requests already on the wire aside).
    for at, _chat in recorder.sends(429):
        during = [t for t, _ in recorder.sends(None) if at + 0.05 < t < at + 0.95]
        assert during == [], (at, during)


async def test_5xx_forever_gives_up_after_max_attempts(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    emulator.add_user(411, "Doomed")
    emulator.add_user(412, "Fine")
    recorder = Recorder(emulator)
    await queue(sessions, [(411, "doomed")])
    emulator.fail("sendMessage", 500, times=3)
    async with running(sender(bot, sessions, max_attempts=3)):
        await emulator.wait_until(lambda: len(recorder.sends(None)) >= 3, 10)
        await asyncio.sleep(0.3)
        await queue(sessions, [(412, "fine")])
        await emulator.wait_until(lambda: len(emulator.bot_messages(412)) == 1, 10)
    doomed, fine = await rows(sessions)
    assert (doomed.status, doomed.attempts) == (OutboxStatus.FAILED.value, 3)
    assert "TelegramServerError" in (doomed.last_error or "")
    assert fine.status == OutboxStatus.SENT.value
    assert emulator.bot_messages(411) == []


async def test_403_marks_unreachable_and_tells_supervisor(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any, db: str) -> None:
    await seed(db)
    for user_id, name in ((SUPERVISOR, "Sam"), (ALICE, "Alice"), (BOB, "Bob")):
        emulator.add_user(user_id, name)
    emulator.block(ALICE)
    recorder = Recorder(emulator)
    await queue(sessions, [(ALICE, "a1"), (ALICE, "a2"), (BOB, "b1"), (ALICE, "a3")])
    async with running(sender(bot, sessions)):
        await emulator.wait_until(lambda: len(emulator.bot_messages(SUPERVISOR)) >= 1
                                  and len(emulator.bot_messages(BOB)) >= 1, 10)
        # Later notifications to her fail at once, and the supervisor is not told twice.
        await queue(sessions, [(ALICE, "a4")])
        await emulator.wait_until(lambda: len(recorder.sends(403)) >= 2, 10)
        await asyncio.sleep(0.3)
    [told] = emulator.bot_messages(SUPERVISOR)
    assert "Alice A has blocked the bot" in told.content
    assert emulator.bot_messages(BOB)[0].content.startswith("📅")
    async with sessions() as session:
        assert (await session.get(User, ALICE)).reachable is False
        assert (await session.get(User, BOB)).reachable is True
    by_chat = {(r.chat_id, r.payload.get("title")): r.status for r in await rows(sessions)}
    assert by_chat[(ALICE, "a1")] == by_chat[(ALICE, "a2")] == by_chat[(ALICE, "a3")] \
        == by_chat[(ALICE, "a4")] == OutboxStatus.FAILED.value
    assert by_chat[(BOB, "b1")] == OutboxStatus.SENT.value
    # One attempt when she blocked the bot, one for the later notification: no more.
    assert len([c for _, c in recorder.sends(403)]) == 2


async def test_row_of_a_killed_sender_is_delivered_by_the_next(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    emulator.add_user(421, "Patient")
    clock = ManualClock(START)
    await queue(sessions, [(421, "orphan")], clock)
    lease = timedelta(minutes=2)
    # A sender claims the row, then its process is killed before it sends anything.
    async with sessions() as session, session.begin():
        [claimed] = await outbox.claim(session, now=clock.now(), limit=10, lease=lease)
    assert claimed.status == OutboxStatus.SENDING.value
    survivor = sender(bot, sessions, clock, lease=lease)
    clock.advance(minutes=1)
    assert await survivor.run_once() == 0  # still leased to the dead sender
    clock.advance(minutes=1, seconds=1)
    assert await survivor.run_once() == 1
    assert [m.content for m in emulator.bot_messages(421)] == [
        "📅 New milestone from Sam: orphan, due 2030-03-01 10:00 UTC.\n"
        "Submit with /submit; see all your deadlines with /deadlines."]
    [row] = await rows(sessions)
    assert (row.status, row.attempts) == (OutboxStatus.SENT.value, 2)
    # The "dead" sender wakes up and reports its stale attempt: fenced off, no effect.
    async with sessions() as session, session.begin():
        await outbox.reschedule(session, row.id, clock.now(), "late", claimed.attempts)
        await outbox.mark_failed(session, row.id, "late", claimed.attempts)
    [row] = await rows(sessions)
    assert row.status == OutboxStatus.SENT.value and row.last_error is None
    assert await survivor.run_once() == 0
    assert len(emulator.bot_messages(421)) == 1


async def test_a_thousand_notifications_keep_to_the_rate(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    rate, chat_rate = 200, 50
    chats = list(range(10_000, 10_250))
    for chat_id in chats:
        emulator.add_user(chat_id, f"U{chat_id}")
    recorder = Recorder(emulator)
    items = [(chat_id, f"m{k}-{chat_id}") for k in range(4) for chat_id in chats]
    await queue(sessions, items)
    started = time.monotonic()
    async with running(sender(bot, sessions, rate_per_second=rate,
                              chat_rate_per_second=chat_rate)):
        await emulator.wait_until(lambda: len(recorder.sends()) >= len(items), 25)
        await asyncio.sleep(0.3)
    elapsed = time.monotonic() - started
    assert titles(emulator, chats) == Counter(title for _, title in items)  # exactly once
    times = sorted(at for at, _ in recorder.sends())
    assert len(times) == 1000
    busiest, j = 0, 0
    for i, at in enumerate(times):
        while times[j] <= at - 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    assert busiest <= rate + 5, busiest
    assert elapsed >= (len(items) - rate - 5) / rate  # it was paced, not merely fast
    # Per chat: consecutive messages at least 1/chat_rate apart (small network jitter).
    last: dict[int, float] = {}
    for at, chat in sorted(recorder.sends()):
        if chat in last:
            assert at - last[chat] >= 1 / chat_rate - 0.005, (chat, at - last[chat])
        last[chat] = at


async def test_a_malformed_row_is_failed_with_its_reason_counted_and_never_retried(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    emulator.add_user(431, "Odd")
    clock = ManualClock(START)
    async with sessions() as session, session.begin():
        outbox.add(session, chat_id=431, kind="carrier_pigeon", payload={}, now=clock.now())
        outbox.add(session, chat_id=431, kind="deadline_set", payload={"title": "renamed"},
                   now=clock.now())
    await queue(sessions, [(431, "fine")], clock)
    before = {kind: OUTBOX_MALFORMED.labels(kind=kind)._value.get()
              for kind in ("carrier_pigeon", "deadline_set")}
    worker = sender(bot, sessions, clock)
    assert await worker.run_once() == 3
    unknown, renamed, fine = await rows(sessions)
    assert unknown.status == renamed.status == OutboxStatus.FAILED.value
    assert (unknown.last_error or "").startswith("malformed: unknown kind 'carrier_pigeon'")
    assert "milestone_id" in (renamed.last_error or "")
    assert fine.status == OutboxStatus.SENT.value
    assert [m.content.split(": ", 1)[1].split(",")[0]
            for m in emulator.bot_messages(431)] == ["fine"]
    assert {kind: OUTBOX_MALFORMED.labels(kind=kind)._value.get() - before[kind]
            for kind in before} == {"carrier_pigeon": 1, "deadline_set": 1}
    clock.advance(hours=1)
    assert await worker.run_once() == 0  # failed for good, not retried


async def test_a_two_part_notification_resends_only_the_part_that_failed(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    emulator.add_user(441, "Alice")
    feedback = await emulator.store_file(b"%PDF-1.4 annotated", "feedback.pdf")
    clock = ManualClock(START)
    comment = "Rework chapter two. " * 100  # too long for a caption: text first, then file
    async with sessions() as session, session.begin():
        notify(session, 441, DecisionMade(
            submission_id=1, decision="changes_requested", title="Thesis", version=1,
            comment=comment, grade=None, reviewer_name="Sam",
            feedback_file_id=feedback.file_id, feedback_file_name="feedback.pdf"), clock.now())
    recorder = Recorder(emulator)
    emulator.fail("sendDocument", 500, times=1)
    worker = sender(bot, sessions, clock)
    assert await worker.run_once() == 1
    [row] = await rows(sessions)
    assert (row.status, row.parts_sent) == (OutboxStatus.PENDING.value, 1)
    clock.advance(minutes=1)
    assert await worker.run_once() == 1
    assert [(method, code) for _, method, chat, code in recorder.calls if chat == 441] == [
        ("sendMessage", 200), ("sendDocument", 500), ("sendDocument", 200)]
    text, document = emulator.bot_messages(441)
    assert "Rework chapter two." in text.content and document.document is not None
    assert document.document["file_id"] == feedback.file_id
    [row] = await rows(sessions)
    assert row.status == OutboxStatus.SENT.value
    # The message with the text (and its buttons) is the one recorded, across the retry.
    assert (row.ref, row.message_id) == ("submission:1", text.message_id)


async def test_a_sent_notification_keeps_its_message_and_what_it_is_about(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    emulator.add_user(442, "Alice")
    now = SystemClock().now()
    async with sessions() as session, session.begin():
        notify(session, 442, DecisionMade(
            submission_id=7, decision="approved", title="Thesis", version=2, comment=None,
            grade=None, reviewer_name="Sam", feedback_file_id=None, feedback_file_name=None),
            now)
        notify(session, 442, DeadlineSet(milestone_id=1, title="Draft", due_at=START,
                                         supervisor_name="Sam"), now)
    assert await sender(bot, sessions).run_once() == 2
    sent_notice, sent_deadline = emulator.bot_messages(442)
    async with sessions() as session:
        [found] = await outbox.sent_about(session, "submission:7", [Kind.DECISION.value])
        assert found.message_id == sent_notice.message_id
        assert (await outbox.by_message(session, 442, sent_deadline.message_id)).ref is None
        assert await outbox.by_message(session, 443, sent_notice.message_id) is None


def counted(worker: OutboxSender) -> list[int]:
    """Wraps one sender's sends, so a test sees that both replicas took part."""
    sends: list[int] = []
    send = worker._send

    async def counting(row: OutboxMessage, message: Any) -> None:
        await send(row, message)
        sends.append(row.chat_id)

    worker._send = counting  # type: ignore[method-assign]
    return sends


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    busiest, j = 0, 0
    for i, at in enumerate(times):
        while times[j] <= at - 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    return busiest


async def two_replicas_send(emulator: BotAPIEmulator, bot: Bot, sessions: Any,
                            redis: Redis, chats: list[int], rate: int,
                            ) -> tuple[list[float], list[list[int]]]:
    for chat_id in chats:
        emulator.add_user(chat_id, f"U{chat_id}")
    recorder = Recorder(emulator)
    await queue(sessions, [(chat_id, f"r{chat_id}") for chat_id in chats])
    senders = [OutboxSender(bot, sessions, SystemClock(), Texts("en"),
                            SenderConfig(rate_per_second=rate, chat_rate_per_second=50,
                                         batch=len(chats) // 2, poll_seconds=0.05),
                            redis=redis) for _ in range(2)]
    sends = [counted(s) for s in senders]
    async with running(*senders):
        await emulator.wait_until(lambda: len(recorder.sends()) >= len(chats), 30)
        await asyncio.sleep(0.3)
    assert titles(emulator, chats) == Counter(f"r{chat_id}" for chat_id in chats)  # once each
    return [at for at, _ in recorder.sends()], sends


async def test_two_replicas_share_the_rate_through_redis(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any, redis_url: str) -> None:
    rate, chats = 20, list(range(12_000, 12_060))
    redis = Redis.from_url(redis_url)
    async for key in redis.scan_iter(f"outbox-rate:{bot.id}:*"):
        await redis.delete(key)
    try:
        times, sends = await two_replicas_send(emulator, bot, sessions, redis, chats, rate)
    finally:
        await redis.aclose()
    assert all(sends), [len(s) for s in sends]  # both replicas sent
    # Together at the rate of one: 60 sends at 20/s take about 3 s (each alone: 1.5 s).
    assert busiest_second(times) <= rate + 3, busiest_second(times)
    assert max(times) - min(times) >= (len(chats) - 1) / rate - 0.5


async def test_without_redis_each_replica_keeps_the_rate_alone(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any) -> None:
    rate, chats = 20, list(range(12_100, 12_160))
    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2,
                          socket_timeout=0.2)
    try:
        times, sends = await two_replicas_send(emulator, bot, sessions, down, chats, rate)
    finally:
        await down.aclose()
    assert all(sends), [len(s) for s in sends]
    # Still sending, each replica paced on its own: above one rate, within two.
    assert rate + 5 < busiest_second(times) <= 2 * rate + 5, busiest_second(times)


async def test_a_deactivated_recipient_is_sent_nothing_but_the_notice_of_it(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any, db: str) -> None:
    await seed(db)
    for user_id, name in ((ALICE, "Alice"), (BOB, "Bob")):
        emulator.add_user(user_id, name)
    await queue(sessions, [(ALICE, "a1"), (BOB, "b1")])
    async with sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == ALICE).values(deactivated_at=START))
        notify(session, ALICE, AccessDeactivated(), SystemClock().now())
    before = OUTBOX_FAILED.labels(reason="deactivated")._value.get()
    async with running(sender(bot, sessions)):
        await emulator.wait_until(lambda: len(emulator.bot_messages(BOB)) == 1
                                  and len(emulator.bot_messages(ALICE)) == 1, 10)
        await asyncio.sleep(0.2)
    [notice] = emulator.bot_messages(ALICE)
    assert "deactivated your access" in notice.content
    by_title = {(r.chat_id, r.kind, r.payload.get("title")): (r.status, r.last_error)
                for r in await rows(sessions)}
    # Not lost silently: failed with its reason, and counted.
    assert by_title[(ALICE, "deadline_set", "a1")] == (OutboxStatus.FAILED.value,
                                                       "recipient deactivated")
    assert by_title[(ALICE, "access_deactivated", None)][0] == OutboxStatus.SENT.value
    assert by_title[(BOB, "deadline_set", "b1")][0] == OutboxStatus.SENT.value
    assert OUTBOX_FAILED.labels(reason="deactivated")._value.get() - before == 1


async def test_each_notification_in_its_recipients_language_one_lookup_a_batch(
        emulator: BotAPIEmulator, bot: Bot, sessions: Any, db: str) -> None:
    await seed(db)
    async with sessions() as session, session.begin():
        await session.execute(User.__table__.update().where(User.id == ALICE)
                              .values(language="ru"))
    for chat_id in (SUPERVISOR, ALICE, BOB, 999):  # 999: no user (an admin-to-be, say)
        emulator.add_user(chat_id, f"User {chat_id}")
    await queue(sessions, [(chat_id, f"Chapter {n}") for n in range(3)
                           for chat_id in (SUPERVISOR, ALICE, BOB, 999)])
    statements: list[str] = []
    engine = create_engine(db)

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    try:
        one = sender(bot, create_session_factory(engine))
        assert await one.run_once() == 12
    finally:
        await engine.dispose()
    assert len([s for s in statements if "FROM users" in s]) == 1, statements
    for chat_id, expected in ((SUPERVISOR, "New milestone from Sam"), (BOB, "New milestone"),
                              (999, "New milestone"),
                              (ALICE, "Новая контрольная точка от научного руководителя (Sam)")):
        texts = [m.content for m in emulator.bot_messages(chat_id)]
        assert len(texts) == 3 and all(expected in text for text in texts), (chat_id, texts)
    assert "1 марта 2030, 10:00 UTC" in emulator.bot_messages(ALICE)[0].content
