"""Issue 27, the chat as people use it, end to end through the emulator: dates as people
write them (echoed with the weekday, saved after Save, quick buttons), in English and
Russian, and what the Russian side showed checked against the glossary."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.clock import ManualClock
from storage.db import create_engine, create_session_factory
from storage.models import Milestone
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.conversation import cards, thesis_status, told
from tests.test_threads import recorded
from tests.unit.test_glossary import check_transcript
from tgemu import RecordedMessage

BERLIN = ZoneInfo("Europe/Berlin")


async def started(make_bot: BotFactory, db: str) -> tuple[Harness, Chat, Chat]:
    await seed(db)
    # 2030-03-01 is a Friday; 10:00 UTC is 11:00 in Berlin.
    harness = await make_bot(clock=ManualClock(START), timezone="Europe/Berlin",
                             flood_rate=1000)
    return harness, harness.chat(SUPERVISOR, "Sam", "Supervisor"), harness.chat(ALICE, "Alice", "A")


async def due_dates(db: str) -> list[datetime]:
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(select(Milestone).where(Milestone.student_id == ALICE)
                                         .order_by(Milestone.id))
            return [m.due_at.astimezone(BERLIN) for m in rows]
    finally:
        await engine.dispose()


async def ask_due(sam: Chat, title: str) -> str:
    await sam.send("/deadline")
    await sam.click(sam.last().button_texts()[1])  # Alice, whatever the language
    return await sam.say(title)


async def test_dates_as_people_write_them_in_both_languages(make_bot: BotFactory,
                                                             db: str) -> None:
    _harness, sam, _alice = await started(make_bot, db)

    # English: a European date and time, echoed with its weekday, saved after Save.
    asked = await ask_due(sam, "Chapter 1")
    assert "15.01.2027 10:00" in asked and "YYYY" not in asked
    assert sam.last().button_texts() == ["+1 week", "+2 weeks", "End of month"]
    echo = await sam.say("15.03.2030 10:00")
    assert echo == "📅 Friday, 15 March 2030, 10:00 CET — is that right?"
    assert sam.last().button_texts() == ["✅ Save", "✏️ Another date"]
    assert await due_dates(db) == []  # nothing saved before Save
    done = (await sam.click("✅ Save"))[-1].content
    assert "due 2030-03-15 10:00 CET" in done
    # next friday: the coming one, a date alone is 23:59.
    await ask_due(sam, "Chapter 2")
    assert await sam.say("next friday") == \
        "📅 Friday, 8 March 2030, 23:59 CET — is that right?"
    await sam.click("✅ Save")
    # A quick button, then another date instead.
    await ask_due(sam, "Chapter 3")
    assert "Friday, 15 March 2030, 23:59" in (await sam.click("+2 weeks"))[-1].content
    assert "Send another date" in (await sam.click("✏️ Another date"))[-1].content
    assert "could not read" in await sam.say("/skip")
    assert "already passed" in await sam.say("yesterday")
    assert "Sunday, 31 March 2030" in (await sam.click("End of month"))[-1].content
    await sam.click("✅ Save")

    # Russian: завтра 10:00 and через 2 недели.
    await sam.send("/language")
    await sam.click("Русский")
    await ask_due(sam, "Глава 4")
    echo = await sam.say("завтра 10:00")
    assert echo == "📅 Дата: суббота, 2 марта 2030, 10:00 CET — верно?"
    done = (await sam.click("✅ Сохранить"))[-1].content
    assert "2 марта 2030, 10:00" in done
    await ask_due(sam, "Глава 5")
    assert "пятница, 15 марта 2030, 23:59" in await sam.say("через 2 недели")
    await sam.click("✅ Сохранить")

    assert await due_dates(db) == [
        datetime(2030, 3, 15, 10, 0, tzinfo=BERLIN), datetime(2030, 3, 8, 23, 59, tzinfo=BERLIN),
        datetime(2030, 3, 31, 23, 59, tzinfo=BERLIN), datetime(2030, 3, 2, 10, 0, tzinfo=BERLIN),
        datetime(2030, 3, 15, 23, 59, tzinfo=BERLIN)]
    russian = [m.content or "" for m in sam.emu.bot_messages(sam.id)
               if "Русский" not in (m.content or "")][-8:]
    assert not check_transcript("ru", russian)
    assert BOB  # Bob is seeded too and never asked


async def test_a_command_is_never_taken_as_a_title(make_bot: BotFactory, db: str) -> None:
    _harness, _sam, alice = await started(make_bot, db)
    assert "title" in await alice.say("/submit")
    refused = await alice.say("/skip")
    assert "/skip is a command, not an answer" in refused
    assert "PDF or DOCX" in await alice.say("Graph Neural Networks")


async def test_a_pdf_dropped_with_no_step_becomes_a_version(make_bot: BotFactory,
                                                             db: str) -> None:
    harness, sam, alice = await started(make_bot, db)
    # No thesis yet: the title is asked first (a command is no title), then it goes on.
    asked = (await alice.upload(documents.pdf("draft one"), "draft.pdf"))[-1].content
    assert "first version" in asked and "title" in asked
    assert "is a command" in await alice.say("/skip")
    assert "note for your supervisor" in (await alice.send("Graphs"))[-1].content
    assert "Version 1 received" in await alice.say("/skip")
    assert await thesis_status(harness, alice.id) == "submitted"
    await harness.emu.wait_until(lambda: len(cards(harness, sam)) >= 1)

    # The next one: offered as version 2 of «Graphs», Cancel keeps nothing, Submit sends it.
    offer = (await alice.upload(documents.pdf("draft two"), "draft2.pdf"))[-1]
    assert offer.content == "Submit this file as version 2 of Graphs?"
    assert offer.button_texts() == ["Submit", "Cancel"]
    assert "Cancelled" in (await alice.click("Cancel"))[-1].content
    await alice.upload(documents.pdf("draft two"), "draft2.pdf")
    replies = await alice.click("Submit")
    assert "note for your supervisor" in replies[-1].content
    assert "Version 2 received" in await alice.say("Here it is")
    await harness.emu.wait_until(lambda: len(cards(harness, sam)) >= 2)
    assert "version 2" in cards(harness, sam)[-1].content


async def test_a_bare_invite_code_works_like_start(make_bot: BotFactory, db: str) -> None:
    harness, sam, _alice = await started(make_bot, db)
    await sam.send("/invite 30 2")
    await told(sam, "Code: ")
    code = re.search(r"Code: (\S+)", next(m.content for m in harness.emu.bot_messages(sam.id)
                                          if "Code: " in (m.content or "")))
    assert code is not None
    newcomer = harness.chat(5301, "Nina", "N")
    assert "Welcome" in (await newcomer.send(code.group(1)))[0].content
    # The whole line pasted works too.
    other = harness.chat(5302, "Olga", "O")
    assert "Welcome" in (await other.send(f"Code: {code.group(1)}"))[0].content


async def test_free_text_reaches_the_supervisor(make_bot: BotFactory, db: str) -> None:
    harness, sam, alice = await started(make_bot, db)
    # Before any version: a message to the team.
    offer = (await alice.send("привет, что мне делать дальше?"))[-1]
    assert offer.content == "Send this to your supervisor?"
    assert offer.button_texts() == ["Send", "Cancel"]
    before = sam.bot_count
    await alice.click("Send", expect=0)
    await told(alice, "✉️ Sent to your supervisor.")
    got = (await sam.expect(1, before))[-1].content
    assert "Alice A" in got and "привет, что мне делать дальше?" in got
    # Cancel sends nothing.
    await alice.send("never mind")
    await alice.click("Cancel", expect=0)
    await told(alice, "Not sent.")

    # With a version: a comment in its thread.
    await alice.send("/submit")
    await alice.say("Graphs")
    await alice.upload(documents.pdf("v1"), "v1.pdf")
    await alice.say("/skip")
    await harness.emu.wait_until(lambda: len(cards(harness, sam)) >= 1)
    before = sam.bot_count
    await alice.send("Is chapter 2 needed?")
    await alice.click("Send", expect=0)
    await told(alice, "in the thread of version 1")
    await sam.expect(1, before)
    await told(sam, "commented on version 1 of Graphs:\n\nIs chapter 2 needed?")


async def test_rename_from_status_and_from_the_students_view(make_bot: BotFactory,
                                                             db: str) -> None:
    harness, sam, alice = await started(make_bot, db)
    await alice.send("/submit")
    await alice.say("Graps")
    await alice.upload(documents.pdf("v1"), "v1.pdf")
    await alice.say("/skip")
    await harness.emu.wait_until(lambda: len(cards(harness, sam)) >= 1)
    status = (await alice.send("/status"))[-1]
    assert "✏️ Rename" in status.button_texts()
    assert "new title" in (await alice.click("✏️ Rename", message_id=status.message_id))[-1].content
    assert "is a command" in await alice.say("/skip")
    before = sam.bot_count
    assert "now called Graphs" in await alice.say("Graphs")
    assert "renamed the thesis of Alice A: Graphs (was Graps)" in \
        (await sam.expect(1, before))[-1].content
    # The supervisor, from the student's view.
    await sam.send("/students")
    view = (await sam.click("1. Alice A"))[-1]
    await sam.click("✏️ Rename", message_id=view.message_id)
    before = alice.bot_count
    assert "now called Graph Networks" in await sam.say("Graph Networks")
    assert "Sam Supervisor renamed" in (await alice.expect(1, before))[-1].content
    assert "Graph Networks" in await alice.say("/status")


async def version(harness: Harness, alice: Chat, sam: Chat, number: int,
                  checklist: bool = False) -> RecordedMessage:
    """Alice sends version ``number`` (no item ticked, no note); Sam's card of it."""
    await alice.send("/submit")
    if number == 1:
        await alice.say("Graphs")
    await alice.upload(documents.pdf(f"v{number}"), f"v{number}.pdf")
    if checklist:
        assert "note" in await alice.say("/skip")
    assert f"Version {number} received" in await alice.say("/skip")
    await harness.emu.wait_until(lambda: len(cards(harness, sam)) >= number)
    return cards(harness, sam)[-1]


