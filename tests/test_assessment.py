"""Issue 30 end to end through the emulator (PostgreSQL, Redis, S3): Mark final asks the
student's declaration; the supervisor and the examiner mark blind (asking for the other's
marks gives nothing); within the tolerance the agreed grade is computed; outside it the
markers agree on a proposal; without agreement in AGREEMENT_DAYS an admin appoints a third
marker whose grade stands; the student sees nothing until Release, then everything."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdfium2
from icalendar import Calendar
from sqlalchemy import select

from bot.deps import create_file_store
from bot.ops.retention import run_retention
from handlers.callbacks import FileCb
from services.clock import ManualClock
from storage.db import create_engine, create_session_factory
from storage.models import (
    Assessment,
    AssessmentMark,
    AuditEntry,
    Declaration,
    OutboxMessage,
    StoredFile,
    Submission,
    Thesis,
    User,
)
from storage.repositories.stored_files import owner_columns
from tests import documents
from tests.conftest import BotFactory, Chat, Harness
from tests.people import START
from tests.support.conversation import (
    decide,
    invite_code,
    onboard,
    say_date,
    submit,
    thesis_status,
    told,
)
from tests.test_calendar_exports import documents_after, get, url_in
from tests.test_lifecycle import student_view
from tests.test_team import invite, team_view
from tgemu import RecordedMessage


async def examiner(harness: Harness, sam: Chat, student: Chat,
                   eve: Chat | None = None) -> Chat:
    """Eve joins the student's team as examiner (registering with the first invite)."""
    eve = eve or harness.chat(400, "Eve", "E")
    reply = await eve.say(f"/start {await invite(sam, 'Add examiner', student.name)}")
    assert f"{student.name} as examiner" in reply
    # The student is told first, so that the notice is not taken for a later answer.
    await told(student, f"Eve E joined the thesis team of {student.name}")
    return eve


async def message_with(chat: Chat, text: str, since: int = 0) -> RecordedMessage:
    await told(chat, text)
    return [m for m in chat.emu.bot_messages(chat.id)[since:] if text in (m.content or "")][-1]


async def to_final(harness: Harness, sam: Chat, student: Chat, name: str, title: str,
                   cards: int) -> None:
    """A version, approved, marked final, and the student's declaration."""
    await submit(student, documents.pdf(title), f"{title}.pdf", title=title)
    del cards  # the card is found by its text (exports send documents too)
    card = await message_with(sam, f"New version from {name}")
    assert "Recorded" in await decide(harness, sam, card.message_id, "Approve", None)
    view = await student_view(sam, name)
    before = student.bot_count
    done = (await sam.click("Mark final", message_id=view.message_id))[-1].content
    assert "authorship declaration" in done
    asked = (await student.expect(1, before))[-1]
    assert "I declare that this thesis is my own work" in asked.content
    assert await thesis_status(harness, student.id) == "declaration"
    replies = await student.click("I confirm", message_id=asked.message_id, expect=2)
    assert "Declaration recorded" in replies[0].content
    # The declaration's confirmation carries the version's signed receipt.
    assert replies[1].document["file_name"] == "receipt-v1.pdf"
    assert await thesis_status(harness, student.id) == "final"


async def mark(chat: Chat, button_message: RecordedMessage, marks: list[int],
               report: str) -> str:
    """Grade → one mark per component → the report; the bot's last answer."""
    replies = await chat.click("Grade", message_id=button_message.message_id, expect=2)
    assert "per cent" in replies[-2].content and "1/" in replies[-1].content
    for value in marks[:-1]:
        assert "Your mark" in await chat.say(str(value))
    assert "report" in await chat.say(str(marks[-1]))
    return await chat.say(report)


async def nothing_yet(chat: Chat, name: str) -> None:
    """Marks, before every marker has submitted: nothing of anyone's marks."""
    view = await team_view(chat, name)
    shown = (await chat.click("Marks", message_id=view.message_id))[-1].content
    assert "hidden until every marker has submitted" in shown
    assert "→" not in shown


