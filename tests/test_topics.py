"""Issue 32 end to end through the emulator, in one bot and one moved clock: a supervisor
publishes a topic with one place; two students open its deep link and apply (one with a CV);
the supervisor interviews one (a slot picked), accepts them (registered with the title and
the team; the other declined with the reason in their language; the topic closes); a third
application left alone is declined after 21 days, the supervisor reminded 3 days before; a
version before an accepted proposal is refused politely, a proposal is accepted, then v1
is submitted."""

from __future__ import annotations

import io
import re
from typing import Any

import aiohttp
from openpyxl import load_workbook
from sqlalchemy import select

from services.clock import ManualClock
from storage.db import create_engine
from storage.models import (
    Application,
    Meeting,
    ReminderLog,
    Submission,
    Thesis,
    ThesisMember,
    Topic,
    User,
)
from tests.conftest import BotFactory, Chat, Harness
from tests.documents import pdf
from tests.people import START, SUPERVISOR, seed
from tests.support.conversation import decide, told
from tests.support.webapp import fresh_ip, webapp_settings
from tests.test_calendar_exports import documents_after
from tests.test_caseload import click_edit
from tgemu import RecordedMessage


async def query(harness: Harness, statement: Any) -> list[Any]:
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(statement)).all())
    finally:
        await engine.dispose()


def newest(chat: Chat, text: str) -> RecordedMessage:
    """The newest bot message to ``chat`` containing ``text``."""
    for message in reversed(chat.emu.bot_messages(chat.id)):
        if text in message.content:
            return message
    raise AssertionError(f"no message with {text!r}: {chat.emu.transcript(chat.id)}")


async def publish(sam: Chat, title: str, places: str, proposal: bool) -> str:
    """/topics → New topic → the questions; the topic's deep-link payload."""
    mine = (await sam.send("/topics"))[-1]
    assert "Your topics" in mine.content
    assert "What is the topic called" in (await sam.click("➕ New topic",
                                                         mine.message_id))[-1].content
    assert "Describe" in await sam.say(title)
    assert "applicants bring" in await sam.say("Message passing on molecular graphs.")
    assert "How many students" in await sam.say("/skip")
    assert "from 1 to 20" in await sam.say("0")  # refused politely, asked again
    assert "which language" in await sam.say(places)
    assert "Tags" in await sam.say("en")
    assert "proposal" in await sam.say("graphs, ml")
    created = (await sam.click("Yes, a proposal first" if proposal else "No"))[-1]
    assert created.photo, "the topic comes on a QR code"
    assert "Topic published" in created.content and title in created.content
    assert "Share" in created.button_texts()
    link = re.search(r"\?start=(topic_[A-Za-z0-9_-]+)", created.content)
    assert link, created.content
    return link.group(1)


async def apply(chat: Chat, payload: str, motivation: str, cv: bytes | None,
                apply_button: str = "✍️ Apply") -> str:
    card = (await chat.send(f"/start {payload}"))[-1]
    assert apply_button in card.button_texts(), card.content
    await chat.click(apply_button, card.message_id)
    await chat.say(motivation)
    if cv is None:
        return await chat.say("/skip")
    return (await chat.upload(cv, "cv.pdf"))[-1].content


