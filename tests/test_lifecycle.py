"""Issue 15 end to end through the emulator (PostgreSQL, Redis, S3): a thesis over months
(approve, next version, Mark final, Reopen), one student's extension of a cohort milestone,
a chat that never blocks (a command mid-step leaves the step), configured admins, and
invites with a Share button and a QR code."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image
from sqlalchemy import select

from services.clock import ManualClock
from services.notifications import Kind
from storage.db import create_engine, create_session_factory
from storage.models import OutboxMessage, Review, Submission, Thesis, User
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.conversation import (
    decide,
    invite_code,
    latest_card,
    onboard,
    rows,
    set_deadline,
    student_label,
    submit,
    thesis_status,
    told,
)


async def approve_latest(harness: Harness, supervisor: Chat, cards: int) -> None:
    card = await latest_card(harness, supervisor, cards)
    assert "Recorded" in await decide(harness, supervisor, card.message_id, "Approve", None)


async def student_view(supervisor: Chat, name: str):  # type: ignore[no-untyped-def]
    """The student's view from /students: the last message of their history."""
    await supervisor.send("/students")
    return (await supervisor.click(student_label(supervisor, name)))[-1]


async def test_approve_next_version_final_reopen(harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("proposal"), "proposal.pdf", title="Graphs")
    await approve_latest(harness, sam, 1)
    assert await thesis_status(harness, alice.id) == "approved"
    # Approve approves a version: the student is asked for the next one, and may send it.
    await told(alice, "Send the next version with /submit when it is ready")
    assert "Version 1 approved — send the next version when it is ready" in await alice.say("/status")
    assert "Version 2 received" in await submit(alice, documents.pdf("chapter 1"), "ch1.pdf")
    assert await thesis_status(harness, alice.id) == "submitted"
    view = await student_view(sam, "Alice A")
    assert "Mark final" not in view.button_texts()  # v2 is not approved yet
    before = alice.bot_count
    await approve_latest(harness, sam, 2)
    # The approval notice first, so that it cannot be taken for the answer to /status.
    await alice.expect(1, before)
    assert "Version 2 approved" in await alice.say("/status")

    view = await student_view(sam, "Alice A")
    assert view.button_texts()[-1] == "Mark final" and "Reopen" not in view.button_texts()
    before = alice.bot_count
    done = (await sam.click("Mark final", message_id=view.message_id))[-1].content
    assert "Graphs" in done and "authorship declaration" in done
    asked = (await alice.expect(1, before))[-1]
    assert "marked your thesis Graphs (v2) final" in asked.content
    # No final without the student's declaration.
    assert await thesis_status(harness, alice.id) == "declaration"
    declared = await alice.click("I confirm", message_id=asked.message_id, expect=2)
    assert "Declaration recorded" in declared[0].content and declared[1].document
    assert await thesis_status(harness, alice.id) == "final"
    assert "final" in await alice.say("/status")

    # Uploads are refused, with nothing stored.
    keys = len(await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket))
    assert await alice.say("/submit") == "Your thesis is final; ask your supervisor to reopen it."
    reply = (await alice.upload(documents.pdf("sneaky"), "v3.pdf"))[-1].content
    assert "/help" in reply  # no step is waiting for a file
    assert await rows(harness, Submission) == 2
    assert len(await bucket_keys(harness.settings.s3_endpoint_url,
                                 harness.settings.s3_bucket)) == keys

    # The old view's Mark final answers with what is true now; nothing changes.
    answers = len(harness.emu.callback_answers)
    await harness.emu.click(sam.id, view.message_id, view.buttons[-1][-1]["callback_data"])
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert harness.emu.callback_answers[-1][1] == "Alice A's thesis is now final."

    view = await student_view(sam, "Alice A")
    assert view.button_texts()[-1] == "Reopen" and "Mark final" not in view.button_texts()
    asked = (await sam.click("Reopen", message_id=view.message_id))[-1].content
    assert "Reopening Graphs of Alice A" in asked and "/skip" in asked
    before = alice.bot_count
    assert "reopened" in await sam.say("Chapter 3 needs <the new data>")
    notice = (await alice.expect(1, before))[-1].content
    assert "reopened your thesis Graphs" in notice and "Chapter 3 needs <the new data>" in notice
    assert await thesis_status(harness, alice.id) == "changes_requested"

    assert "Version 3 received" in await submit(alice, documents.pdf("final text"), "v3.pdf")
    assert await thesis_status(harness, alice.id) == "submitted"
    assert await rows(harness, Review) == 2


