"""The speed budget (issue 33): SQL statements and Redis round trips per update kind.

The real bot runs (webhook mode, as in production) against the emulator, PostgreSQL, Redis
and S3. Each update is counted from the outermost middleware in: a context variable set
there marks everything done on the update's behalf, SQLAlchemy's ``before_cursor_execute``
counts statements on the bot's own engine, and every Redis command or pipeline sent by the
bot's client is a round trip. The background workers run in their own tasks and are not
counted.

The same conversation is measured twice: with a small data set, then after growing
everything a user's answers could iterate over ten times (versions, reviews, thread
messages, checklist items, team members, milestones, meetings, a supervisor's students).
The counts must not grow with the data (no N+1) and must stay within ``BUDGET``: lower it
when you win, never raise it without saying why in the commit.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from redis.asyncio.client import Pipeline, Redis
from sqlalchemy import event, func, insert, select, update

from bot.middlewares.gate import GateConfig
from storage.db import create_engine
from storage.models import (
    ChecklistItem,
    ExaminerGrade,
    Meeting,
    MeetingParticipant,
    Milestone,
    OutboxMessage,
    Review,
    StoredFile,
    Submission,
    Thesis,
    ThesisMember,
    ThreadMessage,
    User,
)
from tests import documents
from tests.conftest import BotFactory, Chat, Harness
from tests.support.conversation import onboard, submit
from tests.support.files import stored_values
from tests.test_threads import card, reply

# Per update kind: (SQL statements, database transactions, Redis round trips), at most. A
# transaction is two more round trips (BEGIN, COMMIT) and a pool checkout.
BUDGET: dict[str, tuple[int, int, int]] = {
    "/status": (4, 1, 2),
    # 8 before issue 33 read the comment counts, comparisons and shared-text checks of all
    # versions and the examiner's grade in one statement (services.overview.version_facts)
    "/history": (5, 1, 2),
    "/help": (0, 0, 2),
    "/queue": (2, 1, 2),
    "/students": (1, 1, 2),
    "/submit": (2, 1, 2),
    # 7 Redis round trips before issue 33: the upload's end is one script (was GET + DEL +
    # DEL), and no look for a cancel flag before the first check period (a small file arrives
    # sooner). 5 statements before issue 25: the file gets its stored_files row when it is
    # staged (one insert, in the transaction that checks for a duplicate)
    "upload": (6, 2, 4),
    "checklist /skip": (0, 0, 2),
    "note": (13, 1, 2),
    "thread reply": (7, 2, 2),
    "review press": (2, 1, 2),
}

_counts: contextvars.ContextVar[Counter[str] | None] = contextvars.ContextVar(
    "budget_counts", default=None)


class Counted(BaseMiddleware):
    """Outermost: everything below it, on this update's behalf, counts for it."""

    def __init__(self) -> None:
        self.seen: list[Counter[str]] = []

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        counts: Counter[str] = Counter()
        self.seen.append(counts)
        token = _counts.set(counts)
        try:
            return await handler(event, data)
        finally:
            _counts.reset(token)


def _hit(kind: str) -> None:
    counts = _counts.get()
    if counts is not None:
        counts[kind] += 1


@contextmanager
def counting_redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    command, pipeline = Redis.execute_command, Pipeline.execute

    async def execute_command(self: Redis, *args: Any, **options: Any) -> Any:
        _hit("redis")
        return await command(self, *args, **options)

    async def execute(self: Pipeline, raise_on_error: bool = True) -> Any:
        _hit("redis")
        return await pipeline(self, raise_on_error)

    monkeypatch.setattr(Redis, "execute_command", execute_command)
    monkeypatch.setattr(Pipeline, "execute", execute)
    yield


