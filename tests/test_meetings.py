"""Issue 21, meetings end to end through the emulator (PostgreSQL, Redis, S3) with a
ManualClock: a meeting for one student and one for all, the answers, reminders 1 day and
1 hour before to whoever did not decline (exactly once with two schedulers), the record
asked for after the meeting, notes with two action items, one made a milestone, the student
agreeing; /meetings, /status, /history; a move tells the student and asks again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.workers import Scheduler
from services.clock import ManualClock
from services.meetings import reminder_due
from services.notifications import Kind
from storage.db import create_engine, create_session_factory
from storage.models import Meeting, MeetingItem, MeetingParticipant, Milestone, OutboxMessage
from tests.conftest import BotFactory, Chat, Harness
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.conversation import say_date


async def told(chat: Chat, text: str, timeout: float = 15) -> Any:
    """The newest bot message to ``chat`` containing ``text`` (waiting for it)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [m for m in chat.emu.bot_messages(chat.id) if text in (m.content or "")]
        if found:
            return found[-1]
        assert asyncio.get_running_loop().time() < deadline, chat.emu.transcript(chat.id)
        await asyncio.sleep(0.02)


async def rows(db: str, model: Any, *where: Any) -> list[Any]:
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session:
            query = select(model).where(*where).order_by(model.id)
            return list((await session.scalars(query)).all())
    finally:
        await engine.dispose()


async def new_meeting(sam: Chat, target: str, title: str, when: str, place: str) -> str:
    await sam.send("/meeting")
    assert "Who is it with" in sam.last().content
    asked = await sam.click(target)
    assert "What is it about" in asked[-1].content
    assert "next friday" in await sam.say(title)
    assert "video link" in await say_date(sam, when)
    return await sam.say(place)


def test_reminder_rule_is_pure() -> None:
    start = datetime(2030, 3, 5, 13, 0, tzinfo=UTC)
    armed = start - timedelta(days=3)
    assert reminder_due(start, armed, start - timedelta(days=1, seconds=1)) is None
    assert reminder_due(start, armed, start - timedelta(days=1)) == "1d"
    assert reminder_due(start, armed, start - timedelta(minutes=59)) == "1h"
    assert reminder_due(start, armed, start) is None
    # Set 20 hours before: the day-before reminder was never ahead, so never sent.
    assert reminder_due(start, start - timedelta(hours=20), start - timedelta(hours=2)) is None