async def outbox(db: str, kind: str) -> list[OutboxMessage]:
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session:
            query = select(OutboxMessage).where(OutboxMessage.kind == kind)
            return list((await session.scalars(query.order_by(OutboxMessage.id))).all())
    finally:
        await engine.dispose()


async def test_extension_for_one_student_of_a_cohort_milestone(make_bot: BotFactory,
                                                               db: str) -> None:
    await seed(db)
    clock = ManualClock(START)  # 2030-03-01 10:00 UTC
    harness = await make_bot(clock=clock, flood_rate=1000)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    alice, bob = harness.chat(ALICE, "Alice", "A"), harness.chat(BOB, "Bob", "B")
    common = datetime.fromisoformat("2030-03-10T12:00:00+00:00")
    own = datetime.fromisoformat("2030-03-15T12:00:00+00:00")
    await set_deadline(sam, "👥 All my students (2)", "Chapter 2", "2030-03-10 12:00")
    await told(bob, "New milestone from Sam Supervisor: Chapter 2")

    # The milestone view (Move in /milestones) → a student → Extend.
    await sam.say("/milestones")
    view = (await sam.click("✏️ Move 1"))[-1]
    assert "Set for 2 students" in view.content
    assert view.button_texts() == ["⏩ Extend Alice A", "⏩ Extend Bob B"]
    asked = (await sam.click("⏩ Extend Bob B"))[-1].content
    assert "More time for Bob B on Chapter 2" in asked
    assert "later than" in await sam.say("2030-03-09 12:00")
    done = await sam.say("2030-03-15 12:00")
    assert "Bob B now has until 2030-03-15 12:00 UTC" in done
    await told(bob, "gave you more time for Chapter 2: now due 2030-03-15 12:00 UTC for you")
    assert not any("more time" in m.content for m in harness.emu.bot_messages(alice.id))
    listing = await sam.say("/milestones")
    assert "Chapter 2 · Alice A — due 2030-03-10 12:00 UTC (in 9 days)" in listing
    assert "Chapter 2 · Bob B — due 2030-03-15 12:00 UTC (extended)" in listing

    # A day before the common due time: Alice is reminded of it; Bob by his own.
    clock.set(common - timedelta(days=1))
    await harness.process.scheduler.run_once()
    reminders = {r.chat_id: r.payload for r in await outbox(db, Kind.DEADLINE_REMINDER)}
    assert reminders[ALICE]["left"] == "1d" and reminders[ALICE]["due_at"] == common.isoformat()
    assert reminders[BOB]["left"] == "7d" and reminders[BOB]["due_at"] == own.isoformat()
    # Past the common due time: Alice is overdue, Bob is not.
    clock.set(common + timedelta(hours=1))
    await harness.process.scheduler.run_once()
    assert [r.chat_id for r in await outbox(db, Kind.DEADLINE_OVERDUE)] == [ALICE]
    # Bob submits after the common due time, within his own: on time.
    ask = await bob.say("/submit")
    assert "title" in ask
    await bob.say("Trees")
    await bob.upload(documents.pdf("bob"), "bob.pdf")
    before = sam.bot_count
    assert "Version 1 received" in await bob.say("/skip")
    # Bob's card reaches Sam first, so that it cannot be taken for the answer to /milestones.
    await sam.expect(1, before)
    listing = await sam.say("/milestones")
    assert "Chapter 2 · Bob B — due 2030-03-15 12:00 UTC (extended)" in listing
    assert "Chapter 2 · Bob B — due 2030-03-15 12:00 UTC (extended) (in 4 days) · " \
        "submitted on time" in listing
    assert "Chapter 2 · Alice A — due 2030-03-10 12:00 UTC (1 h ago) · overdue" in listing
    # Bob's own due time passes: met, so nothing more; nothing was ever late for him.
    clock.set(own + timedelta(hours=1))
    await harness.process.scheduler.run_once()
    assert [r.chat_id for r in await outbox(db, Kind.DEADLINE_OVERDUE)] == [ALICE]


async def test_a_final_thesis_stops_reminding(make_bot: BotFactory, db: str) -> None:
    await seed(db)
    clock = ManualClock(START)
    harness = await make_bot(clock=clock, flood_rate=1000)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    await set_deadline(sam, "👥 All my students (2)", "Defence", "2030-03-10 12:00")
    engine = create_engine(db)
    async with create_session_factory(engine)() as session, session.begin():
        session.add(Thesis(student_id=ALICE, title="Done", status="final", latest_version=1,
                           created_at=START, updated_at=START))
    await engine.dispose()
    clock.set(datetime.fromisoformat("2030-03-09T12:00:00+00:00"))
    await harness.process.scheduler.run_once()
    clock.set(datetime.fromisoformat("2030-03-10T13:00:00+00:00"))
    await harness.process.scheduler.run_once()
    assert [r.chat_id for r in await outbox(db, Kind.DEADLINE_REMINDER)] == [BOB]
    assert [r.chat_id for r in await outbox(db, Kind.DEADLINE_OVERDUE)] == [BOB]