@pytest.fixture
async def counted(make_bot: BotFactory, monkeypatch: pytest.MonkeyPatch
                  ) -> AsyncIterator[tuple[Harness, Counted]]:
    # The gate renews its leases every 2 s while an update runs: on a loaded machine a slow
    # update would pay a renewal, and the count would depend on timing.
    monkeypatch.setattr(GateConfig, "heartbeat_seconds", property(lambda self: 3600.0))
    with counting_redis(monkeypatch):
        # A person does not send ten commands in a few seconds; this test does.
        harness = await make_bot(mode="webhook", flood_rate=1000)
        middleware = Counted()
        harness.process.dp.update.outer_middleware._middlewares.insert(0, middleware)

        def statement(*_: Any) -> None:
            _hit("sql")

        def begin(*_: Any) -> None:
            _hit("transactions")

        engine = harness.process.deps.engine.sync_engine
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "begin", begin)
        try:
            yield harness, middleware
        finally:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "begin", begin)


async def measure(harness: Harness, middleware: Counted,
                  step: Callable[[], Awaitable[object]]) -> tuple[int, int, int]:
    """SQL statements, transactions and Redis round trips of the one update ``step``
    sends."""
    await harness.process.in_flight.wait_idle(30)
    await delivered(harness)
    start = len(middleware.seen)
    await step()
    assert await harness.process.in_flight.wait_idle(30)
    seen = middleware.seen[start:]
    assert len(seen) == 1, f"{len(seen)} updates counted, one expected"

    return seen[0]["sql"], seen[0]["transactions"], seen[0]["redis"]


SAM, ALICE = 100, 201
GRADE = 77


async def delivered(harness: Harness) -> None:
    """Wait until Sam and Alice have every notice: a late one would read as an answer."""
    engine = create_engine(harness.settings.effective_database_url)
    try:
        for _ in range(300):
            async with engine.connect() as conn:
                waiting = (await conn.execute(select(func.count()).select_from(OutboxMessage)
                                              .where(OutboxMessage.chat_id.in_((SAM, ALICE)),
                                                     OutboxMessage.status.in_(
                                                         ("pending", "sending"))))).scalar_one()
            if not waiting:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{waiting} notices for Sam and Alice not delivered")
    finally:
        await engine.dispose()


async def grow(harness: Harness, times: int, serial: int) -> None:
    """``times`` more of everything Alice's and Sam's answers could list."""
    engine = create_engine(harness.settings.effective_database_url)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        thesis = (await conn.execute(select(Thesis).where(Thesis.student_id == ALICE))).one()
        latest = thesis.latest_version
        if serial == 1:
            # The examiner's grade is read with the versions' facts: it must show.
            await conn.execute(insert(ExaminerGrade).values(
                thesis_id=thesis.id, examiner_id=SAM, grade=GRADE))
        for n in range(times):
            version = latest + n + 1
            await conn.execute(insert(StoredFile), stored_values(f"budget/{version}"))
            sub = (await conn.execute(insert(Submission).values(
                thesis_id=thesis.id, version=version, file_key=f"budget/{version}",
                file_name="thesis.pdf", file_kind="pdf", file_size=1000, sha256="0" * 64,
                telegram_file_id=f"BQ{version}", note=f"note {version}",
                submitted_at=now - timedelta(hours=times - n)).returning(Submission.id)
            )).scalar_one()
            review = (await conn.execute(insert(Review).values(
                submission_id=sub, reviewer_id=SAM, decision="changes_requested",
                comment=f"comments on {version}", outcome_at=now).returning(Review.id))
                      ).scalar_one()
            await conn.execute(insert(ThreadMessage), [
                {"submission_id": sub, "author_id": author, "body": f"message {version}"}
                for author in (SAM, ALICE)])
            await conn.execute(insert(ChecklistItem).values(
                thesis_id=thesis.id, review_id=review, text=f"item {version}", position=1))
            person = 10_000 + serial * 1000 + n
            await conn.execute(insert(User), [
                {"id": person, "role": "supervisor", "full_name": f"Co {person}",
                 "language": "en"},
                {"id": person + 500, "role": "student", "full_name": f"Student {person}",
                 "language": "en"}])
            await conn.execute(insert(ThesisMember), [
                {"student_id": ALICE, "user_id": person, "role": "co_supervisor"},
                {"student_id": person + 500, "user_id": SAM, "role": "supervisor"}])
            other = (await conn.execute(insert(Thesis).values(
                student_id=person + 500, title=f"Thesis {person}", status="submitted",
                latest_version=1).returning(Thesis.id))).scalar_one()
            await conn.execute(insert(StoredFile), stored_values(f"budget/o{person}"))
            await conn.execute(insert(Submission).values(
                thesis_id=other, version=1, file_key=f"budget/o{person}",
                file_name="thesis.pdf", file_kind="pdf", file_size=1000, sha256="1" * 64,
                telegram_file_id=f"BQo{person}"))
            await conn.execute(insert(Milestone).values(
                supervisor_id=SAM, student_id=ALICE, title=f"Milestone {version}",
                due_at=now + timedelta(days=10 + n)))
            meeting = (await conn.execute(insert(Meeting).values(
                supervisor_id=SAM, title=f"Meeting {version}",
                starts_at=now + timedelta(days=3 + n), time_set_at=now).returning(Meeting.id)
            )).scalar_one()
            await conn.execute(insert(MeetingParticipant).values(
                meeting_id=meeting, student_id=ALICE))
        await conn.execute(update(Thesis).where(Thesis.id == thesis.id).values(
            latest_version=latest + times, status="changes_requested"))
        assert (await conn.execute(select(func.count()).select_from(Submission).where(
            Submission.thesis_id == thesis.id))).scalar_one() == latest + times
    await engine.dispose()