async def mydata(chat: Chat) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    before = chat.bot_count
    await chat.send("/mydata", expect=0)
    await chat.emu.wait_until(lambda: any(m.document for m in
                                          chat.emu.bot_messages(chat.id)[before:]), timeout=30)
    [doc] = [m for m in chat.emu.bot_messages(chat.id)[before:] if m.document]
    own = zipfile.ZipFile(io.BytesIO(chat.emu.file_bytes(doc.document["file_id"])))
    return json.loads(own.read("data.json")), own.namelist()


async def exported(chat: Chat) -> list[dict[str, str]]:
    """The rows of assessments.csv in the chat's /export tables."""
    await chat.say("/export")
    before = chat.bot_count
    await chat.click("📊 Students, theses, versions, meetings (CSV + XLSX)", expect=0)
    await chat.emu.wait_until(lambda: len([
        m for m in chat.emu.bot_messages(chat.id)[before:] if m.document]) >= 4, timeout=30)
    [doc] = [m for m in chat.emu.bot_messages(chat.id)[before:]
             if (m.document or {}).get("file_name") == "assessments.csv"]
    return list(csv.DictReader(io.StringIO(
        chat.emu.file_bytes(doc.document["file_id"]).decode("utf-8-sig"))))


async def rows_of(harness: Harness, model: type) -> list:  # type: ignore[type-arg]
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(model))).all())
    finally:
        await engine.dispose()