async def quiet(chat: Chat, count: int) -> None:
    """Nothing more comes to ``chat`` for a while (the sender polls every second)."""
    await asyncio.sleep(2.5)
    assert chat.bot_count == count, chat.emu.transcript(chat.id)


async def test_approve_is_one_tap_and_the_student_gets_one_notice(make_bot: BotFactory,
                                                                    db: str) -> None:
    await seed(db)
    clock = ManualClock(START)
    harness = await make_bot(clock=clock, timezone="Europe/Berlin", flood_rate=1000)
    sam, alice = harness.chat(SUPERVISOR, "Sam", "Supervisor"), harness.chat(ALICE, "Alice", "A")
    card1 = await version(harness, alice, sam, 1)
    await sam.click("Request changes", message_id=card1.message_id)
    # No grade is asked on Request changes: the comment records it.
    assert "Recorded" in await sam.say("- Add related work\n- Renumber the figures")
    await told(alice, "changes requested")
    card2 = await version(harness, alice, sam, 2, checklist=True)
    approve = card2.buttons[0][0]["callback_data"]

    # Approve with requested changes still open: Close them / Keep open, asked once.
    before = alice.bot_count
    asked = (await sam.click("Approve", message_id=card2.message_id))[-1]
    assert "2 requested changes are still open" in asked.content
    assert asked.button_texts() == ["Close them", "Keep open"]
    answers = len(harness.emu.callback_answers)
    await sam.click("Approve", message_id=card2.message_id, expect=0)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert harness.emu.callback_answers[-1][1] == "Already asked: the question is just below."
    approved = (await sam.click("Keep open", message_id=asked.message_id))[-1].content
    assert "Approved: version 2 of Alice A" in approved and "15 seconds" in approved
    assert await thesis_status(harness, alice.id) == "approved"
    assert harness.emu.message(sam.id, card2.message_id).button_texts()[:3] == \
        ["Add comment", "Add grade", "Done"]
    # A double tap once decided changes nothing and says so on the button only.
    count, answers = sam.bot_count, len(harness.emu.callback_answers)
    await harness.emu.click(sam.id, card2.message_id, approve)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert "Already approved" in harness.emu.callback_answers[-1][1]
    assert sam.bot_count == count

    # A comment and a grade within the quiet period: the student has heard nothing yet.
    assert "Write your comment" in \
        (await sam.click("Add comment", message_id=card2.message_id))[-1].content
    assert "gets it with the approval" in await sam.say("Great progress.")
    await sam.click("Add grade", message_id=card2.message_id)
    assert "Grade 91 added" in await sam.say("91")
    await quiet(alice, before)
    # The quiet period passes: one notice with all of it, the open items carried.
    clock.advance(seconds=16)
    notice = (await alice.expect(1, before))[-1].content
    assert "approved" in notice and "Great progress." in notice and "91/100" in notice
    assert "Add related work" in notice and "Renumber the figures" in notice
    await quiet(alice, before + 1)
    # Added after the notice went out: a notice of its own.
    await sam.click("Add comment", message_id=card2.message_id)
    assert "has been told" in await sam.say("Cite Kipf and Welling too.")
    addition = (await alice.expect(1, before + 1))[-1].content
    assert "added to the approval of version 2" in addition and "Kipf" in addition
    assert "Great progress." not in addition
    assert "was told already" in \
        (await sam.click("Done", message_id=card2.message_id))[-1].content
    assert not harness.emu.message(sam.id, card2.message_id).buttons

    # Keep open carried the items to the next version: v3 is asked about them.
    await alice.send("/submit")
    ask3 = (await alice.upload(documents.pdf("v3"), "v3.pdf"))[-1]
    assert ask3.button_texts() == ["⬜ Add related work", "⬜ Renumber the figures", "Done"]
    assert "note" in await alice.say("/skip")
    assert "Version 3 received" in await alice.say("/skip")
    await harness.emu.wait_until(lambda: len(cards(harness, sam)) >= 3)
    card3 = cards(harness, sam)[-1]
    # Close them, then Done: the student is told at once (no quiet period), nothing open.
    before = alice.bot_count
    asked = (await sam.click("Approve", message_id=card3.message_id))[-1]
    await sam.click("Close them", message_id=asked.message_id)
    done = (await sam.click("Done", message_id=card3.message_id))[-1].content
    assert done == "✅ Recorded: approved for Alice A, version 3. Alice A has been told."
    notice = (await alice.expect(1, before))[-1].content
    assert "approved" in notice and "Grade" not in notice
    assert "Open requested changes" not in await alice.say("/status")


