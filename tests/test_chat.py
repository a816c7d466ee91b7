"""Issue 27, the chat as people use it, end to end through the emulator: dates as people
write them (echoed with the weekday, saved after Save, quick buttons), in English and
Russian, and what the Russian side showed checked against the glossary."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.clock import ManualClock
from storage.db import create_engine, create_session_factory
from storage.models import Milestone
from tests import documents
from tests.conftest import BotFactory, Chat, Harness
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.conversation import cards, thesis_status, told
from tests.unit.test_glossary import check_transcript

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


async def test_a_double_tap_prompts_once(make_bot: BotFactory, db: str) -> None:
    harness, sam, alice = await started(make_bot, db)
    await alice.send("/submit")
    await alice.say("Graphs")
    await alice.upload(documents.pdf("v1"), "v1.pdf")
    await alice.say("/skip")
    await harness.emu.wait_until(lambda: len(cards(harness, sam)) >= 1)
    card = cards(harness, sam)[-1]
    before = sam.bot_count
    assert "Add a comment" in (await sam.click("Approve", message_id=card.message_id))[-1].content
    answers = len(harness.emu.callback_answers)
    await sam.click("Approve", message_id=card.message_id, expect=0)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert harness.emu.callback_answers[-1][1] == "Already asked: the question is just below."
    assert sam.bot_count == before + 1  # one question, asked once
