"""Issue 5, milestones end to end through the emulator (PostgreSQL, Redis, S3), with a
ManualClock: /deadline for one student and for all, students told, /milestones with
statuses, move and delete, the student's /deadlines and /status, and a submission meeting
the earliest open milestone on time or late."""

from __future__ import annotations

from sqlalchemy import select

from services.clock import ManualClock
from storage.db import create_engine, create_session_factory
from storage.models import Milestone, Submission
from tests import documents
from tests.conftest import BotFactory, Chat, Harness
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.conversation import say_date, set_deadline, told


async def started(make_bot: BotFactory, db: str) -> tuple[Harness, ManualClock, Chat, Chat, Chat]:
    await seed(db)
    clock = ManualClock(START)  # 2030-03-01 10:00 UTC = 11:00 in Berlin
    # Sam types quickly here: lift per-user flood control, which is not under test.
    harness = await make_bot(clock=clock, timezone="Europe/Berlin", flood_rate=1000)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    alice, bob = harness.chat(ALICE, "Alice", "A"), harness.chat(BOB, "Bob", "B")
    return harness, clock, sam, alice, bob


async def milestones_in_db(db: str) -> list[Milestone]:
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(Milestone).order_by(Milestone.id))).all())
    finally:
        await engine.dispose()


async def submit(student: Chat, data: bytes, title: str | None = None) -> str:
    ask = await student.say("/submit")
    if title is not None:
        assert "title" in ask
        await student.say(title)
    await student.upload(data, "thesis.pdf")
    return await student.say("/skip")


async def test_deadline_for_one_and_for_all_students_told(make_bot: BotFactory, db: str) -> None:
    _harness, _clock, sam, alice, bob = await started(make_bot, db)
    await sam.send("/deadline")
    assert sam.last().button_texts() == ["👥 All my students (2)", "Alice A", "Bob B"]
    assert all(len(b["callback_data"].encode()) <= 64
               for row in sam.last().buttons for b in row)

    # Refused politely: a title too long, a date in the past, a date that is no date.
    await sam.click("Alice A")
    assert "1–200 characters" in await sam.say("x" * 201)
    await sam.say("Chapter 2 <draft>")
    assert "already passed" in await sam.say("2030-02-28")
    assert "could not read" in await sam.say("when the snow melts")
    alice_before, bob_before = alice.bot_count, bob.bot_count
    done = await say_date(sam, "2030-03-10")
    # A date alone is 23:59 that day, in TIMEZONE.
    assert "Chapter 2 &lt;draft&gt;" not in done and "Chapter 2 <draft>" in done
    assert "2030-03-10 23:59 CET" in done and "1 student has been told" in done
    told = (await alice.expect(1, alice_before))[0].content
    assert "New milestone from Sam Supervisor" in told
    assert "Chapter 2 <draft>" in told and "2030-03-10 23:59 CET" in told
    assert bob.bot_count == bob_before

    done = await set_deadline(sam, "👥 All my students (2)", "Full draft", "2030-04-01 12:00")
    assert "2 students have been told" in done and "2030-04-01 12:00 CEST" in done
    assert "Full draft" in (await alice.expect(1, alice_before + 1))[0].content
    assert "Full draft" in (await bob.expect(1, bob_before))[0].content

    rows = await milestones_in_db(db)
    assert [(m.student_id, m.title) for m in rows] == [
        (ALICE, "Chapter 2 <draft>"), (ALICE, "Full draft"), (BOB, "Full draft")]
    assert rows[0].due_at.isoformat() == "2030-03-10T22:59:00+00:00"
    assert rows[1].due_at.isoformat() == "2030-04-01T10:00:00+00:00"

    listing = await sam.say("/milestones")
    assert "Milestones</b> (3)" not in listing and "Milestones (3)" in listing
    assert listing.count("· open") == 3
    assert "1. Chapter 2 <draft> · Alice A — due 2030-03-10 23:59 CET (in 9 days)" in listing
    assert sam.last().button_texts() == ["✏️ Move 1", "🗑 Delete 1", "✏️ Move 2", "🗑 Delete 2",
                                         "✏️ Move 3", "🗑 Delete 3"]

    mine = await alice.say("/deadlines")
    assert "Your deadlines (2)" in mine
    assert mine.index("Chapter 2 <draft>") < mine.index("Full draft")
    status = await alice.say("/status")
    assert "not submitted anything yet" in status
    assert "Upcoming deadlines" in status and "Chapter 2 <draft>" in status
    assert "Full draft" in await bob.say("/deadlines")