async def test_approve_in_russian(make_bot: BotFactory, db: str) -> None:
    await seed(db)
    harness = await make_bot(clock=ManualClock(START), flood_rate=1000)
    sam, alice = harness.chat(SUPERVISOR, "Sam", "Supervisor"), harness.chat(ALICE, "Alice", "A")
    await sam.send("/language")
    await sam.click("Русский")
    card = await version(harness, alice, sam, 1)
    shown = sam.bot_count
    approved = (await sam.click("Одобрить", message_id=card.message_id))[-1].content
    assert "Одобрено: версия 1" in approved
    assert harness.emu.message(sam.id, card.message_id).button_texts()[:3] == \
        ["Комментарий", "Оценка", "Готово"]
    await sam.click("Комментарий", message_id=card.message_id)
    assert "войдёт в уведомление" in await sam.say("Отличная работа.")
    await sam.click("Оценка", message_id=card.message_id)
    assert "Оценка выставлена: 95" in await sam.say("95")
    before = alice.bot_count
    assert "Уведомление отправлено" in \
        (await sam.click("Готово", message_id=card.message_id))[-1].content
    notice = (await alice.expect(1, before))[-1].content
    assert "Отличная работа." in notice and "95" in notice
    russian = [m.content or "" for m in sam.emu.bot_messages(sam.id)[shown:]]
    assert not check_transcript("ru", russian)