async def round_of_updates(harness: Harness, middleware: Counted, sam: Chat, alice: Chat,
                           cards: int) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, tuple[int, int, int]] = {}

    async def at(kind: str, step: Callable[[], Awaitable[object]]) -> None:
        counts[kind] = await measure(harness, middleware, step)

    for who, command in ((alice, "/status"), (alice, "/history"), (alice, "/help"),
                         (sam, "/queue"), (sam, "/students")):
        await who.send(command)  # warm: the first of a kind may fill a cache
        before = who.bot_count
        await at(command, lambda who=who, command=command: who.send(command))
        if command == "/history":
            answer = "\n".join(m.content or "" for m in alice.emu.bot_messages(ALICE)[before:])
            assert f"examiner {GRADE}" in answer, answer
    await at("/submit", lambda: alice.send("/submit"))
    await at("upload", lambda: alice.upload(documents.pdf(f"v{cards}"), "thesis.pdf"))
    await at("checklist /skip", lambda: alice.send("/skip"))
    await at("note", lambda: alice.send("/skip"))
    new_card = await card(harness, sam, cards)
    await at("thread reply", lambda: reply(sam, new_card.message_id, "Looks better",
                                           harness=harness))
    await at("review press", lambda: sam.click("Request changes",
                                               message_id=new_card.message_id))
    await sam.say("- More on the method")
    await sam.say("/skip")
    return counts


async def test_counts_per_update_do_not_grow_with_the_data(
        counted: tuple[Harness, Counted]) -> None:
    harness, middleware = counted
    _admin, sam, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "thesis.pdf", title="Budget thesis")
    await card(harness, sam, 1)
    await grow(harness, 3, serial=1)
    small = await round_of_updates(harness, middleware, sam, alice, cards=2)
    await grow(harness, 30, serial=2)
    large = await round_of_updates(harness, middleware, sam, alice, cards=3)
    print("budget small", small)
    print("budget large", large)
    assert large == small
    over = {kind: (count, BUDGET[kind]) for kind, count in small.items()
            if any(have > most for have, most in zip(count, BUDGET[kind], strict=True))}
    assert not over, over