async def test_meetings_from_invitation_to_agreed_record(make_bot: BotFactory,
                                                         db: str) -> None:
    await seed(db)
    clock = ManualClock(START)  # 2030-03-01 10:00 UTC = 11:00 in Berlin
    harness: Harness = await make_bot(clock=clock, timezone="Europe/Berlin", flood_rate=1000)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    alice, bob = harness.chat(ALICE, "Alice", "A"), harness.chat(BOB, "Bob", "B")

    # One student: Alice, with a room.
    done = await new_meeting(sam, "Alice A", "Chapter 2 feedback", "2030-03-05 14:00",
                             "Room 101")
    assert "Chapter 2 feedback" in done and "2030-03-05 14:00 CET" in done
    assert "1 student has been asked" in done
    invite = await told(alice, "set a meeting: Chapter 2 feedback")
    assert "2030-03-05 14:00 CET" in invite.content and "Room 101" in invite.content
    assert invite.button_texts() == ["Confirm", "Can't make it"]
    assert not any("Chapter 2 feedback" in m.content for m in bob.emu.bot_messages(bob.id))
    await alice.click("Confirm", invite.message_id)
    await told(alice, "You confirmed")
    await told(sam, "Alice A confirmed Chapter 2 feedback")

    # All students, no place: Bob can't make it.
    done = await new_meeting(sam, "👥 All my students (2)", "Group seminar",
                             "2030-03-03 10:00", "/skip")
    assert "2 students have been asked" in done
    group_a = await told(alice, "Group seminar")
    group_b = await told(bob, "Group seminar")
    assert "with all their students" in group_b.content
    await bob.click("Can't make it", group_b.message_id)
    await told(bob, "You can't make")
    await alice.click("Confirm", group_a.message_id)
    await told(sam, "Bob B can't make Group seminar")
    await told(sam, "Alice A confirmed Group seminar")
    participants = await rows(db, MeetingParticipant)
    assert sorted((p.student_id, p.answer) for p in participants) == [
        (ALICE, "confirmed"), (ALICE, "confirmed"), (BOB, "declined")]

    # Reminders: walk the clock with two schedulers (two replicas) at every moment.
    group_start = datetime(2030, 3, 3, 9, 0, tzinfo=UTC)
    one_start = datetime(2030, 3, 5, 13, 0, tzinfo=UTC)
    engine = create_engine(db)
    other = Scheduler(create_session_factory(engine), harness.process.deps.services, clock)
    moments = sorted({s - lead + timedelta(minutes=d)
                      for s in (group_start, one_start)
                      for lead in (timedelta(days=1), timedelta(hours=1), -timedelta(hours=1))
                      for d in (-1, 0, 1)} | {START + timedelta(hours=6 * n) for n in range(18)})
    seen: list[tuple[datetime, int, str, str]] = []
    count = 0
    for moment in moments:
        clock.set(moment)
        await asyncio.gather(harness.process.scheduler.run_once(), other.run_once())
        found = await rows(db, OutboxMessage, OutboxMessage.kind.in_(
            (Kind.MEETING_REMINDER, Kind.MEETING_NOTES_REQUEST)))
        for row in found[count:]:
            seen.append((moment, row.chat_id, row.payload["title"], row.payload.get("left", "")))
        count = len(found)
    await engine.dispose()
    group, one = "Group seminar", "Chapter 2 feedback"
    assert sorted(seen) == sorted([
        (group_start - timedelta(days=1), ALICE, group, "1d"),
        (group_start - timedelta(days=1), SUPERVISOR, group, "1d"),
        (group_start - timedelta(hours=1), ALICE, group, "1h"),
        (group_start - timedelta(hours=1), SUPERVISOR, group, "1h"),
        (group_start + timedelta(hours=1), SUPERVISOR, group, ""),  # the record, please
        (one_start - timedelta(days=1), ALICE, one, "1d"),
        (one_start - timedelta(days=1), SUPERVISOR, one, "1d"),
        (one_start - timedelta(hours=1), ALICE, one, "1h"),
        (one_start - timedelta(hours=1), SUPERVISOR, one, "1h"),
        (one_start + timedelta(hours=1), SUPERVISOR, one, ""),
    ])
    await told(alice, "Meeting Group seminar tomorrow")
    await told(alice, "Meeting Chapter 2 feedback in 1 hour")
    assert not any("Meeting Group seminar" in m.content and "⏰" in m.content
                   for m in bob.emu.bot_messages(bob.id))

    # The record of the group seminar: notes and two action items.
    request = await told(sam, "How did Group seminar")
    await sam.click("📝 Notes and action items", request.message_id)
    await told(sam, "each line starting with")
    alice_before, bob_before = alice.bot_count, bob.bot_count
    await sam.send("We discussed the outline.\n- Draft chapter 3\n- Read Smith 2020")
    saved = [await told(sam, "saved and sent to 1 student.")]
    assert "We discussed the outline." in saved[-1].content
    assert saved[-1].button_texts() == ["🎯 Milestone 1: Draft chapter 3",
                                        "🎯 Milestone 2: Read Smith 2020"]
    await alice.expect(1, alice_before)
    record = await told(alice, "record of Group seminar")
    assert "record of Group seminar" in record.content and "1. Draft chapter 3" in record.content
    assert record.button_texts() == ["Agree", "✏️ Correction"]
    [item_1, item_2] = await rows(db, MeetingItem)
    assert (item_1.text, item_2.text) == ("Draft chapter 3", "Read Smith 2020")

    # One item becomes Alice's milestone (Bob declined: not his), with one tap: due two
    # weeks after today (the clock is at 2030-03-05 14:01 UTC now).
    await sam.click("🎯 Milestone 1: Draft chapter 3", saved[-1].message_id)
    await told(sam, "milestone for 1 student, due 2030-03-19 23:59 CET")
    await told(alice, "New milestone from Sam Supervisor: Draft chapter 3")
    assert [(m.student_id, m.title) for m in await rows(db, Milestone)] == [
        (ALICE, "Draft chapter 3")]
    again = await sam.click("🎯 Milestone 1: Draft chapter 3", saved[-1].message_id, expect=0)
    assert again == []
    await harness.emu.wait_until(lambda: "already" in (harness.emu.callback_answers[-1][1] or ""))
    assert len(await rows(db, Milestone)) == 1

    # Alice agrees; Sam is told.
    await alice.click("Agree", record.message_id)
    await told(alice, "You agreed")
    await told(sam, "Alice A agreed to the record of Group seminar")
    [agreed] = [p for p in await rows(db, MeetingParticipant)
                if p.student_id == ALICE and p.agreed_at is not None]
    assert agreed.agreed_at == clock.now()
    assert bob.bot_count == bob_before  # declined: no record for Bob

    # A correction goes back to the supervisor.
    await alice.click("✏️ Correction", record.message_id)
    assert "went to your supervisor" in await alice.say("It was Smith 2021, not 2020.")
    await told(sam, "suggests a correction to the record of Group seminar")
    await told(sam, "It was Smith 2021, not 2020.")

    # /meetings, /status and /history show them.
    listing = await sam.say("/meetings")
    assert "0 upcoming, 2 past" in listing
    assert "Draft chapter 3" in listing and "🚫 Bob B" in listing
    history = await alice.send("/history", expect=2)
    assert "Group seminar" in history[-1].content and "Draft chapter 3" in history[-1].content

    # A move: the student is told, asked again; reminders follow the new time.
    clock.set(datetime(2030, 3, 6, 8, 0, tzinfo=UTC))
    await new_meeting(sam, "Alice A", "Plan", "2030-03-08 10:00", "https://meet.example/x")
    await told(alice, "set a meeting: Plan")
    assert "Plan" in await alice.say("/status")
    listing = await sam.say("/meetings")
    assert "1 upcoming" in listing
    alice_before = alice.bot_count
    await sam.click("✏️ Move 1")
    assert "now on 2030-03-09 11:00 CET" in await say_date(sam, "2030-03-09 11:00")
    moved = (await alice.expect(1, alice_before))[-1]
    assert "moved Plan" in moved.content and "was 2030-03-08 10:00 CET" in moved.content
    assert moved.button_texts() == ["Confirm", "Can't make it"]
    [plan] = await rows(db, Meeting, Meeting.title == "Plan")
    assert plan.starts_at == datetime(2030, 3, 9, 10, 0, tzinfo=UTC)
    await sam.say("/meetings")
    await sam.click("🗑 Cancel 1")
    await told(alice, "cancelled Plan")
    assert "Plan" not in await alice.say("/meetings")
