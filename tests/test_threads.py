"""Issue 16 end to end through the emulator (PostgreSQL, Redis, S3): feedback as a
conversation (a thread per version, by Telegram replies or 💬 Reply, with files), the
supervisor-only notes, and requested changes as a checklist the student ticks off."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from storage.db import create_engine
from storage.models import (
    ChecklistItem,
    OutboxMessage,
    Submission,
    SupervisorNote,
    Thesis,
    ThreadMessage,
)
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.support.conversation import student_label
from tests.test_student_journey import onboard, rows, submit
from tgemu import RecordedMessage

COMMENT = ("Good start, three things:\n"
           "- Fix the introduction\n"
           "- Cite Smith 2020 for the <lower> bound & the proof\n"
           "1. Renumber the figures\n"
           "Thanks!")


def version_cards(harness: Harness, supervisor: Chat) -> list[RecordedMessage]:
    """The supervisor's cards of new versions (thread files are documents too)."""
    return [m for m in harness.emu.bot_messages(supervisor.id)
            if m.document and "New version" in m.content]


async def card(harness: Harness, supervisor: Chat, count: int) -> RecordedMessage:
    await harness.emu.wait_until(lambda: len(version_cards(harness, supervisor)) >= count)
    return version_cards(harness, supervisor)[count - 1]


async def recorded(harness: Harness, chat_id: int, message_id: int) -> bool:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        found = (await conn.execute(select(OutboxMessage.id).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.message_id == message_id))).first()
    await engine.dispose()
    return found is not None


async def reply(chat: Chat, to: int, text: str, expect: int = 1,
                harness: Harness | None = None) -> list[RecordedMessage]:
    """A Telegram reply to message ``to`` of the chat; with ``harness``, once the outbox has
    recorded which message the notification became (a person never replies faster)."""
    if harness is not None:
        for _ in range(100):
            if await recorded(harness, chat.id, to):
                break
            await asyncio.sleep(0.05)
    before = chat.bot_count
    await chat.emu.send_text(chat.id, text, reply_to_message_id=to)
    return await chat.expect(expect, before) if expect else []


async def received(chat: Chat, before: int, needle: str) -> RecordedMessage:
    """The first message since ``before`` containing ``needle`` (waiting for the outbox)."""
    await chat.emu.wait_until(lambda: any(needle in m.content
                                          for m in chat.emu.bot_messages(chat.id)[before:]))
    return next(m for m in chat.emu.bot_messages(chat.id)[before:] if needle in m.content)


async def request_changes(harness: Harness, supervisor: Chat, card_id: int,
                          comment: str) -> str:
    await supervisor.click("Request changes", message_id=card_id)
    # No grade is asked (it belongs to an approval): the comment records the decision.
    return await supervisor.say(comment)


async def toggle(harness: Harness, student: Chat, message_id: int, label: str) -> None:
    await student.click(f"⬜ {label}", message_id=message_id, expect=0)
    await harness.emu.wait_until(
        lambda: f"✅ {label}" in harness.emu.message(student.id, message_id).button_texts())


async def item_states(harness: Harness) -> list[tuple[str, str, int | None]]:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        found = (await conn.execute(
            select(ChecklistItem.text, ChecklistItem.state, Submission.version)
            .outerjoin(Submission, Submission.id == ChecklistItem.addressed_submission_id)
            .order_by(ChecklistItem.id))).all()
    await engine.dispose()
    return [(text, state, version) for text, state, version in found]


