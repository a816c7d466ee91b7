"""Issue 4 end to end: decisions from inline buttons, authorization, exactly one review
per version, the queue and the students overview."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.db import create_engine
from storage.models import Review, StoredFile, Submission, Thesis, ThesisMember, User
from tests import documents
from tests.conftest import BotFactory, Harness
from tests.support.conversation import (
    cards,
    decide,
    latest_card,
    onboard,
    rows,
    student_label,
    submit,
    thesis_status,
)
from tests.support.files import stored_values


async def test_request_changes_then_approve_with_grade(harness: Harness) -> None:
    _admin, supervisor, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Thesis <i>one</i>")
    card = await latest_card(harness, supervisor, 1)
    before = alice.bot_count
    done = await decide(harness, supervisor, card.message_id, "Request changes",
                        "Chapter 2 needs <more> & better data")
    assert "Recorded" in done and "changes requested" in done
    notice = (await alice.expect(1, before))[-1].content
    assert "changes requested" in notice and "Chapter 2 needs <more> & better data" in notice
    assert "/submit" in notice
    edited = harness.emu.message(supervisor.id, card.message_id)
    assert edited.reply_markup is None or not edited.buttons
    assert "changes requested" in edited.content.lower() and "Sam Supervisor" in edited.content
    assert await thesis_status(harness, alice.id) == "changes_requested"

    await submit(alice, documents.pdf("v2"), "v2.pdf")
    assert await thesis_status(harness, alice.id) == "submitted"
    card2 = await latest_card(harness, supervisor, 2)
    before = alice.bot_count
    done = await decide(harness, supervisor, card2.message_id, "Approve", None, grade="91")
    assert "approved" in done
    notice = (await alice.expect(1, before))[-1].content
    assert "approved" in notice and "91" in notice
    assert await thesis_status(harness, alice.id) == "approved"
    history = (await alice.send("/history"))[-1].content
    assert "changes requested" in history and "approved" in history and "grade 91" in history
    assert "already approved" not in history
    assert await rows(harness, Review) == 2


async def test_reject_with_feedback_file_and_approve_with_comment(harness: Harness) -> None:
    _admin, supervisor, alice, bob = await onboard(harness)
    await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    await submit(bob, documents.pdf("b"), "b.pdf", title="B")
    await latest_card(harness, supervisor, 2)
    alice_card, bob_card = cards(harness, supervisor)
    await supervisor.click("Reject", message_id=alice_card.message_id)
    before_alice = alice.bot_count
    # The file is the comment: recorded at once (a grade belongs to an approval only).
    recorded = await supervisor.upload(documents.pdf("annotated"), "annotated.pdf",
                                       caption="See my notes")
    assert "Recorded" in recorded[-1].content
    received = await alice.expect(1, before_alice)
    assert any(m.document for m in received) or \
        (await alice.expect(2, before_alice))[-1].document
    text = " ".join(m.content for m in harness.emu.bot_messages(alice.id)[before_alice:])
    assert "rejected" in text and "See my notes" in text
    assert len(await _bucket(harness)) == 3  # two versions and the feedback file
    history = (await alice.send("/history"))[-1]
    assert "📝 feedback v1" in history.button_texts()

    before_bob = bob.bot_count
    assert "approved" in await decide(harness, supervisor, bob_card.message_id, "Approve",
                                      "Well done")
    assert "Well done" in (await bob.expect(1, before_bob))[-1].content


async def _bucket(harness: Harness) -> list[str]:
    from tests.conftest import bucket_keys

    return await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket)


async def test_only_the_supervisor_may_decide(harness: Harness) -> None:
    _admin, supervisor, alice, bob = await onboard(harness)
    await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    card = await latest_card(harness, supervisor, 1)
    data = card.buttons[0][0]["callback_data"]
    # A student pressing Approve on a forwarded card (same data, their own chat).
    for chat in (alice, bob):
        own = harness.emu.bot_messages(chat.id)[-1]
        await harness.emu.click(chat.id, own.message_id, data)
    # A stranger with forged and malformed data.
    stranger = harness.chat(999, "Mallory")
    await stranger.say("/start")
    own = harness.emu.bot_messages(stranger.id)[-1]
    for forged in (data, "rv:a:999999", "rv:zz:1", "rv:a:not-a-number", "f:1:0", "garbage",
                   "st:201", "qp:-5"):
        await harness.emu.click(stranger.id, own.message_id, forged)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) >= 10)
    alerts = [answer for answer in harness.emu.callback_answers]
    assert all(show_alert for _id, _text, show_alert in alerts), alerts
    assert await rows(harness, Review) == 0
    assert await thesis_status(harness, alice.id) == "submitted"


async def test_double_press_and_superseded_version(harness: Harness) -> None:
    _admin, supervisor, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="A")
    card1 = await latest_card(harness, supervisor, 1)
    await submit(alice, documents.pdf("v2"), "v2.pdf")
    card2 = await latest_card(harness, supervisor, 2)
    before = len(harness.emu.callback_answers)
    await harness.emu.click(supervisor.id, card1.message_id,
                            card1.buttons[0][0]["callback_data"])
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > before)
    assert "superseded by version 2" in harness.emu.callback_answers[-1][1]
    approve_data = card2.buttons[0][0]["callback_data"]
    await decide(harness, supervisor, card2.message_id, "Approve", None)
    assert not harness.emu.message(supervisor.id, card2.message_id).buttons
    before = len(harness.emu.callback_answers)
    await harness.emu.click(supervisor.id, card2.message_id, approve_data)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > before)
    assert "Already approved" in harness.emu.callback_answers[-1][1]
    assert await rows(harness, Review) == 1


async def test_two_admins_deciding_at_once_make_one_review(make_bot: BotFactory) -> None:
    harness = await make_bot(admin_ids=[1, 2])
    _admin, _supervisor, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="A")
    second = harness.chat(2, "Bea", "Admin")
    await second.say("/start")
    admins = [harness.chats[1], second]
    presses = []
    for admin in admins:
        queue = await admin.send("/queue", expect=2)
        item = queue[1]
        assert item.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…", "📄 File"]
        presses.append((admin.id, item.message_id, item.buttons[0][0]["callback_data"]))
    # Approve is one tap: both tap at the same moment.
    before = [a.bot_count for a in admins]
    answers = len(harness.emu.callback_answers)
    await asyncio.gather(*(harness.emu.click(*press) for press in presses))
    await harness.emu.wait_until(lambda: any(
        "Already reviewed by" in (text or "")
        for _, text, _ in harness.emu.callback_answers[answers:]))

    def told() -> list[str]:
        return [m.content for a, b in zip(admins, before, strict=True)
                for m in harness.emu.bot_messages(a.id)[b:]]

    await harness.emu.wait_until(lambda: any("Approved: " in m for m in told()))
    assert sum("Approved: " in m for m in told()) == 1, told()
    assert await rows(harness, Review) == 1


async def test_queue_order_and_pagination(harness: Harness) -> None:
    _admin, supervisor, _alice, _bob = await onboard(harness)
    now = datetime.now(UTC)
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.begin() as conn:
        for i in range(27):
            student_id = 10_000 + i
            await conn.execute(User.__table__.insert().values(
                id=student_id, role="student", full_name=f"Student {i:02d}", language="en",
                invited_by_id=supervisor.id, reachable=True, created_at=now))
            await conn.execute(ThesisMember.__table__.insert().values(
                student_id=student_id, user_id=supervisor.id, role="supervisor",
                created_at=now))
            # As the bot writes them: a thesis changes when its latest version comes.
            submitted_at = now - timedelta(days=27 - i, hours=1)
            thesis_id = (await conn.execute(Thesis.__table__.insert().values(
                student_id=student_id, title=f"Title {i:02d}", status="submitted",
                latest_version=1, created_at=submitted_at, updated_at=submitted_at)
                .returning(Thesis.id))).scalar_one()
            await conn.execute(StoredFile.__table__.insert(), stored_values(f"k{i}"))
            await conn.execute(Submission.__table__.insert().values(
                thesis_id=thesis_id, version=1, file_key=f"k{i}", file_name="t.pdf",
                file_kind="pdf", file_size=10, sha256="0" * 64, telegram_file_id=None,
                submitted_at=submitted_at))
    await engine.dispose()
    # The header (with the pager) first, then the items, oldest first.
    header, *page1 = await supervisor.send("/queue", expect=6)
    assert [m.content.split("\n")[0] for m in page1] == [
        f"Student {i:02d} — Title {i:02d}" for i in range(5)]
    assert "waiting 27 days" in page1[0].content
    assert "27 (page 1 of 6)" in header.content
    assert header.button_texts() == ["Next »"]
    assert all("📄 File" in m.button_texts() for m in page1)
    header2, *page2 = await supervisor.click("Next »", expect=6)
    assert page2[0].content.startswith("Student 05")
    assert header2.button_texts() == ["« Previous", "Next »"]


async def test_students_overview_and_history(harness: Harness) -> None:
    _admin, supervisor, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Alice's <thesis>")
    await latest_card(harness, supervisor, 1)
    overview = (await supervisor.send("/students"))[-1]
    assert "Your students: 2" in overview.content and "waiting 1" in overview.content
    # Most urgent first: Alice's version waits; Bob has sent nothing yet.
    assert "1. ⏳ Alice A — version 1 waiting" in overview.content
    assert "2. 📭 Bob B — no submission yet\n" in overview.content + "\n"
    history = (await supervisor.click(student_label(supervisor, "Alice A")))[-1]
    # Issue 16: the student's view carries the supervisor-only 📝 Note button.
    assert "v1" in history.content and history.button_texts() == [
        "📄 v1", "✏️ Rename", "📝 Note", "👥 Team"]
    await supervisor.click("📄 v1")
    assert supervisor.last().document is not None
    student_stats = await alice.say("/stats")
    assert "not available" in student_stats
    stats = await harness.chats[1].say("/stats")
    assert "administrator: 1" in stats and "student: 2" in stats and "supervisor: 1" in stats
    assert "submitted, awaiting review: 1" in stats and "last 7 days: 1" in stats


async def test_a_renamed_file_reaches_the_supervisor_under_the_stored_name(
        harness: Harness) -> None:
    _admin, supervisor, alice, _bob = await onboard(harness)
    docx = documents.docx("a docx sent as a pdf")
    assert "Version 1 received" in await submit(alice, docx, "x.pdf", title="Renamed")
    card = await latest_card(harness, supervisor, 1)
    # Telegram would show the name it was uploaded with: the card is sent from our store.
    [sent] = [m for m in harness.emu.messages(alice.id) if not m.from_bot and m.document]
    assert sent.document["file_name"] == "x.pdf"
    assert card.document["file_name"] == "x.docx"
    assert card.document["file_id"] != sent.document["file_id"]
    assert harness.emu.file_bytes(card.document["file_id"]) == docx
    assert card.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…"]
    assert "Renamed" in card.content
    # The download from the history too; a file whose name was right is re-sent as is.
    await alice.send("/history")
    download = (await alice.click("📄 v1"))[-1]
    assert download.document["file_name"] == "x.docx"
    assert harness.emu.file_bytes(download.document["file_id"]) == docx

    await supervisor.click("Reject", message_id=card.message_id)
    before = alice.bot_count
    assert "Recorded" in (await supervisor.upload(documents.docx("notes"), "notes.pdf"))[-1].content
    feedback = [m for m in (await alice.expect(1, before)) if m.document] or \
        [m for m in (await alice.expect(2, before)) if m.document]
    assert feedback[-1].document["file_name"] == "notes.docx"
