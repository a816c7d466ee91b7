"""Issue 28 end to end through the emulator: a supervisor with thirty students of varied
states. /students by urgency (order, the filters' counts, paging, the team view from the
student's view), /queue (header first, a file button per item, oldest first), and the notices
when someone joins through an invite."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from services.clock import ManualClock
from storage.db import create_engine, create_session_factory
from storage.models import DirectMessage, OutboxMessage, Role, TeamRole, ThesisMember, User
from tests.conftest import BotFactory, Chat, Harness
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.caseload import Caseload, seed_caseload
from tests.support.conversation import invite_code, join, rows, set_deadline, told
from tests.test_reminders import World, add_pending
from tgemu import RecordedMessage


def names(message: RecordedMessage) -> list[str]:
    """The students listed, in order (the numbered lines)."""
    return re.findall(r"^\d+\. \S+ (\w+ \w+) —", message.content, flags=re.MULTILINE)


async def click_edit(chat: Chat, text: str, message: RecordedMessage) -> RecordedMessage:
    """Press a button that edits its own message; the message as it is then."""
    before = len(message.edits)
    await chat.emu.click_button(chat.id, text, message.message_id)
    await chat.emu.wait_until(
        lambda: len(chat.emu.message(chat.id, message.message_id).edits) > before)
    return chat.emu.message(chat.id, message.message_id)


async def test_thirty_students_by_urgency(make_bot: BotFactory) -> None:
    harness = await make_bot(clock=ManualClock(START))
    await seed(harness.settings.effective_database_url, students={})
    world = await seed_caseload(harness.settings.effective_database_url, SUPERVISOR, START)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")

    view = (await sam.send("/students"))[-1]
    header = view.content.splitlines()[0]
    assert "Your students: 30" in header
    assert "waiting 5" in header and "overdue 7" in header and "silent 7" in header
    waiting = [f"W{i} Waiting" for i in range(1, 6)]
    overdue = [f"O{i} Overdue" for i in range(1, 7)]
    silent = [f"S{i} Silent" for i in range(1, 8)]
    nothing = [f"N{i} Nothing" for i in range(1, 7)]
    rest = [f"R{i} Rest" for i in range(1, 7)]
    everyone = waiting + overdue + silent + nothing + rest
    # Ten per page, most urgent first: one button per student, the filters and the pager.
    assert names(view) == everyone[:10]
    buttons = view.button_texts()
    assert [b for b in buttons if re.match(r"\d+\. ", b)] == \
        [f"{n}. {name}" for n, name in enumerate(everyone[:10], start=1)]
    assert {"Waiting", "Overdue", "Silent", "All", "▶"} <= set(buttons)
    assert "◀" not in buttons and not any(b.startswith("👥") for b in buttons)
    assert "page 1 of 3" in view.content

    view = await click_edit(sam, "▶", view)
    assert names(view) == everyone[10:20] and "page 2 of 3" in view.content
    view = await click_edit(sam, "▶", view)
    assert names(view) == everyone[20:] and "▶" not in view.button_texts()
    view = await click_edit(sam, "◀", view)
    assert names(view) == everyone[10:20]

    # The filters: flags, not ranks (W3 is waiting and overdue).
    view = await click_edit(sam, "Waiting", view)
    assert names(view) == waiting and "page 1 of 1" in view.content
    view = await click_edit(sam, "Overdue", view)
    assert names(view) == ["W3 Waiting", *overdue]
    view = await click_edit(sam, "Silent", view)
    assert names(view) == silent
    assert "silent for 40 days" in view.content
    view = await click_edit(sam, "All", view)
    assert names(view) == everyone[:10]

    # The team, from the student's view.
    await sam.click("3. W3 Waiting", message_id=view.message_id)
    student_view = sam.last()
    assert "Thesis of W3 Waiting" in student_view.content or "W3 Waiting" in student_view.content
    team = await sam.click("👥 Team", message_id=student_view.message_id)
    assert "Thesis team of W3 Waiting" in team[-1].content
    assert "Add co-supervisor" in team[-1].button_texts()
    assert world.ids["W3 Waiting"]


async def test_queue_header_first_with_file_buttons(make_bot: BotFactory) -> None:
    harness = await make_bot(clock=ManualClock(START))
    await seed(harness.settings.effective_database_url, students={})
    await seed_caseload(harness.settings.effective_database_url, SUPERVISOR, START)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    header, *items = await sam.send("/queue", expect=6)
    assert "Waiting for review" in header.content and "5" in header.content
    # Oldest first, each with the decision buttons and its file.
    assert [re.search(r"W\d", m.content).group(0) for m in items] == \
        ["W1", "W2", "W3", "W4", "W5"]
    for item in items:
        assert {"Approve", "📄 File"} <= set(item.button_texts())


async def test_join_notices(make_bot: BotFactory) -> None:
    harness = await make_bot()
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    link = await admin.say("/invite")
    sam = harness.chat(100, "Sam", "Supervisor")
    await sam.say(f"/start {invite_code(link)}")
    await told(admin, "Sam Supervisor joined as a supervisor through your invite")
    code = invite_code(await sam.say("/invite 30 2"))
    alice = harness.chat(201, "Alice", "A")
    await alice.say(f"/start {code}")
    await told(sam, "Alice A joined as your student through your invite")


async def thirty(make_bot: BotFactory, clock: ManualClock | None = None,
                 **overrides: object) -> tuple[Harness, Chat, Caseload]:
    """Sam and his thirty students (each with a chat in the emulator)."""
    harness = await make_bot(clock=clock or ManualClock(START), **overrides)
    await seed(harness.settings.effective_database_url, students={})
    world = await seed_caseload(harness.settings.effective_database_url, SUPERVISOR, START)
    for name, user_id in world.ids.items():
        first, last = name.split(" ")
        harness.chat(user_id, first, last)
    return harness, harness.chat(SUPERVISOR, "Sam", "Supervisor"), world


async def test_message_to_the_silent_and_an_answer(make_bot: BotFactory) -> None:
    harness, sam, world = await thirty(make_bot)
    await sam.send("/message")
    assert "Who is the message for?" in sam.last().content
    assert {"👥 All my students (30)", "💤 Silent (7)", "⚠️ Overdue (7)", "⏳ Waiting (5)",
            "📭 No submission (6)", "S1 Silent"} <= set(sam.last().button_texts())
    asked = await sam.click("💤 Silent (7)")
    assert "your silent students" in asked[-1].content
    preview = (await sam.send("How is it going? Please send me an update."))[-1]
    assert "Preview" in preview.content and "7 recipients" in preview.content
    assert "How is it going?" in preview.content
    done = await sam.click("Send", message_id=preview.message_id)
    assert "Sent to 7 people" in done[-1].content
    # Send again on the same preview: nobody gets it twice.
    await harness.emu.click_button(sam.id, "Send", preview.message_id)
    silent = {world.ids[name] for name in world.names("S")}

    def received(user_id: int) -> int:
        return sum("How is it going?" in m.content for m in harness.emu.bot_messages(user_id))

    await harness.emu.wait_until(lambda: all(received(s) == 1 for s in silent), timeout=20)
    await asyncio.sleep(1.0)  # anything more would have come by now
    assert {uid: received(uid) for uid in world.ids.values()} == \
        {uid: int(uid in silent) for uid in world.ids.values()}
    assert await rows(harness, DirectMessage) == 7

    # S1 answers; Sam gets it as a message he can answer in turn.
    s1 = harness.chats[world.ids["S1 Silent"]]
    asked = await s1.click("💬 Answer")
    assert "Write your answer" in asked[-1].content
    assert "sent to Sam Supervisor" in await s1.say("Sorry, I was ill. Chapter 2 comes Friday.")
    await told(sam, "S1 Silent answers")
    answer = [m for m in harness.emu.bot_messages(sam.id) if "S1 Silent answers" in m.content][-1]
    assert "Chapter 2 comes Friday" in answer.content and "💬 Answer" in answer.button_texts()


async def test_a_student_joining_later_gets_the_cohort_milestone(
        make_bot: BotFactory, tmp_path: Path) -> None:
    db_clock = ManualClock(START)
    harness = await make_bot(clock=db_clock, flood_rate=1000)
    db = harness.settings.effective_database_url
    await seed(db)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    harness.chat(ALICE, "Alice", "A")
    harness.chat(BOB, "Bob", "B")
    due = START + timedelta(days=10)
    done = await set_deadline(sam, "👥 All my students (2)", "Full draft",
                              due.strftime("%Y-%m-%d %H:%M"))
    assert "2 students have been told" in done
    # Only Alice's own milestone: not a rule for later students.
    await set_deadline(sam, "Alice A", "Alice's outline", "2030-03-05")
    carl = harness.chat(203, "Carl", "C")
    assert "student" in await join(sam, carl, invite_code(await sam.say("/invite")))
    mine = await carl.say("/deadlines")
    assert "Full draft" in mine and "Alice's outline" not in mine

    # Seven days before it is due, Carl is reminded too, once, whichever replica looks.
    world = World(db, db_clock, tmp_path)
    db_clock.set(due - timedelta(days=7) + timedelta(minutes=1))
    await asyncio.gather(world.scheduler().run_once(), world.scheduler().run_once())
    for chat in (harness.chats[ALICE], harness.chats[BOB], carl):
        await told(chat, "Reminder: Full draft is due in 7 days")
    await asyncio.sleep(1.0)
    assert sum("Reminder: Full draft" in m.content
               for m in harness.emu.bot_messages(carl.id)) == 1
    await world.close()


MONDAY_MORNING = datetime(2030, 3, 4, 9, 1, tzinfo=UTC)  # START is a Friday


async def test_monday_digest_of_silent_students_and_a_nudge(
        make_bot: BotFactory, tmp_path: Path) -> None:
    clock = ManualClock(START)
    harness, sam, world = await thirty(make_bot, clock, flood_rate=1000)
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    db = harness.settings.effective_database_url
    clock.set(START + timedelta(days=2, hours=12))  # Sunday: no digest yet
    schedulers = World(db, clock, tmp_path)
    # As the bot is configured: Ada (1) is an admin.
    schedulers.deps = replace(schedulers.deps, config=replace(schedulers.deps.config,
                                                              admin_ids=frozenset({1})))
    await schedulers.scheduler().run_once()
    assert await silent_digests(db) == 0
    clock.set(MONDAY_MORNING)
    # Two replicas at the same moment: each digest once.
    await asyncio.gather(schedulers.scheduler().run_once(), schedulers.scheduler().run_once())
    await told(sam, "7 students have sent no version, comment or meeting for 14 days or more")
    digest = [m for m in harness.emu.bot_messages(sam.id) if "have sent no version" in m.content]
    assert len(digest) == 1
    assert names_in_digest(digest[0].content) == [f"S{i} Silent" for i in range(1, 8)]
    assert "S1 Silent — silent for 42 days" in digest[0].content
    assert {f"Nudge S{i} Silent" for i in range(1, 8)} | {"Nudge all"} == \
        set(digest[0].button_texts())
    await told(admin, "Sam Supervisor: 7 of 30")
    clock.set(MONDAY_MORNING + timedelta(hours=5))  # the same Monday, later: nothing more
    await schedulers.scheduler().run_once()
    assert await silent_digests(db) == 2  # Sam's and the admin's

    preview = await sam.click("Nudge S3 Silent", message_id=digest[0].message_id, expect=2)
    assert "1 recipient" in preview[0].content and "Dear S3 Silent" in preview[0].content
    # Edited before sending: the new text replaces the template.
    preview = (await sam.send("Dear S3, a short update by Friday, please?"))[-1]
    assert "1 recipient" in preview.content and "Dear S3, a short update" in preview.content
    assert "Sent to 1 person" in (await sam.click("Send", message_id=preview.message_id))[-1].content
    s3 = world.ids["S3 Silent"]
    await told(harness.chats[s3], "Dear S3, a short update by Friday")
    await asyncio.sleep(1.0)
    reached = [uid for uid in world.ids.values()
               if any("short update" in m.content for m in harness.emu.bot_messages(uid))]
    assert reached == [s3]
    await schedulers.close()


def names_in_digest(text: str) -> list[str]:
    return re.findall(r"^\d+\. (\w+ \w+) — silent", text, flags=re.MULTILINE)


async def test_review_promise_passes_reminded_then_co_supervisor_told(
        make_bot: BotFactory, tmp_path: Path) -> None:
    clock = ManualClock(START)  # Friday 10:00 UTC
    harness = await make_bot(clock=clock, flood_rate=1000)
    db = harness.settings.effective_database_url
    await seed(db)
    await add_member(db, ALICE, 300, "Cora C")
    submission_id = await add_pending(db, ALICE, START - timedelta(hours=2), "Graphs")
    sam, alice = harness.chat(SUPERVISOR, "Sam", "Supervisor"), harness.chat(ALICE, "Alice", "A")
    cora, admin = harness.chat(300, "Cora", "C"), harness.chat(1, "Ada", "Admin")
    await admin.say("/start")

    header, item = await sam.send("/queue", expect=2)
    assert "Waiting for review" in header.content
    asked = await sam.click("🗓 Review by…", message_id=item.message_id)
    assert {"Tomorrow", "In 3 days", "Friday", "📅 Another date"} <= \
        set(asked[-1].button_texts())
    done = await sam.click("Tomorrow", message_id=asked[-1].message_id)
    assert "by 2030-03-02 23:59 UTC" in done[-1].content
    await told(alice, "Sam Supervisor will review version 1 of Graphs by 2030-03-02 23:59 UTC")
    assert "Sam Supervisor promised to decide by 2030-03-02 23:59 UTC" in \
        await alice.say("/status")

    replicas = World(db, clock, tmp_path)
    clock.set(datetime(2030, 3, 3, 0, 1, tzinfo=UTC))  # the promise passed
    await asyncio.gather(replicas.scheduler().run_once(), replicas.scheduler().run_once())
    await told(sam, "You promised to decide on version 1 of Graphs (Alice A)")
    clock.set(datetime(2030, 3, 3, 12, 0, tzinfo=UTC))  # not a day yet: nothing more
    assert await replicas.scheduler().run_once() == 0
    clock.set(datetime(2030, 3, 4, 0, 1, tzinfo=UTC))  # a day later: the co-supervisor
    await asyncio.gather(replicas.scheduler().run_once(), replicas.scheduler().run_once())
    await told(cora, "Sam Supervisor promised to decide on version 1 of Graphs (Alice A)")
    await asyncio.sleep(1.0)
    for chat, text, count in ((sam, "You promised to decide", 1), (cora, "promised to decide", 1),
                              (admin, "promised to decide", 0), (sam, "a day later", 0)):
        assert sum(text in m.content for m in harness.emu.bot_messages(chat.id)) == count
    assert await promise_notices(db) == {"promise_made": 1, "promise_passed": 1,
                                         "promise_escalated": 1}
    assert submission_id
    await replicas.close()


async def add_member(db: str, student_id: int, user_id: int, name: str) -> None:
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            session.add(User(id=user_id, role=Role.SUPERVISOR.value, full_name=name,
                             language="en", created_at=START))
            await session.flush()
            session.add(ThesisMember(student_id=student_id, user_id=user_id,
                                     role=TeamRole.CO_SUPERVISOR.value, created_at=START))
    finally:
        await engine.dispose()


async def promise_notices(db: str) -> dict[str, int]:
    engine = create_engine(db)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(OutboxMessage.kind, func.count())
                                      .where(OutboxMessage.kind.like("promise%"))
                                      .group_by(OutboxMessage.kind))
            return {kind: count for kind, count in rows}
    finally:
        await engine.dispose()


async def silent_digests(db: str) -> int:
    engine = create_engine(db)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(OutboxMessage)
                                           .where(OutboxMessage.kind.like("silent%"))))
                       .scalar_one())
    finally:
        await engine.dispose()