async def test_a_thread_and_a_checklist_over_three_rounds(make_bot: BotFactory) -> None:
    # One person's many steps in a few seconds: more than the flood control lets through.
    harness = await make_bot(flood_rate=1000)
    _admin, sam, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    card1 = await card(harness, sam, 1)

    # Request changes with a three-item comment: the notice lists the three items.
    before = alice.bot_count
    assert "Recorded" in await request_changes(harness, sam, card1.message_id, COMMENT)
    notice = await received(alice, before, "changes requested")
    assert "Good start, three things:" in notice.content and "Thanks!" in notice.content
    assert ("Requested changes:\n1. Fix the introduction\n"
            "2. Cite Smith 2020 for the <lower> bound & the proof\n"
            "3. Renumber the figures") in notice.content
    assert "- Fix the introduction" not in notice.content  # an item, not the comment
    assert notice.button_texts() == ["💬 Reply"]

    # The student replies to the notice; the supervisor gets it with her name and the version.
    before_sam = sam.bot_count
    answer = await reply(alice, notice.message_id, "Which <edition> of Smith & co?",
                         harness=harness)
    assert "comment on version 1 was sent" in answer[-1].content
    comment = await received(sam, before_sam, "Which <edition> of Smith & co?")
    assert "Alice A" in comment.content and "version 1 of Graphs" in comment.content
    assert comment.button_texts() == ["💬 Reply"]

    # The supervisor replies to that message; the student gets it the same way.
    before = alice.bot_count
    await reply(sam, comment.message_id, "The 2020 one.", harness=harness)
    answer_to_alice = await received(alice, before, "The 2020 one.")
    assert "Sam Supervisor" in answer_to_alice.content and "your version 1" in \
        answer_to_alice.content
    assert answer_to_alice.button_texts() == ["💬 Reply"]
    # Replying to the card of the version works for the supervisor too.
    before = alice.bot_count
    await reply(sam, card1.message_id, "And mind the page limit.", harness=harness)
    await received(alice, before, "And mind the page limit.")
    # 💬 Reply, then a file with a caption: stored like a feedback file, sent on.
    before_sam = sam.bot_count
    asked = await alice.click("💬 Reply", message_id=answer_to_alice.message_id)
    assert "Your comment on version 1 of Graphs" in asked[-1].content
    await alice.upload(documents.pdf("draft intro"), "intro.pdf", caption="New intro draft")
    with_file = await received(sam, before_sam, "New intro draft")
    assert with_file.document is not None and "intro.pdf" in with_file.content
    keys = await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket)
    assert len([k for k in keys if "/threads/" in k]) == 1
    # Two more, so that the thread is read in two pages.
    for text in ("One more question.", "And a last one."):
        await reply(alice, notice.message_id, text)
    assert await rows(harness, ThreadMessage) == 6
    # Each went through the outbox, about the version (so that replies to replies work).
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        refs = (await conn.execute(select(OutboxMessage.ref, OutboxMessage.chat_id).where(
            OutboxMessage.kind == "thread_comment").order_by(OutboxMessage.id))).all()
        version1 = (await conn.execute(select(Submission.id))).scalar_one()
    await engine.dispose()
    assert [chat for _ref, chat in refs] == [sam.id, alice.id, alice.id, sam.id, sam.id,
                                             sam.id]
    assert {ref for ref, _chat in refs} == {f"submission:{version1}"}

    history = (await alice.send("/history"))[-1]
    assert "v1 ·" in history.content and "💬 6" in history.content
    assert "💬 v1 (6)" in history.button_texts()
    thread = (await alice.click("💬 v1 (6)"))[-1]
    assert "6 comments, page 1 of 2" in thread.content
    assert "Which <edition> of Smith & co?" in thread.content and "The 2020 one." in \
        thread.content
    assert "And a last one." not in thread.content
    assert thread.button_texts() == ["📎 4", "Newer »", "💬 Reply"]
    assert (await alice.click("📎 4", message_id=thread.message_id))[-1].document is not None
    await alice.click("Newer »", message_id=thread.message_id, expect=0)
    await harness.emu.wait_until(
        lambda: "page 2 of 2" in harness.emu.message(alice.id, thread.message_id).content)
    assert "And a last one." in harness.emu.message(alice.id, thread.message_id).content

    # /submit v2: the checklist with three toggles, two ticked, Done.
    assert "PDF" in await alice.say("/submit")
    ask = (await alice.upload(documents.pdf("v2"), "v2.pdf"))[-1]
    assert ask.content.startswith("Which of the requested changes does this version address?")
    assert ask.button_texts() == ["⬜ Fix the introduction", "⬜ Cite Smith 2020 for the…",
                                  "⬜ Renumber the figures", "Done"]
    await toggle(harness, alice, ask.message_id, "Fix the introduction")
    await toggle(harness, alice, ask.message_id, "Cite Smith 2020 for the…")
    assert "note" in (await alice.click("Done", message_id=ask.message_id))[-1].content
    assert "addresses 2 of 3" in harness.emu.message(alice.id, ask.message_id).content
    assert "Version 2 received" in await alice.say("/skip")
    card2 = await card(harness, sam, 2)
    assert "Addressed 2/3" in card2.content
    assert "✅ Fix the introduction" in card2.content and "⬜ Renumber the figures" in \
        card2.content
    assert card2.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…"]

    # Request changes again: the one open item is kept open and carries over.
    before = alice.bot_count
    await sam.click("Request changes", message_id=card2.message_id)
    carry = (await sam.send("- Add a conclusion"))[-1]
    assert "3 earlier requested changes are open" in carry.content
    assert carry.button_texts() == ["Keep open items", "Close all"]
    assert "Recorded" in (await sam.click("Keep open items"))[-1].content
    closed_card = harness.emu.message(sam.id, card2.message_id)
    assert "Addressed 2/3" in closed_card.content and "changes requested" in closed_card.content
    notice2 = await received(alice, before, "changes requested")
    assert "Requested changes:\n1. Add a conclusion" in notice2.content
    assert "Still open from earlier rounds:\n2. Renumber the figures" in notice2.content
    status = await alice.say("/status")
    assert "Open requested changes (2):\n1. Renumber the figures\n2. Add a conclusion" in status
    assert "Fix the introduction" not in status
    assert await item_states(harness) == [
        ("Fix the introduction", "closed", 2),
        ("Cite Smith 2020 for the <lower> bound & the proof", "closed", 2),
        ("Renumber the figures", "open", None),
        ("Add a conclusion", "open", None)]

    # v3: the carried item is asked again with the new one; /skip means none.
    await alice.say("/submit")
    ask3 = (await alice.upload(documents.pdf("v3"), "v3.pdf"))[-1]
    assert ask3.button_texts() == ["⬜ Renumber the figures", "⬜ Add a conclusion", "Done"]
    assert "note" in await alice.say("/skip")
    assert "Version 3 received" in await alice.say("/skip")
    card3 = await card(harness, sam, 3)
    assert "Addressed 0/2" in card3.content and "⬜ Add a conclusion" in card3.content

    # Approving asks about what is open: Close them closes it.
    asked = (await sam.click("Approve", message_id=card3.message_id))[-1]
    assert "2 requested changes are still open" in asked.content
    assert asked.button_texts() == ["Close them", "Keep open"]
    assert "Approved" in (await sam.click("Close them", message_id=asked.message_id))[-1].content
    assert {state for _text, state, _v in await item_states(harness)} == {"closed"}
    assert "Open requested changes" not in await alice.say("/status")