async def reply_file(harness: Harness, chat: Chat, to: int, data: bytes, name: str,
                     caption: str | None = None) -> RecordedMessage:
    """``chat`` replies to its message ``to`` with a file (once the outbox knows which
    notification that message was); the bot's answer."""
    for _ in range(100):
        if await recorded(harness, chat.id, to):
            break
        await asyncio.sleep(0.05)
    before = chat.bot_count
    await chat.emu.send_document(chat.id, data, name, caption=caption, reply_to_message_id=to)
    return (await chat.expect(1, before))[-1]


async def test_a_file_replying_to_a_notice_asks_version_or_attachment(make_bot: BotFactory,
                                                                      db: str) -> None:
    harness, sam, alice = await started(make_bot, db)
    card = await version(harness, alice, sam, 1)
    await sam.click("Request changes", message_id=card.message_id)
    assert "Recorded" in await sam.say("Chapter 2 is thin.")
    await told(alice, "Chapter 2 is thin.")
    notice = [m for m in harness.emu.bot_messages(alice.id) if "Chapter 2 is thin." in m.content][-1]

    # An attachment to the thread of version 1: Sam gets it with its caption.
    asked = await reply_file(harness, alice, notice.message_id, documents.pdf("notes"),
                             "notes.pdf", caption="My outline for chapter 2")
    assert asked.content == ("Is this file a new version of Graphs (version 2), or an "
                             "attachment to the thread of version 1?")
    assert asked.button_texts() == ["New version", "Attachment", "Cancel"]
    before = sam.bot_count
    assert "Your comment on version 1 was sent" in \
        (await alice.click("Attachment", message_id=asked.message_id))[-1].content
    got = (await sam.expect(1, before))[-1]
    assert "My outline for chapter 2" in got.content and got.document["file_name"] == "notes.pdf"
    assert await thesis_status(harness, alice.id) == "changes_requested"

    # A new version: the same steps as /submit.
    asked = await reply_file(harness, alice, notice.message_id, documents.pdf("v2"), "v2.pdf")
    assert "note for your supervisor" in \
        (await alice.click("New version", message_id=asked.message_id))[-1].content
    assert "Version 2 received" in await alice.say("/skip")
    assert await thesis_status(harness, alice.id) == "submitted"
    await harness.emu.wait_until(lambda: len([c for c in cards(harness, sam)
                                              if "New version" in c.content]) >= 2)
    # Cancel keeps nothing.
    asked = await reply_file(harness, alice, notice.message_id, documents.pdf("v3"), "v3.pdf")
    assert "Cancelled" in (await alice.click("Cancel", message_id=asked.message_id))[-1].content
    assert await thesis_status(harness, alice.id) == "submitted"