async def test_blind_marks_agreed_within_tolerance_then_by_proposal(
        make_bot: BotFactory) -> None:
    harness = await make_bot(flood_rate=1000)  # the markers click fast
    admin, sam, alice, bob = await onboard(harness)
    eve = await examiner(harness, sam, alice)
    await to_final(harness, sam, alice, "Alice A", "Graphs", 1)
    declaration = (await rows_of(harness, Declaration))[0]
    submission = (await rows_of(harness, Submission))[0]
    assert declaration.sha256 == submission.sha256 and "my own work" in declaration.statement

    # Both markers are asked; each asks for the other's marks first and gets nothing.
    # The examiner's notice that the thesis is final carries Grade (issue 27), and only one.
    eve_ask = await message_with(eve, "is final (version 1). As its examiner, please mark it")
    assert eve_ask.button_texts() == ["Grade"]
    assert sum("mark it" in (m.content or "") for m in harness.emu.bot_messages(eve.id)) == 1
    sam_ask = await message_with(sam, "Please mark it")
    await nothing_yet(eve, "Alice A")
    done = await mark(eve, eve_ask, [80, 70, 90], "Convincing method, thin related work.")
    assert "weighted total 80" in done and "still to come" in done
    await nothing_yet(sam, "Alice A")  # after Eve submitted, still nothing for Sam
    # Nor in Sam's export.
    assert [(r["state"], r["marker"], r["mark"]) for r in await exported(sam)] == [
        ("marking", "", "")]
    done = await mark(sam, sam_ask, [84, 76, 88], "A careful thesis.")
    assert "weighted total 82.8" in done and "agreed grade has been computed" in done

    # The admin releases (the default scheme); until then the student sees nothing.
    release = await message_with(admin, "Agreed grade for Graphs of Alice A: 81 / 100")
    assert release.button_texts() == ["Release"]
    history = "\n".join(m.content for m in await alice.send("/history", expect=1))
    assert "81 / 100" not in history and "Assessment" not in history
    assert "Convincing" not in "\n".join(m.content or "" for m in
                                         harness.emu.bot_messages(alice.id))
    assert "assessment" not in (await alice.say("/status")).lower()
    board = (await eve.click("Marks", message_id=(await team_view(eve)).message_id))[-1]
    assert "Sam Supervisor (supervisor): Content 84, Method 76, Writing 88 → 82.8" \
        in board.content and "Eve E (examiner)" in board.content

    # Before Release, Alice's /mydata holds nothing of the assessment either.
    data, names = await mydata(alice)
    assert data["assessment"]["my_assessment"] is None and "assessment/protocol.pdf" not in names
    assert "Convincing" not in json.dumps(data)

    before = alice.bot_count
    released = await admin.click("Release", message_id=release.message_id, expect=2)
    assert "Released" in released[0].content
    # The protocol: marks, reports, the agreed grade, who submitted and released when.
    protocol = pdf_text(harness.emu.file_bytes(released[1].document["file_id"]))
    for text in ("Alice A", "Graphs", "Eve E", "Content 80, Method 70, Writing 90",
                 "Content 84, Method 76, Writing 88", "82.8", "81 (0-100; 81.4 %)",
                 "Convincing method", "Released by Ada Admin", "Submitted by Sam Supervisor"):
        assert text in protocol.replace("\r\n", " ").replace("\n", " "), (text, protocol)
    told_alice = (await alice.expect(1, before))[-1].content
    for text in ("Graphs", "Grade: 81 / 100", "Content: 82", "Method: 73", "Writing: 89",
                 "Convincing method, thin related work.", "A careful thesis."):
        assert text in told_alice, told_alice
    history = "\n".join(m.content for m in await alice.send("/history", expect=2))
    assert "Assessment (released)" in history and "81 / 100" in history
    data, names = await mydata(alice)
    assert data["assessment"]["my_assessment"]["grade"] == 81
    assert "assessment/protocol.pdf" in names
    assert await thesis_status(harness, alice.id) == "released"
    # Released: read-only, and a second Release changes nothing.
    assert "final" in await alice.say("/submit")
    answers = len(harness.emu.callback_answers)
    await admin.click("Release", message_id=release.message_id, expect=0)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert "no agreed grade" in harness.emu.callback_answers[-1][1]

    # A new scheme: Bob's thesis keeps it; the supervisor releases. Outside the tolerance.
    reply = await admin.say("/scheme Content 50, Method 50; scale 2-5; tolerance 5; "
                            "release supervisor")
    assert "v2" in reply and "scale 2-5; tolerance 5; release supervisor" in reply
    await examiner(harness, sam, bob, eve)
    await to_final(harness, sam, bob, "Bob B", "Trees", 2)
    eve_ask = await message_with(eve, "The thesis «Trees» by Bob B is final")
    sam_ask = await message_with(sam, "The thesis Trees of Bob B is final")
    await mark(sam, sam_ask, [90, 90], "Excellent.")
    done = await mark(eve, eve_ask, [60, 60], "Weak evaluation.")
    assert "further apart than the tolerance" in done
    side = await message_with(sam, "All marks for Trees of Bob B are in")
    assert "Content 90, Method 90 → 90" in side.content \
        and "Content 60, Method 60 → 60" in side.content
    await sam.click("Propose a grade", message_id=side.message_id)
    assert "Proposed 75" in await sam.say("75")
    proposed = await message_with(eve, "Sam Supervisor proposes 75")
    before = sam.bot_count
    accepted = (await eve.click("Accept", message_id=proposed.message_id))[-1].content
    assert "agreed grade" in accepted.lower()
    agreed = (await sam.expect(1, before))[-1]
    assert "Agreed grade for Trees of Bob B: 4 (scale 2-5; 75 %)" in agreed.content
    assert agreed.button_texts() == ["Release"]  # the supervisor releases under scheme v2
    await sam.click("Release", message_id=agreed.message_id)
    await told(bob, "Grade: 4 (scale 2-5; 75 %)")

    # The admin's export carries every component of every marker and the agreed grades.
    table = await exported(admin)
    assert sorted((r["thesis"], r["marker"], r["component"], r["mark"], r["grade"])
                  for r in table) == sorted([
        ("Graphs", "Eve E", "Content", "80", "81"), ("Graphs", "Eve E", "Method", "70", "81"),
        ("Graphs", "Eve E", "Writing", "90", "81"),
        ("Graphs", "Sam Supervisor", "Content", "84", "81"),
        ("Graphs", "Sam Supervisor", "Method", "76", "81"),
        ("Graphs", "Sam Supervisor", "Writing", "88", "81"),
        ("Trees", "Eve E", "Content", "60", "4"), ("Trees", "Eve E", "Method", "60", "4"),
        ("Trees", "Sam Supervisor", "Content", "90", "4"),
        ("Trees", "Sam Supervisor", "Method", "90", "4")])
    assert {r["agreed_total"] for r in table} == {"81.4", "75.0"}

    assessments = {a.thesis_id: a for a in await rows_of(harness, Assessment)}
    theses = {t.title: t.id for t in await rows_of(harness, Thesis)}
    assert assessments[theses["Graphs"]].agreed_how == "computed"
    assert assessments[theses["Trees"]].agreed_how == "proposal"
    assert assessments[theses["Trees"]].scheme_id != assessments[theses["Graphs"]].scheme_id
    actions = [e.action for e in await rows_of(harness, AuditEntry)]
    for action in ("thesis.declare", "assessment.marks", "assessment.agreed",
                   "assessment.disagreed", "assessment.propose", "assessment.accept",
                   "assessment.release", "assessment.scheme"):
        assert action in actions, action


