"""Issue 5, reminders against the real PostgreSQL with a ManualClock (no sleeping): which
reminders fire and when, once each; only those still ahead when the milestone was set;
overdue once to the student and the supervisor; the SLA digest; and several schedulers
(separate engines, as separate replicas) sending each reminder exactly once."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.metrics import REMINDERS_SENT
from bot.workers import Scheduler
from services.clock import ManualClock
from services.context import ServiceConfig, ServiceDeps, Services
from services.notifications import Kind
from services.reminders import OFFSETS
from services.vocabulary import ThesisStatus
from storage.db import create_engine, create_session_factory
from storage.files import LocalFileStore
from storage.models import OutboxMessage, Submission, Thesis, User
from tests.conftest import BotFactory
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.files import stored

DEADLINE_KINDS = (Kind.DEADLINE_REMINDER, Kind.DEADLINE_OVERDUE, Kind.STUDENT_OVERDUE)
REMINDER_KINDS = (Kind.DEADLINE_REMINDER, Kind.DEADLINE_OVERDUE, Kind.STUDENT_OVERDUE,
                  Kind.REVIEW_DIGEST)


class World:
    """Schedulers, each with its own engine (as separate replicas would have)."""

    def __init__(self, db: str, clock: ManualClock, tmp: Path, tz: str = "UTC") -> None:
        self.db, self.clock, self.tmp = db, clock, tmp
        self.deps = ServiceDeps(files=LocalFileStore(tmp / "files"),
                                config=ServiceConfig(tz=ZoneInfo(tz), review_sla_days=3),
                                clock=clock)
        self.engines: list[Any] = []

    def scheduler(self) -> Scheduler:
        engine = create_engine(self.db)
        self.engines.append(engine)
        return Scheduler(create_session_factory(engine), self.deps, self.clock)

    async def services(self) -> tuple[Services, Any]:
        engine = create_engine(self.db)
        self.engines.append(engine)
        session = create_session_factory(engine)()
        return Services(session, self.deps), session

    async def milestone(self, student_id: int | None, title: str, due: datetime) -> list[int]:
        services, session = await self.services()
        async with session:
            supervisor = await session.get(User, SUPERVISOR)
            created = await services.deadlines.create(supervisor, student_id, title, due)
            return [m.id for m in created]

    async def outbox(self, *kinds: str) -> list[OutboxMessage]:
        engine = create_engine(self.db)
        try:
            async with create_session_factory(engine)() as session:
                query = select(OutboxMessage).where(OutboxMessage.kind.in_(kinds or
                                                                           REMINDER_KINDS))
                return list((await session.scalars(query.order_by(OutboxMessage.id))).all())
        finally:
            await engine.dispose()

    async def close(self) -> None:
        for engine in self.engines:
            await engine.dispose()


def fired(rows: list[OutboxMessage]) -> list[tuple[int, str, str]]:
    """(chat, kind, label) of reminder rows, in order."""
    return [(r.chat_id, r.kind, r.payload.get("left", "")) for r in rows]


async def test_reminders_fire_once_each_at_their_time(db: str, tmp_path: Path) -> None:
    await seed(db, students={ALICE: "Alice A", BOB: "Bob B", 203: "Carl C"})
    clock = ManualClock(START)
    world = World(db, clock, tmp_path)
    alice_due, bob_due = START + timedelta(days=10), START + timedelta(days=2)
    [alice_m] = await world.milestone(ALICE, "Chapter 2 draft", alice_due)
    [bob_m] = await world.milestone(BOB, "Outline", bob_due)
    [carl_m] = await world.milestone(203, "Deleted one", START + timedelta(days=5))
    services, session = await world.services()
    async with session:
        await services.deadlines.delete(await session.get(User, SUPERVISOR), carl_m)
    scheduler = world.scheduler()
    before = REMINDERS_SENT.labels(kind=Kind.DEADLINE_REMINDER)._value.get()

    seen: list[tuple[datetime, int, str, str]] = []
    count = 0
    # Walk across every threshold (a minute before, at, a minute after) and every six hours
    # until a day after Alice's due time; a second pass at the same moment adds nothing.
    thresholds = {due - lead for due in (alice_due, bob_due, START + timedelta(days=5))
                  for _, lead in OFFSETS} | {alice_due, bob_due}
    moments = {START + timedelta(hours=12 * n) for n in range(23)}
    moments |= {t + timedelta(minutes=d) for t in thresholds for d in (-1, 0, 1)}
    for moment in sorted(m for m in moments if m >= START):
        clock.set(moment)
        await scheduler.run_once()
        assert await scheduler.run_once() == 0
        rows = await world.outbox()
        for chat, kind, label in fired(rows)[count:]:
            seen.append((clock.now(), chat, kind, label))
        count = len(rows)

    expected_alice = [(alice_due - lead, ALICE, Kind.DEADLINE_REMINDER, label)
                      for label, lead in OFFSETS]
    expected_bob = [(bob_due - lead, BOB, Kind.DEADLINE_REMINDER, label)
                    for label, lead in OFFSETS if label in ("1d", "12h", "1h")]
    overdue = [(bob_due, BOB, Kind.DEADLINE_OVERDUE, ""),
               (bob_due, SUPERVISOR, Kind.STUDENT_OVERDUE, ""),
               (alice_due, ALICE, Kind.DEADLINE_OVERDUE, ""),
               (alice_due, SUPERVISOR, Kind.STUDENT_OVERDUE, "")]
    assert sorted(seen) == sorted(expected_alice + expected_bob + overdue)
    assert not [s for s in seen if s[1] == 203]  # deleted: nothing
    assert REMINDERS_SENT.labels(kind=Kind.DEADLINE_REMINDER)._value.get() - before == 8

    rows = await world.outbox(Kind.STUDENT_OVERDUE)
    assert [r.payload["items"] for r in rows] == [
        [{"student_name": "Bob B", "title": "Outline", "due_at": bob_due.isoformat()}],
        [{"student_name": "Alice A", "title": "Chapter 2 draft",
          "due_at": alice_due.isoformat()}]]
    reminder = (await world.outbox(Kind.DEADLINE_REMINDER))[0]
    assert reminder.payload == {"milestone_id": bob_m, "title": "Outline",
                                "due_at": bob_due.isoformat(), "left": "1d"}
    # A restarted replica (fresh engine, fresh process state) sends nothing again.
    assert await world.scheduler().run_once() == 0
    await world.close()
    assert alice_m


async def test_moved_and_submitted_milestones(db: str, tmp_path: Path) -> None:
    await seed(db)
    clock = ManualClock(START)
    world = World(db, clock, tmp_path)
    due = START + timedelta(days=4)
    [alice_m] = await world.milestone(ALICE, "Draft", due)
    [bob_m] = await world.milestone(BOB, "Draft", due)
    scheduler = world.scheduler()
    clock.set(due - timedelta(days=3))
    assert await scheduler.run_once() == 2  # both: 3 days left (the 7 days were not ahead)
    # Bob submits (a version attached to the milestone): nothing more for him.
    services, session = await world.services()
    async with session:
        thesis = Thesis(student_id=BOB, title="T", status=ThesisStatus.SUBMITTED.value,
                        latest_version=1, created_at=clock.now(), updated_at=clock.now())
        session.add(thesis)
        await session.flush()
        session.add(stored("k"))
        submission = Submission(thesis_id=thesis.id, version=1, file_key="k", file_name="t.pdf",
                                file_kind="pdf", file_size=1, sha256="0" * 64,
                                submitted_at=clock.now())
        session.add(submission)
        await session.flush()
        from services.deadlines import attach_submission

        await attach_submission(session, BOB, submission, clock.now())
        await session.commit()
        # Alice's milestone moves a week later, an hour before its 1-day reminder.
        clock.set(due - timedelta(days=1, hours=1))
        supervisor = await session.get(User, SUPERVISOR)
        await services.deadlines.move(supervisor, alice_m, due + timedelta(days=7))
    # Neither is reminded of the old due time, nor told it is overdue.
    clock.set(due - timedelta(minutes=1))
    await scheduler.run_once()
    assert len(await world.outbox(*DEADLINE_KINDS)) == 2
    clock.set(due + timedelta(hours=1))
    new_due = due + timedelta(days=7)
    await scheduler.run_once()
    assert [(r.chat_id, r.payload["left"], r.payload["due_at"])
            for r in (await world.outbox(*DEADLINE_KINDS))[2:]] == [
        (ALICE, "7d", new_due.isoformat())]  # the moved one's 7 days: at the old due time
    # The moved milestone is reminded afresh, of its new due time.
    for moment in [new_due - lead for _, lead in OFFSETS[1:]] + [new_due]:
        clock.set(moment)
        await scheduler.run_once()
    rows = await world.outbox(Kind.DEADLINE_REMINDER, Kind.DEADLINE_OVERDUE)
    labels = [(r.chat_id, r.payload.get("left"), r.payload["due_at"]) for r in rows]
    assert labels == [
        (ALICE, "3d", due.isoformat()), (BOB, "3d", due.isoformat()),
        (ALICE, "7d", new_due.isoformat()), (ALICE, "3d", new_due.isoformat()),
        (ALICE, "1d", new_due.isoformat()), (ALICE, "12h", new_due.isoformat()),
        (ALICE, "1h", new_due.isoformat()), (ALICE, None, new_due.isoformat())]
    [told] = await world.outbox(Kind.STUDENT_OVERDUE)
    assert told.chat_id == SUPERVISOR and told.payload["items"] == [
        {"student_name": "Alice A", "title": "Draft", "due_at": new_due.isoformat()}]
    assert bob_m
    await world.close()


async def add_pending(db: str, student_id: int, submitted_at: datetime, title: str) -> int:
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            thesis = Thesis(student_id=student_id, title=title,
                            status=ThesisStatus.SUBMITTED.value, latest_version=1,
                            created_at=submitted_at, updated_at=submitted_at)
            session.add(thesis)
            await session.flush()
            session.add(stored(f"k{student_id}"))
            submission = Submission(thesis_id=thesis.id, version=1, file_key=f"k{student_id}",
                                    file_name="t.pdf", file_kind="pdf", file_size=1,
                                    sha256="0" * 64, submitted_at=submitted_at)
            session.add(submission)
            await session.flush()
            return submission.id
    finally:
        await engine.dispose()


async def test_daily_sla_digest(db: str, tmp_path: Path) -> None:
    await seed(db)
    clock = ManualClock(START)  # 10:00 UTC
    world = World(db, clock, tmp_path)
    await add_pending(db, ALICE, START - timedelta(days=4), "Old one")
    await add_pending(db, BOB, START - timedelta(days=1), "New one")
    scheduler = world.scheduler()
    assert await scheduler.run_once() == 1
    assert await scheduler.run_once() == 0  # once a day
    [digest] = await world.outbox(Kind.REVIEW_DIGEST)
    assert digest.chat_id == SUPERVISOR
    assert [i["title"] for i in digest.payload["items"]] == ["Old one"]
    assert digest.payload["total"] == 1 and digest.payload["sla_days"] == 3

    clock.set(START + timedelta(days=1) - timedelta(hours=2))  # 08:00 next day: not yet
    assert await scheduler.run_once() == 0
    clock.set(START + timedelta(days=1) - timedelta(hours=1))  # 09:00: the day's digest
    assert await scheduler.run_once() == 1
    clock.advance(days=2)  # Bob's version has now waited 3 days 23 hours too
    assert await world.scheduler().run_once() == 1
    digests = await world.outbox(Kind.REVIEW_DIGEST)
    assert [[i["title"] for i in d.payload["items"]] for d in digests] == [
        ["Old one"], ["Old one"], ["Old one", "New one"]]
    await world.close()


async def test_digest_reaches_supervisor_with_queue_button(make_bot: BotFactory, db: str) -> None:
    await seed(db)
    clock = ManualClock(START)
    await add_pending(db, ALICE, START - timedelta(days=5), "On <Graphs>")
    harness = await make_bot(clock=clock)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    # The process's own scheduler loop may get there first: either way, exactly one digest.
    await harness.process.scheduler.run_once()
    digest = (await sam.expect(1, 0))[0]
    assert "1 version has waited more than 3 days" in digest.content
    assert "Alice A — On <Graphs>, v1, submitted 2030-02-24 10:00 UTC" in digest.content
    assert digest.button_texts() == ["Open the queue"]
    header, item = await sam.click("Open the queue", expect=2)
    assert "Waiting for review" in header.content
    assert "Alice A — On <Graphs>" in item.content
    assert item.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…",
                                   "📄 File"]
    assert len([m for m in harness.emu.bot_messages(SUPERVISOR) if "waited" in m.content]) == 1


async def test_replicas_send_each_reminder_exactly_once(db: str, tmp_path: Path) -> None:
    students = {300 + n: f"Student {n}" for n in range(8)}
    await seed(db, students=students)
    clock = ManualClock(START)
    world = World(db, clock, tmp_path)
    dues = [START + timedelta(days=9, hours=n) for n in range(3)]
    await world.milestone(None, "Everyone", dues[0])  # all 8 students
    for n, due in enumerate(dues[1:], 1):
        await world.milestone(300 + n, f"Own {n}", due)
    await add_pending(db, 300, START - timedelta(days=4), "Waiting")
    replicas = [world.scheduler() for _ in range(3)]
    moments = sorted({due - lead for due in dues for _, lead in OFFSETS} | set(dues))
    totals = []
    for moment in [START, *moments]:
        clock.set(moment)
        for _ in range(3):
            counts = await asyncio.gather(*(r.run_once() for r in replicas))
            totals.append(sum(counts))
    rows = await world.outbox()
    # What makes a notification distinct: its payload, and for the digest also its day.
    keys = Counter((r.chat_id, r.kind, json.dumps(r.payload, sort_keys=True),
                    r.created_at.date() if r.kind == Kind.REVIEW_DIGEST else None)
                   for r in rows)
    assert max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]
    by_kind = Counter(r.kind for r in rows)
    assert by_kind[Kind.DEADLINE_REMINDER] == (8 + 2) * 5
    assert by_kind[Kind.DEADLINE_OVERDUE] == 10
    assert by_kind[Kind.STUDENT_OVERDUE] == 3  # one per due time (each run groups them)
    days = {m.date() for m in [START, *moments] if m.hour >= 9}
    assert by_kind[Kind.REVIEW_DIGEST] == len(days)
    assert sum(totals) == len(rows)
    await world.close()


async def test_claims_work_on_sqlite_too(tmp_path: Path) -> None:
    """The same migrations and the same claim (INSERT … ON CONFLICT DO NOTHING) on SQLite."""
    from bot.ops.migrate import downgrade, upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'thesis.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    await asyncio.to_thread(downgrade, url, "0001")
    await asyncio.to_thread(upgrade, url)
    await seed(url)
    clock = ManualClock(START)
    world = World(url, clock, tmp_path)
    [milestone] = await world.milestone(ALICE, "Draft", START + timedelta(days=2))
    replicas = [world.scheduler(), world.scheduler()]
    for moment in (START + timedelta(days=1), START + timedelta(days=2)):
        clock.set(moment)
        for _ in range(2):
            await asyncio.gather(*(r.run_once() for r in replicas))
    assert [(r.chat_id, r.kind, r.payload.get("left")) for r in await world.outbox()] == [
        (ALICE, Kind.DEADLINE_REMINDER, "1d"), (ALICE, Kind.DEADLINE_OVERDUE, None),
        (SUPERVISOR, Kind.STUDENT_OVERDUE, None)]
    assert milestone
    await world.close()


async def deactivate(db: str, user_id: int, at: datetime | None) -> None:
    engine = create_engine(db)
    try:
        async with engine.begin() as conn:
            await conn.execute(update(User).where(User.id == user_id).values(deactivated_at=at))
    finally:
        await engine.dispose()


async def test_deactivated_people_get_no_reminders_overdue_notices_or_digest(
        db: str, tmp_path: Path) -> None:
    await seed(db)
    clock = ManualClock(START)
    world = World(db, clock, tmp_path)
    due = START + timedelta(days=2)
    await world.milestone(None, "Outline", due)  # Alice and Bob
    await add_pending(db, BOB, START - timedelta(days=4), "Waiting")
    await deactivate(db, ALICE, START)
    await deactivate(db, SUPERVISOR, START)
    scheduler = world.scheduler()
    for moment in (START, due - timedelta(days=1), due - timedelta(hours=1), due):
        clock.set(moment)
        await scheduler.run_once()
    # Bob (active) is reminded and told he is overdue; Alice gets nothing, and the
    # deactivated supervisor neither the overdue notice nor the digest.
    assert fired(await world.outbox()) == [
        (BOB, Kind.DEADLINE_REMINDER, "1d"), (BOB, Kind.DEADLINE_REMINDER, "1h"),
        (BOB, Kind.DEADLINE_OVERDUE, "")]
    # Reactivated: the supervisor gets the day's digest after all, Alice what is still due.
    await deactivate(db, SUPERVISOR, None)
    await deactivate(db, ALICE, None)
    clock.set(due + timedelta(hours=1))
    await scheduler.run_once()
    assert fired(await world.outbox())[3:] == [
        (ALICE, Kind.DEADLINE_OVERDUE, ""), (SUPERVISOR, Kind.STUDENT_OVERDUE, ""),
        (SUPERVISOR, Kind.REVIEW_DIGEST, "")]
    await world.close()
