"""Issue 21, calendar feeds and exports end to end (PostgreSQL, Redis, S3, the emulator):
the .ics feed read back with icalendar (milestones at each student's own due time, meetings,
the time zone), 304 on its ETag, Reset link making the old URL 404; /export's CSV and XLSX
read back with csv and openpyxl (a row per version, decision, grade, on time or late), the
latest-versions ZIP matching the store's bytes, a link above the upload limit; /mydata with
the user's rows and none of anyone else's; every export audited; /export's one progress message counting the ZIP's theses, ending
"✅ Export ready" (or in an apology when Telegram refuses the ZIP)."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select

from services.clock import ManualClock
from services.vocabulary import Role
from storage.db import create_engine, create_session_factory
from storage.files import S3FileStore, new_key
from storage.models import (
    AuditEntry,
    Milestone,
    MilestoneExtension,
    Review,
    Submission,
    Thesis,
    User,
)
from telegram.progress import PROGRESS_FAILURES
from tests import documents
from tests.conftest import BotFactory, Chat, Harness
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.conversation import say_date
from tests.support.files import stored

BERLIN = ZoneInfo("Europe/Berlin")
OTHER_SUPERVISOR, CARL, ADMIN = 110, 203, 1
EDIT_INTERVAL = 0.4  # PROGRESS_EDIT_INTERVAL_SECONDS here: a short export is seen counting


async def told(chat: Chat, text: str, timeout: float = 15) -> Any:
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [m for m in chat.emu.bot_messages(chat.id) if text in (m.content or "")]
        if found:
            return found[-1]
        assert asyncio.get_running_loop().time() < deadline, chat.emu.transcript(chat.id)
        await asyncio.sleep(0.02)


async def documents_after(chat: Chat, before: int, count: int) -> list[Any]:
    """The next ``count`` documents the bot sent ``chat`` after message ``before``."""
    await chat.emu.wait_until(lambda: len([m for m in chat.emu.bot_messages(chat.id)[before:]
                                           if m.document]) >= count, timeout=30)
    return [m for m in chat.emu.bot_messages(chat.id)[before:] if m.document]


def texts_of(message: Any) -> list[str]:
    """Every text a message had, the first first, the current last."""
    return [edit.text or "" for edit in message.edits] + [message.content]


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any,
                                                                        bytes]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as resp:
        return resp.status, resp.headers.copy(), await resp.read()


def url_in(text: str) -> str:
    match = re.search(r"(http://\S+?\.(?:ics|zip))", text)
    assert match, text
    return match.group(1)


async def one(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


# --- calendar ------------------------------------------------------------------------------

async def test_calendar_feed_with_milestones_meetings_and_reset(make_bot: BotFactory,
                                                                db: str) -> None:
    await seed(db)
    clock = ManualClock(START)
    harness: Harness = await make_bot(clock=clock, timezone="Europe/Berlin", flood_rate=1000)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    alice, bob = harness.chat(ALICE, "Alice", "A"), harness.chat(BOB, "Bob", "B")
    await sam.send("/deadline")
    await sam.click("👥 All my students (2)")
    await sam.say("Full draft")
    await say_date(sam, "2030-04-01 12:00")
    await sam.send("/meeting")
    await sam.click("Alice A")
    await sam.say("Chapter 2 feedback")
    await say_date(sam, "2030-03-05 14:00")
    await sam.say("https://meet.example/abc")
    # Bob has a week more on the draft (his own due time).
    engine = create_engine(db)
    async with create_session_factory(engine)() as session, session.begin():
        bob_m = await session.scalar(select(Milestone).where(Milestone.student_id == BOB))
        assert bob_m is not None
        session.add(MilestoneExtension(milestone_id=bob_m.id, student_id=BOB,
                                       due_at=datetime(2030, 4, 8, 10, 0, tzinfo=UTC),
                                       granted_by=SUPERVISOR, created_at=START))
    await engine.dispose()

    reply = await alice.say("/calendar")
    assert alice.last().button_texts() == ["📆 Add to calendar", "Reset link"]
    url = url_in(reply)
    assert url.startswith(harness.http + "/calendar/")
    # Add to calendar opens the same URL: the host and port the app is reached at.
    assert alice.last().buttons[0][0]["url"] == url
    assert await alice.say("/calendar") == reply  # the same URL again
    status, headers, body = await get(url)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    assert "private" in headers["Cache-Control"] and headers["ETag"]
    feed = Calendar.from_ical(body)
    events = {str(e["summary"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {"Due: Full draft", "Meeting: Chapter 2 feedback"}
    due = events["Due: Full draft"]
    assert due.decoded("dtstart") == datetime(2030, 4, 1, 12, 0, tzinfo=BERLIN)
    assert due["dtstart"].params["TZID"] == "Europe/Berlin"
    meeting = events["Meeting: Chapter 2 feedback"]
    assert meeting.decoded("dtstart") == datetime(2030, 3, 5, 14, 0, tzinfo=BERLIN)
    assert meeting.decoded("dtend") == datetime(2030, 3, 5, 15, 0, tzinfo=BERLIN)
    assert str(meeting["location"]) == "https://meet.example/abc"
    assert [str(tz["tzid"]) for tz in feed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    # Unchanged: 304 on the ETag, no body.
    status, again, body304 = await get(url, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body304 == b"" and again["ETag"] == headers["ETag"]

    # The supervisor's feed: every student's milestone at their own time, and the meeting.
    sam_feed = Calendar.from_ical((await get(url_in(await sam.say("/calendar"))))[2])
    sam_events = sorted((str(e["summary"]), e.decoded("dtstart")) for e in sam_feed.walk("VEVENT"))
    assert sam_events == [
        ("Due: Full draft (Alice A)", datetime(2030, 4, 1, 12, 0, tzinfo=BERLIN)),
        ("Due: Full draft (Bob B)", datetime(2030, 4, 8, 12, 0, tzinfo=BERLIN)),
        ("Meeting: Chapter 2 feedback", datetime(2030, 3, 5, 14, 0, tzinfo=BERLIN))]
    bob_feed = Calendar.from_ical((await get(url_in(await bob.say("/calendar"))))[2])
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in bob_feed.walk("VEVENT")] == [
        ("Due: Full draft", datetime(2030, 4, 8, 12, 0, tzinfo=BERLIN))]

    # Reset link: a new URL works, the old one is 404 like a token never issued.
    await alice.click("Reset link")
    fresh = url_in((await told(alice, "New link")).content)
    assert fresh != url
    assert (await get(fresh))[0] == 200
    gone, _h, gone_body = await get(url)
    never, _h, never_body = await get(harness.http + "/calendar/" + "A" * 43 + ".ics")
    assert gone == never == 404 and gone_body == never_body
    async with create_session_factory(create_engine(db))() as session:
        actions = [a.action for a in (await session.scalars(select(AuditEntry))).all()]
    assert "calendar.reset" in actions


# --- exports -------------------------------------------------------------------------------

async def seed_versions(db: str, store: S3FileStore, prefix: str) -> dict[str, bytes]:
    """Alice: v1 changes requested (on time), v2 approved with 90 (late); Bob: v1 waiting;
    Carl (another supervisor's): v1 rejected, 1.2 MB. Files are put in the bucket."""
    files = {"a1": documents.pdf("alice 1"), "a2": documents.pdf("alice 2"),
             "b1": documents.pdf("bob 1"), "c1": documents.pdf("carl 1", pad=1_200_000)}
    keys: dict[str, str] = {}
    for name, data in files.items():
        keys[name] = new_key(prefix, "bin")

        async def chunks(data: bytes = data) -> AsyncIterator[bytes]:
            yield data

        await store.put_stream(keys[name], chunks(), "application/pdf")
    engine = create_engine(db)
    day = timedelta(days=1)
    async with create_session_factory(engine)() as session, session.begin():
        session.add(User(id=OTHER_SUPERVISOR, role=Role.SUPERVISOR.value, full_name="Olga Other",
                         created_at=START))
        await session.flush()
        session.add(User(id=CARL, role=Role.STUDENT.value, full_name="Carl C",
                         invited_by_id=OTHER_SUPERVISOR, created_at=START))
        await session.flush()
        theses = {}
        for student, title, status, latest in ((ALICE, "Graphs", "approved", 2),
                                                (BOB, "Trees", "submitted", 1),
                                                (CARL, "Rocks", "rejected", 1)):
            thesis = Thesis(student_id=student, title=title, status=status,
                            latest_version=latest, created_at=START - 20 * day,
                            updated_at=START - day)
            session.add(thesis)
            theses[student] = thesis
        await session.flush()
        m1 = Milestone(supervisor_id=SUPERVISOR, student_id=ALICE, title="Outline",
                       due_at=START - 10 * day, created_at=START - 20 * day)
        m2 = Milestone(supervisor_id=SUPERVISOR, student_id=ALICE, title="Draft",
                       due_at=START - 4 * day, created_at=START - 20 * day)
        session.add_all([m1, m2])
        await session.flush()
        subs = {}
        for name, thesis, version, at, milestone in (
                ("a1", theses[ALICE], 1, START - 11 * day, m1),
                ("a2", theses[ALICE], 2, START - 3 * day, m2),
                ("b1", theses[BOB], 1, START - 2 * day, None),
                ("c1", theses[CARL], 1, START - 5 * day, None)):
            data = files[name]
            session.add(stored(keys[name]))
            sub = Submission(thesis_id=thesis.id, version=version, file_key=keys[name],
                             file_name=f"{name}.pdf", file_kind="pdf", file_size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(), submitted_at=at,
                             milestone_id=milestone.id if milestone else None)
            session.add(sub)
            await session.flush()
            subs[name] = sub
            if milestone is not None:
                milestone.submission_id, milestone.submitted_at = sub.id, at
        session.add_all([
            Review(submission_id=subs["a1"].id, reviewer_id=SUPERVISOR,
                   decision="changes_requested", comment="More graphs", created_at=START - 9 * day,
                   outcome_at=START - 9 * day),
            Review(submission_id=subs["a2"].id, reviewer_id=SUPERVISOR, decision="approved",
                   grade=90, created_at=START - 2 * day, outcome_at=START - 2 * day),
            Review(submission_id=subs["c1"].id, reviewer_id=OTHER_SUPERVISOR,
                   decision="rejected", created_at=START - 4 * day,
                   outcome_at=START - 4 * day)])
    await engine.dispose()
    return files


async def test_exports_tables_zip_link_and_mydata(make_bot: BotFactory, db: str,
                                                  bucket: str, s3_endpoint: str) -> None:
    await seed(db)
    clock = ManualClock(START)
    harness: Harness = await make_bot(clock=clock, timezone="Europe/Berlin", flood_rate=1000,
                                      telegram_upload_limit_mb=1,
                                      progress_edit_interval_seconds=EDIT_INTERVAL)
    store = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1")
    files = await seed_versions(db, store, harness.settings.s3_prefix)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    admin = harness.chat(ADMIN, "Ada", "Admin")
    alice = harness.chat(ALICE, "Alice", "A")
    await admin.say("/start")

    # Sam's tables: his students only, a row per version.
    assert "your students" in await sam.say("/export")
    assert sam.last().button_texts() == ["📊 Students, theses, versions, meetings (CSV + XLSX)",
                                         "🗂 Latest versions (ZIP)"]
    before = sam.bot_count
    await sam.click("📊 Students, theses, versions, meetings (CSV + XLSX)", expect=0)
    docs = await documents_after(sam, before, 4)
    by_name = {d.document["file_name"]: harness.emu.file_bytes(d.document["file_id"])
               for d in docs}
    assert set(by_name) == {"versions.csv", "meetings.csv", "assessments.csv", "export.xlsx"}
    table = list(csv.DictReader(io.StringIO(by_name["versions.csv"].decode())))
    assert [(r["student"], r["version"], r["decision"], r["grade"], r["on_time"])
            for r in table] == [("Alice A", "1", "changes_requested", "", "on time"),
                                ("Alice A", "2", "approved", "90", "late"),
                                ("Bob B", "1", "pending", "", "")]
    assert table[0]["submitted_at"] == "2030-02-18T11:00+01:00"
    workbook = load_workbook(io.BytesIO(by_name["export.xlsx"]), read_only=True)
    assert workbook.sheetnames == ["Students", "Theses", "Versions", "Meetings", "Assessments",
                                   "Topics"]
    sheet = list(workbook["Versions"].iter_rows(values_only=True))
    header = list(sheet[0])
    got = [(r[header.index("student")], r[header.index("version")],
            r[header.index("decision")], r[header.index("grade")]) for r in sheet[1:]]
    assert got == [("Alice A", 1, "changes_requested", None), ("Alice A", 2, "approved", 90),
                   ("Bob B", 1, "pending", None)]
    students = [r[1] for r in list(workbook["Students"].iter_rows(values_only=True))[1:]]
    assert students == ["Alice A", "Bob B"]

    [tables_progress] = [m for m in sam.emu.bot_messages(sam.id)[before:] if not m.document]
    await sam.emu.wait_until(lambda: "ready" in tables_progress.content, timeout=15)
    assert texts_of(tables_progress) == ["⏳ Preparing the export…", "✅ Export ready."]

    # Sam's latest versions: a ZIP whose members are the store's bytes. Each file takes a
    # second to come from the store, so that the progress message is seen counting.
    before = sam.bot_count
    store_read = harness.process.deps.files.read

    async def slow_read(key: str) -> AsyncIterator[bytes]:
        await asyncio.sleep(1.0)
        async for chunk in store_read(key):
            yield chunk

    harness.process.deps.files.read = slow_read  # type: ignore[method-assign]
    try:
        await sam.click("🗂 Latest versions (ZIP)", expect=0)
        [zdoc] = await documents_after(sam, before, 1)
        await sam.emu.wait_until(lambda: "ready" in sam.emu.bot_messages(sam.id)[before].content,
                                 timeout=15)
    finally:
        del harness.process.deps.files.read
    # One progress message, sent before the ZIP, counting up "… of 2 theses" as the files
    # go into the archive, and "✅ Export ready." once the ZIP is sent.
    assert sam.bot_count == before + 2
    progress = sam.emu.bot_messages(sam.id)[before]
    assert not progress.document and progress.message_id < zdoc.message_id
    texts = texts_of(progress)
    counts = [int(m.group(1)) for m in (re.search(r"Preparing the export… (\d+) of 2 theses",
                                                  text) for text in texts) if m]
    assert len(counts) >= 2 and counts == sorted(set(counts)), texts
    assert texts[0] == "⏳ Preparing the export…" and texts[-1] == "✅ Export ready.", texts
    assert zdoc.caption == "🗂 The latest version of 2 theses."
    archive = zipfile.ZipFile(io.BytesIO(harness.emu.file_bytes(zdoc.document["file_id"])))
    assert archive.namelist() == ["Alice A/v2-Graphs.pdf", "Bob B/v1-Trees.pdf"]
    engine = create_engine(db)
    async with create_session_factory(engine)() as session:
        latest = {s.file_key: s for s in (await session.scalars(select(Submission))).all()}
    await engine.dispose()
    for name, key in (("Alice A/v2-Graphs.pdf", "a2"), ("Bob B/v1-Trees.pdf", "b1")):
        stored = [s for s in latest.values() if s.sha256 == hashlib.sha256(files[key]).hexdigest()]
        [row] = stored
        in_store = await one(store.read(row.file_key))
        assert hashlib.sha256(archive.read(name)).hexdigest() == row.sha256 == \
            hashlib.sha256(in_store).hexdigest()

    # The admin's ZIP has Carl's 1.2 MB version too: above the 1 MB limit, a link instead.
    await admin.say("/export")
    assert "everyone" in admin.last().content
    await admin.click("🗂 Latest versions (ZIP)", expect=0)
    link = url_in((await told(admin, "too big for Telegram")).content)
    status, headers, body = await get(link)
    assert status == 200 and headers["Content-Type"] == "application/zip"
    big = zipfile.ZipFile(io.BytesIO(body))
    assert big.namelist() == ["Alice A/v2-Graphs.pdf", "Bob B/v1-Trees.pdf",
                              "Carl C/v1-Rocks.pdf"]
    assert big.read("Carl C/v1-Rocks.pdf") == files["c1"]
    assert (await get(link.replace("/export/", "/export/x")))[0] == 404

    # /mydata: Alice's rows and files, nobody else's.
    before = alice.bot_count
    await alice.send("/mydata", expect=0)
    [mine] = await documents_after(alice, before, 1)
    own = zipfile.ZipFile(io.BytesIO(harness.emu.file_bytes(mine.document["file_id"])))
    data = json.loads(own.read("data.json"))
    assert data["user"]["id"] == ALICE and data["thesis"]["title"] == "Graphs"
    assert [s["version"] for s in data["submissions"]] == [1, 2]
    assert [r["decision"] for r in data["reviews_of_my_versions"]] == ["changes_requested",
                                                                        "approved"]
    assert sorted(own.namelist()) == ["data.json", "files/v1-a1.pdf", "files/v2-a2.pdf"]
    assert own.read("files/v2-a2.pdf") == files["a2"]
    text = own.read("data.json").decode()
    for other in ("Trees", "Rocks", "Bob B", "Carl C", hashlib.sha256(files["b1"]).hexdigest()):
        assert other not in text, other

    engine = create_engine(db)
    async with create_session_factory(engine)() as session:
        audited = [(a.actor_id, a.action, a.object_id) for a in (await session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("export.%"))
            .order_by(AuditEntry.id))).all()]
    await engine.dispose()
    assert audited == [(SUPERVISOR, "export.table", str(SUPERVISOR)),
                       (SUPERVISOR, "export.latest", str(SUPERVISOR)),
                       (ADMIN, "export.latest", "all"),
                       (ADMIN, "export.link", "latest"),
                       (ADMIN, "export.latest", "all"),  # the link, used
                       (ALICE, "export.mydata", str(ALICE))]

    # Telegram refuses the ZIP: the same progress message becomes an apology, counted.
    failures = PROGRESS_FAILURES.labels(operation="export")._value.get()
    harness.emu.fail("sendDocument", 400, description="Bad Request: file is broken")
    before = sam.bot_count
    await sam.say("/export")
    await sam.click("🗂 Latest versions (ZIP)", expect=0)
    await told(sam, "Sorry, the export could not be prepared")
    assert sam.bot_count == before + 2  # the question, and the progress message become apology
    assert not any(m.document for m in sam.emu.bot_messages(sam.id)[before:])
    assert PROGRESS_FAILURES.labels(operation="export")._value.get() == failures + 1
    await store.close()