async def test_topic_to_first_version(make_bot: BotFactory) -> None:
    clock = ManualClock(START)
    # The supervisor types fast; the Mini App is on (its catalogue is checked at the end).
    harness = await make_bot(clock=clock, flood_rate=1000, **webapp_settings())
    await seed(harness.settings.effective_database_url, students={})
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    alice = harness.chat(301, "Alice", "Applicant")
    boris = harness.chat(302, "Boris", "Petrov", language_code="ru")
    carl = harness.chat(303, "Carl", "Late")

    # A supervisor publishes a topic with one place (and a proposal first).
    payload = await publish(sam, "Graph Neural Networks", "1", proposal=True)

    # Anyone who started the bot browses the catalogue, registered or not: by tag,
    # language and word.
    catalogue = (await carl.send("/topics"))[-1]
    assert "Open topics: 1" in catalogue.content and "Graph Neural Networks" in catalogue.content
    assert "#graphs" in catalogue.button_texts() and "en" in catalogue.button_texts()
    catalogue = await click_edit(carl, "#graphs", catalogue)
    assert "✓ #graphs" in catalogue.button_texts()
    assert "1. Graph Neural Networks" in catalogue.button_texts()
    assert "No open topics match" in (await carl.send("/topics compilers"))[-1].content
    assert "Graph Neural Networks" in (await carl.send("/topics molecular"))[-1].content

    # Two students open its deep link and apply, one with a CV.
    sent = await apply(alice, payload, "I built GNNs in my seminar.", pdf("Alice's CV"))
    assert "application is sent with your PDF" in sent
    await told(sam, "From Alice Applicant")
    alice_card = newest(sam, "From Alice Applicant")
    assert alice_card.document is not None, "the CV comes with the card"
    assert alice_card.button_texts() == ["✅ Accept", "❌ Decline", "🗓 Interview"]
    sent = await apply(boris, payload, "Хочу заниматься графами.", None,
                       apply_button="✍️ Подать заявку")
    assert "Заявка отправлена" in sent
    await told(sam, "From Boris Petrov")
    assert "Waiting for this topic: 2" in newest(sam, "From Boris Petrov").content
    # Applying twice is refused politely.
    again = (await alice.send(f"/start {payload}"))[-1]
    await alice.click("✍️ Apply", again.message_id, expect=0)
    await alice.emu.wait_until(lambda: any("already applied" in (text or "") for _, text, _
                                           in alice.emu.callback_answers))

    # The supervisor interviews Alice: two times proposed, she picks one.
    asked = await sam.click("🗓 Interview", alice_card.message_id)
    assert "Interview with Alice Applicant" in asked[-1].content
    assert "pick one of 2 times" in await sam.say("03.03.2030 10:00\n04.03.2030 14:00")
    await told(alice, "invites you to an interview")
    offer = newest(alice, "invites you to an interview")
    assert len(offer.button_texts()) == 2
    picked = await alice.click(offer.button_texts()[1], offer.message_id)
    assert "Your interview is on" in picked[-1].content
    await told(sam, "The interview with Alice Applicant")
    meetings = await query(harness, select(Meeting.starts_at, Meeting.supervisor_id))
    assert len(meetings) == 1 and meetings[0][1] == SUPERVISOR
    assert (meetings[0][0].day, meetings[0][0].hour) == (4, 14)

    # Accept: Alice is registered with the title and the team; Boris is declined in
    # Russian; the topic closes itself.
    accepted = await sam.click("✅ Accept", alice_card.message_id)
    assert "Alice Applicant is now your student" in accepted[-1].content
    assert "1 other application was declined" in accepted[-1].content
    await told(alice, "is accepted by Sam Supervisor")
    assert "/proposal" in newest(alice, "is accepted").content
    await told(boris, "Спасибо за заявку")
    declined = newest(boris, "Спасибо за заявку")
    assert "Все места на этой теме заняты" in declined.content
    [(role,)] = await query(harness, select(User.role).where(User.id == alice.id))
    assert role == "student"
    [(member, team_role)] = await query(harness, select(
        ThesisMember.user_id, ThesisMember.role).where(ThesisMember.student_id == alice.id))
    assert (member, team_role) == (SUPERVISOR, "supervisor")
    [(title, stage)] = await query(harness, select(Thesis.title, Thesis.stage)
                                   .where(Thesis.student_id == alice.id))
    assert (title, stage) == ("Graph Neural Networks", "proposal")
    [(state,)] = await query(harness, select(Topic.state).where(Topic.title == title))
    assert state == "closed"
    states = dict(await query(harness, select(Application.applicant_id, Application.state)))
    assert states == {alice.id: "accepted", boris.id: "declined"}
    closed = (await boris.send(f"/start {payload}"))[-1]
    assert "Тема закрыта" in closed.content and "✍️ Подать заявку" not in closed.button_texts()

    # A third application, left alone: the supervisor is reminded 3 days before it is
    # declined on its own after 21 days (moved clock).
    second = await publish(sam, "Spectral Clustering", "2", proposal=False)
    assert "application is sent" in await apply(carl, second, "Clustering is fun.", None)
    await told(sam, "From Carl Late")
    scheduler = harness.process.scheduler
    clock.advance(days=17, hours=23)
    await scheduler.run_once()
    assert not any("waits for your answer" in m.content for m in harness.emu.bot_messages(sam.id))
    clock.advance(hours=2)  # 18 days and an hour: 3 days before the 21
    await scheduler.run_once()
    await told(sam, "The application of Carl Late for Spectral Clustering waits for your answer")
    await scheduler.run_once()
    clock.advance(days=3)
    await scheduler.run_once()
    await told(carl, "was not answered in time")
    await told(sam, "declined on its own")
    await scheduler.run_once()
    [(carl_state, reason)] = await query(harness, select(
        Application.state, Application.reason_key).where(Application.applicant_id == carl.id))
    assert (carl_state, reason) == ("declined", "expired")
    reminded = await query(harness, select(ReminderLog.subject_key)
                           .where(ReminderLog.kind == "application_reminder"))
    assert len(reminded) == 1
    assert sum("waits for your answer" in m.content
               for m in harness.emu.bot_messages(sam.id)) == 1
    assert sum("not answered in time" in m.content
               for m in harness.emu.bot_messages(carl.id)) == 1

    # The proposal: a version before it is accepted is refused politely.
    status = await alice.say("/status")
    assert "Graph Neural Networks" in status and "Phase: ▶ proposal → writing → final" in status
    assert "asks for a proposal first" in await alice.say("/submit")
    assert "Send your proposal" in await alice.say("/proposal")
    assert "note" in (await alice.upload(pdf("My proposal"), "proposal.pdf"))[-1].content
    assert "Proposal version 1 received" in await alice.say("/skip")
    assert "asks for a proposal first" in await alice.say("/submit")
    await told(sam, "Proposal")
    card = newest(sam, "New version from Alice Applicant")
    assert card.content.startswith("📝 Proposal") and card.document is not None
    await decide(harness, sam, card.message_id, "Approve", None)
    await told(alice, "The proposal is accepted: the writing begins")
    assert "Phase: proposal → ▶ writing → final" in await alice.say("/status")

    # Then v1.
    assert "PDF" in await alice.say("/submit")
    assert "note" in (await alice.upload(pdf("Chapter one"), "thesis.pdf"))[-1].content
    assert "Version 1 received" in await alice.say("/skip")
    versions = await query(harness, select(Submission.kind, Submission.version)
                           .order_by(Submission.id))
    assert versions == [("proposal", 1), ("thesis", 1)]
    [(status_now, latest)] = await query(harness, select(Thesis.status, Thesis.latest_version)
                                         .where(Thesis.student_id == alice.id))
    assert (status_now, latest) == ("submitted", 1)

    # Statistics: the admin's /stats and the export count topics, applications, the
    # acceptance rate and the time to a decision per supervisor.
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    stats = await admin.say("/stats")
    assert "Topics and applications" in stats
    assert "Sam Supervisor: topics 2, 3 applications, accepted 1, acceptance rate 33.3 %" \
        in stats
    # Alice and Boris were decided the day they applied, Carl after 21 days: 7.0 on average.
    assert "mean days to a decision: 7.0" in stats
    await sam.say("/export")
    before = sam.bot_count
    await sam.click("📊 Students, theses, versions, meetings (CSV + XLSX)", expect=0)
    docs = await documents_after(sam, before, 4)
    workbook = next(harness.emu.file_bytes(d.document["file_id"]) for d in docs
                    if d.document["file_name"] == "export.xlsx")
    rows = list(load_workbook(io.BytesIO(workbook), read_only=True)["Topics"]
                .iter_rows(values_only=True))
    assert rows[0][:4] == ("supervisor", "topics", "applications", "accepted")
    assert rows[1][:6] == ("Sam Supervisor", 2, 3, 1, 2, 33.3)

    # The Mini App's catalogue: both topics are closed or filled now but one; a third opens.
    await publish(sam, "Compilers for Graphs", "1", proposal=False)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{harness.http}/api/auth/login", json={"init_data":
                             harness.emu.web_app_init_data(alice.id, int(clock.now().timestamp()))},
                             headers={"X-Forwarded-For": fresh_ip()}) as response:
            assert response.status == 200, await response.text()
            token = (await response.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        async with http.get(f"{harness.http}/api/topics?tag=graphs", headers=headers) as r:
            body = await r.json()
        assert r.status == 200, body
        assert [item["title"] for item in body["items"]] == ["Compilers for Graphs",
                                                             "Spectral Clustering"]
        assert body["items"][0]["start"].startswith("topic_") and body["total"] == 2
        async with http.get(f"{harness.http}/api/topics?q=spectral&language=en",
                            headers=headers) as r:
            assert [item["title"] for item in (await r.json())["items"]] == [
                "Spectral Clustering"]
        async with http.get(f"{harness.http}/api/topics?language=english",
                            headers=headers) as r:
            assert r.status == 400

    # Edit: one field of a topic, from its view.
    mine = (await sam.send("/topics"))[-1]
    view = (await sam.click("2. Spectral Clustering", mine.message_id))[-1]
    which = (await sam.click("✏️ Edit", view.message_id))[-1]
    assert "What do you change" in which.content
    assert "Send the new places" in (await sam.click("places", which.message_id))[-1].content
    saved = await sam.say("3")
    assert "Saved" in saved and "places: 3" in saved