def verify_receipt(harness: Harness, blob: bytes, path: Path) -> subprocess.CompletedProcess[str]:
    path.write_bytes(blob)
    env = {k: v for k, v in os.environ.items() if k not in ("LINK_SECRET", "DATABASE_URL")}
    env["TELEGRAM_BOT_TOKEN"] = harness.settings.telegram_bot_token.get_secret_value() \
        if harness.settings.telegram_bot_token else ""
    return subprocess.run([sys.executable, "-m", "bot", "verify-receipt", str(path)],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


async def test_receipt_verifies_and_a_tampered_one_does_not(harness: Harness,
                                                            tmp_path: Path) -> None:
    _admin, _sam, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("Graphs v1"), "graphs.pdf", title="Graphs")
    assert "/receipt 2" in await alice.say("/receipt two")
    reply = (await alice.send("/receipt"))[-1]
    assert reply.document["file_name"] == "receipt-v1.pdf" and "Graphs" in reply.content
    blob = harness.emu.file_bytes(reply.document["file_id"])
    sha = (await rows_of(harness, Submission))[0].sha256
    text = pdf_text(blob)
    assert "Alice A" in text and "Graphs" in text and sha in text
    checked = verify_receipt(harness, blob, tmp_path / "receipt.pdf")
    assert checked.returncode == 0, checked.stderr
    assert f"sha256: {sha}" in checked.stdout and "student_name: Alice A" in checked.stdout
    tampered = blob.replace(b"/Title", b"/Titlf", 1)
    assert tampered != blob
    refused = verify_receipt(harness, tampered, tmp_path / "tampered.pdf")
    assert refused.returncode == 1 and "INVALID" in refused.stderr
    # A version that is not there.
    assert "no longer exists" in await alice.say("/receipt 7")


def pdf_text(blob: bytes) -> str:
    pdf = pypdfium2.PdfDocument(blob)
    try:
        return "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


async def test_no_agreement_in_time_a_third_marker_decides(make_bot: BotFactory) -> None:
    clock = ManualClock(START)
    harness = await make_bot(clock=clock, flood_rate=1000)
    admin, sam, alice, _bob = await onboard(harness)
    tom = harness.chat(150, "Tom", "Third")
    assert "supervisor" in await tom.say(f"/start {invite_code(await admin.say('/invite'))}")
    eve = await examiner(harness, sam, alice)
    await to_final(harness, sam, alice, "Alice A", "Graphs", 1)
    await mark(sam, await message_with(sam, "Please mark it"), [95, 95, 95], "Superb.")
    await mark(eve, await message_with(eve, "As its examiner"), [50, 50, 50], "Barely.")
    await message_with(sam, "All marks for Graphs of Alice A are in")

    # Six days: nothing yet; eight: the admins are asked, once.
    clock.advance(days=6)
    await harness.process.scheduler.run_once()
    clock.advance(days=2)
    before = admin.bot_count
    await harness.process.scheduler.run_once()
    await harness.process.scheduler.run_once()
    needed = (await admin.expect(1, before))[-1]
    assert "have not agreed within 7 days" in needed.content
    picks = (await admin.click("Appoint third marker", message_id=needed.message_id))[-1]
    assert picks.button_texts() == ["Tom Third"]  # neither marker is offered
    before = tom.bot_count
    assert "Tom Third is the third marker" in (await admin.click(
        "Tom Third", message_id=picks.message_id))[-1].content
    appointed = (await tom.expect(1, before))[-1]
    assert "appointed third marker" in appointed.content
    # The first markers cannot mark again; the third marker's grade stands.
    done = await mark(tom, appointed, [70, 72, 74], "A fair middle.")
    assert "weighted total 71.8" in done
    release = await message_with(admin, "Agreed grade for Graphs of Alice A: 72 / 100")
    assert "third marker's grade" in release.content
    await admin.click("Release", message_id=release.message_id)
    await told(alice, "Grade: 72 / 100")
    marks = await rows_of(harness, AssessmentMark)
    assert sorted(m.role for m in marks) == ["examiner", "supervisor", "third"]
    assert [a.agreed_how for a in await rows_of(harness, Assessment)] == ["third"]