async def test_a_png_then_submit_gives_the_document_prompt(harness: Harness) -> None:
    _admin, _sam, alice, _bob = await onboard(harness)
    await alice.say("/submit")
    assert "PDF" in await alice.say("My thesis")
    assert "not a PDF or DOCX" in (await alice.upload(documents.PNG, "scan.png"))[-1].content
    left, prompt = (await alice.send("/submit", expect=2))[-2:]
    assert left.content == "Left the unfinished submission."
    assert "PDF" in prompt.content and "DOCX" in prompt.content
    before = alice.bot_count
    await harness.emu.send_photo(alice.id)
    assert "as a file" in (await alice.expect(1, before))[-1].content
    left, prompt = (await alice.send("/submit", expect=2))[-2:]
    assert left.content == "Left the unfinished submission." and "PDF" in prompt.content
    assert await rows(harness, Submission) == 0 and await rows(harness, Thesis) == 0
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []
    # The document step, with the title given before: a good file goes through.
    assert "note" in (await alice.upload(documents.pdf("good"), "good.pdf"))[-1].content
    # Staged, then left with a command: the staged file is discarded.
    left, _ = (await alice.send("/history", expect=2))[-2:]
    assert left.content == "Left the unfinished submission."
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []
    assert await rows(harness, Submission) == 0


async def test_status_mid_review_comment_leaves_the_review_unrecorded(
        harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="A")
    card = await latest_card(harness, sam, 1)
    assert "comment" in (await sam.click("Request changes", message_id=card.message_id)
                         )[-1].content
    left, ran = (await sam.send("/status", expect=2))[-2:]
    assert left.content == "Left the unfinished review."
    assert "not available to you" in ran.content  # /status ran, as outside any step
    # What follows is no comment any more: nothing is recorded.
    assert "did not understand" in await sam.say("Chapter 2 is weak")
    assert await rows(harness, Review) == 0
    assert await thesis_status(harness, alice.id) == "submitted"
    # And a command a supervisor has runs too, mid-comment.
    await sam.click("Reject", message_id=card.message_id)
    left, header, item = (await sam.send("/queue", expect=3))[-3:]
    assert left.content == "Left the unfinished review."
    assert "Waiting for review" in header.content
    assert item.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…", "📄 File"]
    assert await rows(harness, Review) == 0


async def test_configured_admin_first_message_invite(make_bot: BotFactory) -> None:
    harness = await make_bot(admin_ids=[1, 7])
    admin = harness.chat(7, "Ida", "Admin")
    reply = await admin.say("/invite")
    assert "Invite for a new <b>supervisor</b>" not in reply and "supervisor" in reply
    assert "t.me/" in reply and invite_code(reply)
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        role = (await conn.execute(select(User.role).where(User.id == 7))).scalar_one()
    await engine.dispose()
    assert role == "admin"
    assert "already registered as administrator" in await admin.say("/start")
    # Not configured: still told to use an invite link.
    stranger = harness.chat(8, "Sly")
    assert "not registered" in await stranger.say("/invite")


async def test_share_button_and_qr_code_carry_the_invite_link(harness: Harness) -> None:
    _admin, sam, _alice, _bob = await onboard(harness)
    single = (await sam.send("/invite"))[-1]
    link = f"https://t.me/{(await harness.process.bot.me()).username}?start=" \
        f"{invite_code(single.content)}"
    assert single.photo is None
    assert shared(single) == link

    cohort = (await sam.send("/invite 30 25"))[-1]
    link = link.split("?start=")[0] + "?start=" + invite_code(cohort.content)
    assert "up to 25 people" in cohort.content and link in cohort.content
    assert shared(cohort) == link
    assert cohort.photo, "a cohort invite comes on a QR code"
    png = harness.emu.file_bytes(cohort.photo[-1]["file_id"])
    assert png.startswith(b"\x89PNG")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [code.text for code in decoded] == [link]


def shared(message) -> str:  # type: ignore[no-untyped-def]
    """The invite link in the message's Share button (a t.me/share/url link)."""
    [button] = [b for row in message.buttons for b in row if b["text"] == "Share"]
    url = urlsplit(button["url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "t.me", "/share/url")
    query = parse_qs(url.query)
    assert query["text"] and query["text"][0]
    return query["url"][0]