async def test_voice_and_photo_in_a_thread_are_comments(make_bot: BotFactory, db: str) -> None:
    harness, sam, alice = await started(make_bot, db)
    card = await version(harness, alice, sam, 1)
    await sam.click("Request changes", message_id=card.message_id)
    assert "Recorded" in await sam.say("Chapter 2 is thin.")
    await told(alice, "Chapter 2 is thin.")
    notice = [m for m in harness.emu.bot_messages(alice.id) if "Chapter 2 is thin." in m.content][-1]
    for _ in range(100):
        if await recorded(harness, alice.id, notice.message_id):
            break
        await asyncio.sleep(0.05)

    # A voice note replying to the notice: stored, relayed to Sam as a voice message.
    before, sam_before = alice.bot_count, sam.bot_count
    await alice.emu.send_voice(alice.id, b"OggS" + b"v" * 3000, duration=75,
                               reply_to_message_id=notice.message_id)
    assert "Your comment on version 1 was sent" in (await alice.expect(1, before))[-1].content
    relayed = (await sam.expect(1, sam_before))[-1]
    assert "voice" in relayed.media and "Voice message, 1:15" in relayed.content
    assert relayed.content.startswith("💬 Alice A commented on version 1")

    # Sam answers with a photo through 💬 Reply: Alice gets the photo.
    await sam.click("💬 Reply", message_id=relayed.message_id)
    before = alice.bot_count
    await sam.emu.send_photo(sam.id, b"\x89PNG\r\n" + b"p" * 4000, caption="This figure")
    await told(sam, "Your comment on version 1 was sent")
    photo = (await alice.expect(1, before))[-1]
    assert photo.photo and "This figure" in photo.content and "Photo, 4 KB" in photo.content

    # Both in the thread, with their duration and size; the bucket holds them.
    await alice.send("/history")
    thread = (await alice.click("💬 v1 (2)"))[-1].content
    assert "🎤 Voice message, 1:15" in thread and "🖼 Photo, 4 KB" in thread
    keys = await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket)
    assert sum(key.endswith(".ogg") for key in keys) == 1
    assert sum(key.endswith(".jpg") for key in keys) == 1