async def feed_of(chat: Chat) -> Calendar:
    """The person's calendar feed, read back."""
    status, _headers, body = await get(url_in(await chat.say("/calendar")))
    assert status == 200
    return Calendar.from_ical(body)


def defences_in(calendar: Calendar) -> list[str]:
    return [str(e.get("summary")) for e in calendar.walk("VEVENT")
            if "Defence" in [str(c) for c in e.get("categories").cats]]


async def test_defence_minutes_release_reopen_and_retention(make_bot: BotFactory) -> None:
    """Issue 30's defence end to end, then a recorded reopen of the released grade, then
    retention with a moved clock: nothing in the window, exactly this thesis past it, and
    the real run anonymises it while /stats says the same."""
    clock = ManualClock(START)
    harness = await make_bot(clock=clock, flood_rate=1000)
    admin, sam, alice, _bob = await onboard(harness)
    assert "v1" in await admin.say("/scheme Content 60, Method 30, Defence 10")
    eve = await examiner(harness, sam, alice)
    await to_final(harness, sam, alice, "Alice A", "Graphs", 1)

    # The supervisor schedules the defence from the team view: the date question, the room,
    # an external member, the minute-taker.
    view = await team_view(sam)
    asked = (await sam.click("🎓 Schedule defence", message_id=view.message_id))[-1]
    assert "When?" in asked.content and "+1 week" in asked.button_texts()
    assert "Where?" in await say_date(sam, "15.03.2030 10:00")
    assert "External committee members" in await sam.say("Room 101")
    pick = (await sam.send("Dr. Out Side"))[-1]
    assert "Who takes the minutes?" in pick.content
    assert sorted(pick.button_texts()) == ["Eve E", "Sam Supervisor"]
    before_alice, before_eve = alice.bot_count, eve.bot_count
    done = await sam.click("Eve E", message_id=pick.message_id, expect=2)
    scheduled = next(m for m in done if "Defence of" in m.content)
    assert "Room 101" in scheduled.content and "Dr. Out Side" in scheduled.content \
        and "Minute-taker: Eve E" in scheduled.content
    # The .ics file for the external members, who have no chat.
    ics = await message_with(sam, "calendar file")
    event = Calendar.from_ical(harness.emu.file_bytes(ics.document["file_id"])).walk("VEVENT")[0]
    assert str(event.get("summary")) == "Defence: Graphs (Alice A)"
    assert "Dr. Out Side" in str(event.get("description"))
    assert str(event.get("location")) == "Room 101"

    invited = (await alice.expect(1, before_alice))[-1]
    assert "Your defence of Graphs" in invited.content
    assert invited.button_texts() == ["Confirm", "Can't make it"]
    eve_invite = [m for m in (await eve.expect(1, before_eve))
                  if "Defence of Graphs" in m.content][-1]
    assert "📝 Record minutes" in eve_invite.button_texts()
    before = sam.bot_count
    assert "You confirmed the defence" in (await alice.click(
        "Confirm", message_id=invited.message_id))[-1].content
    await eve.click("Confirm", message_id=eve_invite.message_id)
    answers = [m.content for m in await sam.expect(2, before)]
    assert any("Alice A confirmed the defence of Graphs" in a for a in answers)

    # In every participant's calendar feed.
    for chat in (alice, sam, eve):
        assert defences_in(await feed_of(chat)) == ["Defence: Graphs (Alice A)"], chat.name

    # The markers mark every component but the Defence; the written marks agree, and the
    # grade waits for the minutes (no Release yet).
    eve_ask = await message_with(eve, "As its examiner, please mark it")
    sam_ask = await message_with(sam, "Please mark it")
    replies = await eve.click("Grade", message_id=eve_ask.message_id, expect=2)
    assert "2 components" in replies[-2].content and "Defence" not in replies[-1].content
    await eve.say("80")
    assert "report" in await eve.say("70")
    assert "weighted total 76.7" in await eve.say("Good method.")
    done_text = await mark(sam, sam_ask, [84, 76], "Careful work.")
    assert "weighted total 81.3" in done_text and "written marks are agreed" in done_text
    assessment = (await rows_of(harness, Assessment))[0]
    assert (assessment.state, assessment.written_total, assessment.agreed_total) == \
        ("defence", 79.0, None)

    # Before the start the minutes are refused; after it the minute-taker records them.
    answered = len(harness.emu.callback_answers)
    await eve.click("📝 Record minutes", message_id=eve_invite.message_id, expect=0)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answered)
    assert "has not begun yet" in harness.emu.callback_answers[-1][1]
    clock.advance(days=15)
    assert "Minutes of the defence" in (await eve.click(
        "📝 Record minutes", message_id=eve_invite.message_id))[-1].content
    assert "Defence" in await eve.say("Calm defence, convincing answers.")
    before_admin = admin.bot_count
    recorded = await eve.say("90")
    assert "recorded" in recorded and "complete now" in recorded
    # 79.0 for Content and Method (90 of the weight), 90 for the Defence (10): 80.1.
    release = [m for m in await admin.expect(1, before_admin) if "Agreed grade" in m.content][-1]
    assert "Agreed grade for Graphs of Alice A: 80 / 100" in release.content
    assert "Calm defence" not in "\n".join(m.content or "" for m in
                                           harness.emu.bot_messages(alice.id))

    before = alice.bot_count
    released = await admin.click("Release", message_id=release.message_id, expect=2)
    protocol = pdf_text(harness.emu.file_bytes(released[1].document["file_id"]))
    flat = protocol.replace("\r\n", " ").replace("\n", " ")
    for text in ("Defence", "Room 101", "Dr. Out Side", "Calm defence", "90",
                 "Minutes recorded by Eve E", "Content 80, Method 70"):
        assert text in flat, (text, protocol)
    told_alice = (await alice.expect(1, before))[-1].content
    for text in ("Grade: 80 / 100", "Content: 82", "Method: 73", "Defence: 90"):
        assert text in told_alice, told_alice
    # The export carries every component, the Defence's mark too.
    assert sorted((r["marker"], r["component"], r["mark"], r["grade"])
                  for r in await exported(admin)) == [
        ("Eve E", "Content", "80", "80"), ("Eve E", "Defence", "90", "80"),
        ("Eve E", "Method", "70", "80"), ("Sam Supervisor", "Content", "84", "80"),
        ("Sam Supervisor", "Defence", "90", "80"), ("Sam Supervisor", "Method", "76", "80")]

    # An admin reopens the released grade (a reason, audited); the student is told, the
    # markers agree again, the new grade reaches the student only through Release.
    assert "not available to you" in await alice.say("/reopen_grade")  # admins only
    picks = (await admin.send("/reopen_grade"))[-1]
    assert picks.button_texts() == ["Alice A — Graphs"]
    assert "Why is the released grade" in (await admin.click(
        "Alice A — Graphs", message_id=picks.message_id))[-1].content
    before, before_sam = alice.bot_count, sam.bot_count
    assert "is reopened" in await admin.say("The Method mark was entered wrongly.")
    told_alice = (await alice.expect(1, before))[-1].content
    assert "reopened by the department: The Method mark was entered wrongly." in told_alice
    assert "Grade" not in told_alice
    assert await thesis_status(harness, alice.id) == "final"
    reopened = [m for m in await sam.expect(1, before_sam) if "reopened" in m.content][-1]
    await sam.click("Propose a grade", message_id=reopened.message_id)
    assert "Proposed 78" in await sam.say("78")
    proposed = await message_with(eve, "Sam Supervisor proposes 78")
    before_admin = admin.bot_count
    await eve.click("Accept", message_id=proposed.message_id)
    # 78 for the written part, the Defence's 90 kept: 79.2.
    release = [m for m in await admin.expect(1, before_admin) if "Agreed grade" in m.content][-1]
    assert "79 / 100" in release.content
    await admin.click("Release", message_id=release.message_id, expect=2)
    await told(alice, "Grade: 79 / 100")
    entry = [e for e in await rows_of(harness, AuditEntry) if e.action == "assessment.reopen"]
    assert entry and entry[0].details["reason"] == "The Method mark was entered wrongly."

    # Retention with a moved clock: four years on, nothing; five years and a day, exactly
    # this thesis; the real run anonymises it and the statistics stay the same.
    clock.advance(days=4 * 365)
    out = io.StringIO()
    assert await run_retention(harness.settings, dry_run=True, clock=clock, out=out) == []
    clock.advance(days=366 + 1)
    stats = await admin.say("/stats")
    out = io.StringIO()
    [item] = await run_retention(harness.settings, dry_run=True, clock=clock, out=out)
    listing = out.getvalue()
    assert "1 theses (dry run, nothing changed)" in listing
    assert '"Graphs"' in listing and "Alice A (Telegram id 201)" in listing
    assert (await rows_of(harness, Thesis))[0].anonymised_at is None
    version = (await rows_of(harness, Submission))[0]
    store = create_file_store(harness.settings)
    try:
        assert await store.exists(version.file_key)
        # The protocol too, and the one the second Release replaced (it names the student).
        assert version.file_key in item.files and len(item.files) == 3
        out = io.StringIO()
        await run_retention(harness.settings, dry_run=False, clock=clock, out=out)
        assert "done: thesis" in out.getvalue()
        assert not await store.exists(version.file_key)
        # One record of the files: every stored_files row left names an object in the
        # store, none names a deleted one, and no column that held a file still names one.
        kept = [f.key for f in await rows_of(harness, StoredFile)]
        assert kept == []  # every file was this thesis's
        assert not set(kept) & set(item.files)
        assert not [key for key in item.files if await store.exists(key)]
        assert all([await store.exists(key) for key in kept]), kept
        engine = create_engine(harness.settings.effective_database_url)
        try:
            async with create_session_factory(engine)() as session:
                for column in owner_columns():
                    named = (await session.scalars(
                        select(column).where(column.in_(item.files)))).all()
                    assert not named, (column, named)
        finally:
            await engine.dispose()
    finally:
        await store.close()
    [version] = await rows_of(harness, Submission)
    assert version.file_key is None and version.file_size > 0 and version.sha256  # row kept
    # Readers of a removed file answer politely: the version's file from the team view...
    answered = len(harness.emu.callback_answers)
    await harness.emu.click(sam.id, view.message_id, FileCb(submission_id=version.id).pack())
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answered)
    assert "removed by retention" in harness.emu.callback_answers[-1][1]
    # ...and the latest-versions ZIP says it left the file out and why.
    await admin.say("/export")
    before = admin.bot_count
    await admin.click("🗂 Latest versions (ZIP)", expect=0)
    [zdoc] = await documents_after(admin, before, 1)
    archive = zipfile.ZipFile(io.BytesIO(harness.emu.file_bytes(zdoc.document["file_id"])))
    assert archive.namelist() == ["MISSING.txt"]
    assert "(removed by retention)" in archive.read("MISSING.txt").decode()
    people = {u.id: u for u in await rows_of(harness, User)}
    assert 201 not in people
    [anonymous] = [u for u in people.values() if u.id < 0]
    assert anonymous.full_name.startswith("Anonymised student") and anonymous.role == "student"
    [thesis] = await rows_of(harness, Thesis)
    assert thesis.student_id == anonymous.id and thesis.anonymised_at is not None
    marks = await rows_of(harness, AssessmentMark)
    assert all(m.report == "[removed by retention]" for m in marks)
    assert sorted(m.total for m in marks) == [76.7, 81.3]  # the numbers stay
    assert (await rows_of(harness, Assessment))[0].agreed_total == 79.2
    assert "Alice" not in json.dumps([e.details for e in await rows_of(harness, AuditEntry)])
    assert "Alice" not in json.dumps([m.payload for m in await rows_of(harness, OutboxMessage)])
    assert await admin.say("/stats") == stats
    # A second run finds nothing more.
    assert await run_retention(harness.settings, dry_run=True, clock=clock,
                               out=io.StringIO()) == []


def test_retention_is_a_command_with_a_dry_run() -> None:
    from bot.__main__ import _parser

    args = _parser().parse_args(["retention", "--dry-run"])
    assert (args.command, args.dry_run) == ("retention", True)