async def test_move_delete_and_statuses(make_bot: BotFactory, db: str) -> None:
    _harness, clock, sam, alice, bob = await started(make_bot, db)
    await set_deadline(sam, "Alice A", "Chapter 1", "2030-03-05 12:00")
    await set_deadline(sam, "👥 All my students (2)", "Chapter 2", "2030-03-20")
    await set_deadline(sam, "Bob B", "Outline", "2030-03-03")
    listing = await sam.say("/milestones")
    assert "1. Outline · Bob B" in listing and "2. Chapter 1 · Alice A" in listing

    # Move Bob's outline later: he is told, old and new dates. His "new milestone" notice
    # comes through the outbox; count from after it.
    await told(bob, "New milestone from Sam Supervisor: Outline")
    bob_before = bob.bot_count
    asked = await sam.click("✏️ Move 1")
    assert "Moving Outline for Bob B" in asked[-1].content
    assert "already passed" in await sam.say("2030-03-01 09:00")
    assert "now due 2030-03-07 18:00 CET" in await say_date(sam, "2030-03-07 18:00")
    moved = (await bob.expect(1, bob_before))[-1].content
    assert "moved Outline" in moved and "now due 2030-03-07 18:00 CET" in moved
    assert "was 2030-03-03 23:59 CET" in moved

    # Delete Bob's Chapter 2 (now number 4, after the move): gone from every list.
    listing = await sam.say("/milestones")
    assert "4. Chapter 2 · Bob B" in listing
    assert "deleted" in (await sam.click("🗑 Delete 4"))[-1].content
    await told(bob, "deleted the milestone Chapter 2")  # the students are told (issue 15)
    listing = await sam.say("/milestones")
    assert "Milestones (3)" in listing and "Chapter 2 · Bob B" not in listing
    assert "Chapter 2" not in await bob.say("/deadlines")
    assert [(m.title, m.student_id) for m in await milestones_in_db(db)
            if m.deleted_at is not None] == [("Chapter 2", BOB)]

    # Alice submits before Chapter 1 is due: it meets the earliest open one, on time.
    clock.advance(days=2)  # 2030-03-03 11:00 CET
    cards = sam.bot_count
    assert "Version 1 received" in await submit(alice, documents.pdf("a1"), title="Graphs")
    await sam.expect(1, cards)  # the new-version card
    # Bob's outline passes its due time with nothing submitted: overdue.
    clock.advance(days=5)  # 2030-03-08 11:00 CET
    listing = await sam.say("/milestones")
    assert "Chapter 1 · Alice A — due 2030-03-05 12:00 CET (2 days ago) · submitted on time" \
        in listing
    assert "Outline · Bob B — due 2030-03-07 18:00 CET" in listing and "· overdue" in listing
    assert "Chapter 2 · Alice A" in listing and listing.count("· open") == 1
    # Bob submits late: the outline (earliest open) is met late.
    cards = sam.bot_count
    assert "Version 1 received" in await submit(bob, documents.pdf("b1"), title="Trees")
    await sam.expect(1, cards)
    listing = await sam.say("/milestones")
    assert "Outline · Bob B — due 2030-03-07 18:00 CET (17 h ago) · submitted late" in listing
    assert sam.last().button_texts() == ["🗑 Delete 1", "🗑 Delete 2", "✏️ Move 3", "🗑 Delete 3"]

    engine = create_engine(db)
    async with create_session_factory(engine)() as session:
        subs = (await session.execute(
            select(Submission.id, Submission.milestone_id, Milestone.title, Milestone.student_id)
            .join(Milestone, Milestone.id == Submission.milestone_id)
            .order_by(Submission.id))).all()
    await engine.dispose()
    assert [(title, student) for _id, _mid, title, student in subs] == [
        ("Chapter 1", ALICE), ("Outline", BOB)]
    mine = await alice.say("/deadlines")
    assert mine.index("Chapter 2") < mine.index("Chapter 1")  # open ones first
    assert "submitted on time" in mine
    status = await alice.say("/status")
    assert "Upcoming deadlines" in status and "Chapter 2" in status and "Chapter 1" not in status