async def test_notes_stay_with_supervisors_and_forged_buttons_change_nothing(
        make_bot: BotFactory) -> None:
    harness = await make_bot(flood_rate=1000)
    _admin, sam, alice, bob = await onboard(harness)
    await submit(alice, documents.pdf("a1"), "a1.pdf", title="Alice's")
    await submit(bob, documents.pdf("b1"), "b1.pdf", title="Bob's")
    await card(harness, sam, 2)
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        bob_version = (await conn.execute(
            select(Submission.id).join(Thesis, Thesis.id == Submission.thesis_id)
            .where(Thesis.student_id == bob.id))).scalar_one()
    await engine.dispose()

    # A supervisor-only note, from the student's view.
    await sam.send("/students")
    view = (await sam.click(student_label(sam, "Alice A")))[-1]
    assert view.button_texts()[-2:] == ["📝 Note", "👥 Team"]
    asked = (await sam.click("📝 Note", message_id=view.message_id))[-1].content
    assert "students never see it" in asked
    assert "saved" in await sam.say("Secret: <struggles> with statistics")
    await sam.send("/students")
    view = (await sam.click(student_label(sam, "Alice A")))[-1]
    assert "Notes (supervisors only):" in view.content
    assert "Sam Supervisor: Secret: <struggles> with statistics" in view.content
    assert await rows(harness, SupervisorNote) == 1
    # A student pressing a forged Note button: refused, nothing stored.
    answers = len(harness.emu.callback_answers)
    await harness.emu.click(alice.id, alice.last().message_id, f"nt:{alice.id}")
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert harness.emu.callback_answers[-1][2]  # an alert

    # A forged 💬 Reply on Bob's version by Alice changes nothing: no step, no comment.
    for forged in (f"tc:r:{bob_version}:0", f"tc:v:{bob_version}:0", "tc:r:999999:0",
                   "ck:t:1", "ck:d:0", "co:1"):
        answers, before = len(harness.emu.callback_answers), alice.bot_count
        await harness.emu.click(alice.id, alice.last().message_id, forged)
        await harness.emu.wait_until(lambda a=answers: len(harness.emu.callback_answers) > a)
        assert harness.emu.callback_answers[-1][2], forged
        assert alice.bot_count == before
    # Typed outside a step it is only offered to her supervisor: nothing is recorded.
    assert "Send this to your supervisor?" in await alice.say("So I can write to Bob's thread?")
    assert await rows(harness, ThreadMessage) == 0
    await alice.click("Cancel", expect=0)
    await alice.emu.wait_until(lambda: any("Not sent." in (m.content or "")
                                           for m in alice.emu.bot_messages(alice.id)))

    # A reply to a message that is not about a version: as any text, never an error.
    help_message = (await alice.send("/help"))[-1]
    assert "Send this to your supervisor?" in (await reply(alice, help_message.message_id,
                                                           "Hello?"))[-1].content
    await alice.click("Cancel", expect=0)
    # Too long: the limit is said and nothing is stored.
    too_long = await reply(sam, version_cards(harness, sam)[0].message_id, "x" * 4001,
                           harness=harness)
    assert "limit is 4000" in too_long[-1].content
    assert await rows(harness, ThreadMessage) == 0

    # Every message Alice ever received: the note is in none of them (text, caption, edits).
    seen = [m.content for m in harness.emu.bot_messages(alice.id)]
    seen += [e.text or e.caption or "" for m in harness.emu.bot_messages(alice.id)
             for e in m.edits]
    assert seen and not any("Secret" in text or "struggles" in text for text in seen)
