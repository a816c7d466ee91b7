"""Issue 34: a department's roster, end to end through the emulator and against the services.

An admin sends a roster of 20 supervisors and 300 students with 5 faulty rows: the exact
preview, one Import, the same file again changes nothing, an edited row updates its pending
person; the personal links (mail-merge CSV, PDF of QR codes decoded with zxing-cpp) join
exactly their person (supervisor, team, title) once; /roster counts joined and pending, Remind
makes a new link and the old one stops working; the first-run checklist ticks its steps. The
import runs a fixed number of statements whatever the roster's size.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from sqlalchemy import event, func, select, text

from services.context import ServiceConfig, ServiceDeps, Services
from services.errors import RosterUnreadable
from storage.db import create_engine, create_session_factory
from storage.files import LocalFileStore
from storage.models import Invite, RosterPerson, Thesis, ThesisMember, User
from tests.conftest import BotFactory, Chat, Harness
from tests.support.conversation import invite_code
from tests.support.roster import department, student_email, sup_email
from tgemu import RecordedMessage

EXPECTED_PREVIEW = "\n".join([
    "20 supervisors and 300 students to create.",
    "5 rows with problems (they are not imported):",
    "Row 82: unknown supervisor",
    "Row 143: duplicate",
    "Row 204: bad e-mail",
    "Row 265: title too long",
    "Row 326: unknown supervisor",
])


async def scalar(harness: Harness, query: Any) -> Any:
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(query)).scalar_one()
    finally:
        await engine.dispose()


async def table_state(harness: Harness) -> tuple[Any, ...]:
    """Everything an import may change, to compare before and after."""
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with engine.connect() as conn:
            people = (await conn.execute(text(
                "SELECT id, email, full_name, role, title, supervisor_id, "
                "co_supervisor_ids::text, user_id, updated_at FROM roster_people ORDER BY id"
            ))).all()
            links = (await conn.execute(text(
                "SELECT id, code, revoked_at FROM invites ORDER BY id"))).all()
        return tuple(people), tuple(links)
    finally:
        await engine.dispose()


def sent_document(harness: Harness, message: RecordedMessage) -> bytes:
    assert message.document is not None, message.content
    return harness.emu.file_bytes(message.document["file_id"])


async def click_edit(chat: Chat, label: str, message: RecordedMessage) -> RecordedMessage:
    before = len(message.edits)
    await chat.emu.click_button(chat.id, label, message.message_id)
    await chat.emu.wait_until(
        lambda: len(chat.emu.message(chat.id, message.message_id).edits) > before)
    return chat.emu.message(chat.id, message.message_id)


def qr_links(pdf: bytes, pages: int) -> list[str]:
    """The QR codes of the first ``pages`` pages, top to bottom."""
    found = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(min(pages, len(document))):
            image = document[index].render(scale=2).to_pil()
            codes = zxingcpp.read_barcodes(image)
            found += [c.text for c in sorted(codes, key=lambda c: c.position.top_left.y)]
    finally:
        document.close()
    return found


async def test_a_department_rolls_out_through_its_roster(make_bot: BotFactory) -> None:
    harness = await make_bot()
    admin = harness.chat(1, "Ada", "Admin")
    # The first /start of a configured admin: the welcome and the first-run checklist.
    [checklist] = await admin.send("/start")
    assert checklist.content.startswith("✅ You are an administrator.")
    assert checklist.content.splitlines()[-5:] == [
        "⬜ Set the assessment scheme with /scheme",
        "⬜ Set the authorship statement with /statement",
        "⬜ Import the roster: send it as a CSV or XLSX file (the template is in /roster)",
        "⬜ Send the personal links: Links (CSV) or Links (PDF) in /roster",
        "⬜ Invite a test student: open a student's personal link from a second account"]

    roster = department()
    [preview] = await admin.upload(roster.csv(), "roster.csv")
    assert preview.content == EXPECTED_PREVIEW
    assert preview.button_texts() == ["Import", "Cancel"]
    [done] = await admin.click("Import", preview.message_id)
    assert done.content.startswith(
        "✅ Roster imported: 20 new supervisors, 300 new students, 0 updated.")
    assert await scalar(harness, select(func.count()).select_from(RosterPerson)) == 320
    assert await scalar(harness, select(func.count()).select_from(Invite).where(
        Invite.roster_person_id.is_not(None))) == 320
    assert await scalar(harness, select(func.count()).select_from(User)) == 1

    # The same file again (as semicolon-separated, the way a Russian Excel saves it).
    state = await table_state(harness)
    [again] = await admin.upload(roster.csv(delimiter=";"), "roster-again.csv")
    assert again.content.splitlines()[:2] == [
        "0 supervisors and 0 students to create.",
        "320 rows already imported, nothing to change."]
    assert again.content.endswith("Nothing to import: the roster is here already as it is.")
    assert again.button_texts() == []
    assert await table_state(harness) == state

    # An edited row updates the pending person (and nothing else).
    edited = department()
    for row in edited.rows:
        if row[2] == student_email(5):
            row[4] = "A better title"
    [changed] = await admin.upload(edited.csv(), "roster-edited.csv")
    assert changed.content.splitlines()[:3] == [
        "0 supervisors and 0 students to create.", "1 pending person to update.",
        "319 rows already imported, nothing to change."]
    await admin.click("Import", changed.message_id)
    assert await scalar(harness, select(RosterPerson.title).where(
        RosterPerson.email == student_email(5))) == "A better title"
    people, links = await table_state(harness)
    assert len(people) == 320 and links == state[1]

    view = (await admin.send("/roster"))[-1]
    assert view.content.startswith("Roster: 0 joined, 320 not yet joined.")
    [merge] = await admin.click("Links (CSV)", view.message_id)
    rows = list(csv.reader(io.StringIO(sent_document(harness, merge).decode("utf-8-sig"))))
    assert rows[0] == ["name", "email", "link"] and len(rows) == 321
    link_of = {email: link for _name, email, link in rows[1:]}
    assert len(set(link_of.values())) == 320
    # 320 QR codes drawn take a second or two, more on a loaded machine.
    before = admin.bot_count
    await admin.emu.click_button(admin.id, "Links (PDF)", view.message_id)
    [printed] = await admin.expect(1, before, timeout=120)
    pdf = sent_document(harness, printed)
    assert len(pdfium.PdfDocument(pdf)) == 80  # four to a page
    # The same people in the same order, each QR code their link.
    assert qr_links(pdf, 3) == [link for _n, _e, link in rows[1:13]]

    # Supervisor 01 and Supervisor 02 are on student 7's team (7 % 20 + 1 … as the roster
    # says: supervisor 07, co-supervisor 08).
    sup7 = harness.chat(5007, "Telegram", "Name")
    joined = await sup7.say(f"/start {invite_code(link_of[sup_email(7)])}")
    assert "Supervisor 07" in joined
    student = harness.chat(6007, "Stu", "Seven")
    welcome_text = await student.say(f"/start {invite_code(link_of[student_email(7)])}")
    assert "Student 007" in welcome_text and "Supervisor 07" in welcome_text
    # Nobody else can use that link again.
    other = harness.chat(6999, "Someone", "Else")
    assert "already been used" in await other.say(
        f"/start {invite_code(link_of[student_email(7)])}")
    sup8 = harness.chat(5008, "Eight", "Sup")
    await sup8.say(f"/start {invite_code(link_of[sup_email(8)])}")
    # A student who joins before their supervisor gets them when the supervisor joins.
    early = harness.chat(6014, "Early", "Bird")
    assert "Student 014" in await early.say(f"/start {invite_code(link_of[student_email(14)])}")
    sup14 = harness.chat(5014, "Four", "Teen")
    await sup14.say(f"/start {invite_code(link_of[sup_email(14)])}")
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        team = {(r.user_id, r.role) for r in (await conn.execute(select(ThesisMember).where(
            ThesisMember.student_id == 6007))).all()}
        title = (await conn.execute(select(Thesis.title).where(
            Thesis.student_id == 6007))).scalar_one()
        user = (await conn.execute(select(User).where(User.id == 6007))).one()
        early_team = {(r.user_id, r.role) for r in (await conn.execute(
            select(ThesisMember).where(ThesisMember.student_id == 6014))).all()}
    await engine.dispose()
    assert team == {(5007, "supervisor"), (5008, "co_supervisor")}
    assert early_team == {(5014, "supervisor")}
    assert title == "Thesis number 7"
    assert (user.role, user.full_name, user.language) == ("student", "Student 007", "ru")
    # The title is set: /submit asks for the file straight away, not for a title.
    asked = await student.say("/submit")
    assert "PDF" in asked and "называется" not in asked
    await student.say("/cancel")

    view = (await admin.send("/roster"))[-1]
    assert view.content.startswith("Roster: 5 joined, 315 not yet joined.")
    # Remind: a new link for the first pending person; the old one no longer works.
    first_name, first_email = sorted(
        (n, e) for n, e, _l in rows[1:]
        if e not in (sup_email(7), sup_email(8), sup_email(14), student_email(7),
                     student_email(14)))[0]
    remind = next(b for b in view.button_texts() if b.startswith("Remind "))
    [reminded] = await admin.click(remind, view.message_id)
    assert reminded.photo and first_email in reminded.content
    png = harness.emu.file_bytes(reminded.photo[-1]["file_id"])
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.text in reminded.content and code.text != link_of[first_email]
    late = harness.chat(6998, "Late", "Comer")
    assert "revoked" in await late.say(f"/start {invite_code(link_of[first_email])}")
    assert first_name in await late.say(f"/start {invite_code(code.text)}")

    # The checklist ticks what was done since.
    ticked = await click_edit(admin, "Refresh", checklist)
    assert ticked.content.startswith("✅ You are an administrator.")
    assert ticked.content.splitlines()[-5:] == [
        "⬜ Set the assessment scheme with /scheme",
        "⬜ Set the authorship statement with /statement",
        "✅ Import the roster: send it as a CSV or XLSX file (the template is in /roster)",
        "✅ Send the personal links: Links (CSV) or Links (PDF) in /roster",
        "✅ Invite a test student: open a student's personal link from a second account"]

    # The template comes from /roster, and it reads back as a roster.
    [template] = await admin.click("Template", view.message_id)
    assert sent_document(harness, template).decode("utf-8-sig").startswith(
        "name,role,email,supervisor,title,co_supervisors,language")
    assert "could not read this roster" in (
        await admin.upload(b"%PDF-1.4 not a roster", "roster.pdf"))[-1].content


async def admin_and_services(db: str, tmp_path: Path) -> tuple[Any, Any, ServiceDeps]:
    engine = create_engine(db)
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO users (id, role, full_name, language) "
                                "VALUES (1, 'admin', 'Ada Admin', 'en')"))
    deps = ServiceDeps(files=LocalFileStore(tmp_path), config=ServiceConfig(
        admin_ids=frozenset({1})))
    return engine, create_session_factory(engine), deps


async def test_an_import_runs_a_fixed_number_of_statements(db: str, tmp_path: Path) -> None:
    engine, sessions, deps = await admin_and_services(db, tmp_path)
    counts: Counter[str] = Counter()
    label = ["none"]

    def statement(*_: Any) -> None:
        counts[label[0]] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    try:
        async with sessions() as session:
            admin = await session.get(User, 1)
            assert admin is not None
            services = Services(session, deps)
            for name, roster in (("small", department(2, 30, 0)),
                                 ("large", department(20, 300, 5))):
                for row in roster.rows:  # two departments apart
                    row[2] = f"{name}-{row[2]}"
                    row[3] = f"{name}-{row[3]}" if "@" in row[3] else row[3]
                    row[5] = f"{name}-{row[5]}" if row[5] else ""
                label[0] = name
                done = await services.roster.import_roster(admin, roster.csv())
                assert done.students == len([r for r in roster.rows if r[1] == "student"]) \
                    - len(roster.problems)
            label[0] = "again"
            again = await services.roster.import_roster(admin, roster.csv())
            assert not again.changes
    finally:
        await engine.dispose()
    # Ten times the rows, the same statements: none per row.
    print("import statements", dict(counts))
    assert counts["small"] == counts["large"] <= 7, counts
    assert counts["again"] <= 4, counts


async def test_an_unreadable_roster_and_a_non_admin_are_refused(db: str, tmp_path: Path
                                                                ) -> None:
    engine, sessions, deps = await admin_and_services(db, tmp_path)
    try:
        async with sessions() as session:
            admin = await session.get(User, 1)
            assert admin is not None
            services = Services(session, deps)
            for data in (b"", b"\x00\x01binary", b"just,some,columns\n1,2,3\n",
                         b"PK\x03\x04broken zip"):
                try:
                    await services.roster.check(admin, data)
                except RosterUnreadable:
                    continue
                raise AssertionError(f"{data!r} was read as a roster")
    finally:
        await engine.dispose()


def as_xlsx(data: bytes) -> bytes:
    """The same roster saved as an XLSX workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(io.StringIO(data.decode())):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_the_mini_app_uploads_a_roster(make_bot: BotFactory, db: str, bucket: str,
                                             s3_endpoint: str) -> None:
    import aiohttp

    from api.models import RosterPreviewOut
    from tests.support.webapp import (
        ADMIN,
        SAM,
        register,
        seed_university,
        token_for,
        webapp_settings,
    )

    await seed_university(db, bucket, s3_endpoint)
    harness = await make_bot(admin_ids=[ADMIN], **webapp_settings())
    register(harness.emu)
    roster = department()
    async with aiohttp.ClientSession() as http:
        admin = await token_for(http, harness.http, harness.emu, ADMIN)

        async def post(path: str, body: bytes, token: str) -> tuple[int, Any]:
            async with http.post(f"{harness.http}/api/roster/{path}", data=body,
                                 headers={"Authorization": f"Bearer {token}"}) as response:
                return response.status, await response.json()

        # An XLSX and a CSV of the same roster preview alike; nothing is written.
        for body in (as_xlsx(roster.csv()), roster.csv()):
            status, found = await post("preview", body, admin)
            preview = RosterPreviewOut.model_validate(found)
            assert status == 200 and not preview.imported
            assert (preview.supervisors, preview.students, preview.updated) == (20, 300, 0)
            assert [(p.row, p.reason) for p in preview.problems] == roster.problems
        status, found = await post("import", roster.csv(), admin)
        assert status == 200 and found["imported"] and found["students"] == 300
        status, found = await post("import", as_xlsx(roster.csv()), admin)
        assert status == 200 and (found["supervisors"], found["students"],
                                  found["updated"], found["unchanged"]) == (0, 0, 0, 320)
        status, found = await post("preview", b"not a roster at all", admin)
        assert (status, found["error"]["code"]) == (409, "roster_unreadable")
        supervisor = await token_for(http, harness.http, harness.emu, SAM)
        status, found = await post("import", roster.csv(), supervisor)
        assert status == 403
        async with http.get(f"{harness.http}/api/openapi.json") as response:
            document = await response.json()
        upload = document["paths"]["/api/roster/import"]["post"]["requestBody"]["content"]
        assert "text/csv" in upload
