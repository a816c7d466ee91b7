"""Issue 31 end to end: text shared with other theses, through the Bot API emulator against
PostgreSQL, Redis and S3. Bob (Vera's student, an earlier year) has a thesis in the index;
Alice (Sam's student) copies three of its paragraphs → her card says how much and with
which thesis, ⚠️ above the alert share, and 🔎 Shared text sends the passages side by side
(audited). Her next version quotes them: nothing shared, and her own first version does not
count. Her /history shows her share only; the chat and the API refuse her the report. Two
workers on one database check each version once, and a hostile file stalls nothing."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import aiohttp
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ops.similarity import reindex
from bot.workers.comparison import ComparisonConfig, ComparisonWorker
from services.similarity import Candidate, check
from services.text_diff import extract
from storage.db import create_engine
from storage.models import AuditEntry, SimilarityBand, Submission, Thesis, VersionSimilarity
from telegram.texts import Texts
from tests.conftest import BotFactory, Chat, Harness
from tests.support.conversation import decide, open_student
from tests.support.shared_text import copying, pick, source_thesis
from tests.support.theses import ENTITY_BOMB, docx_with, to_docx
from tests.support.webapp import token_for, webapp_settings

SOURCE_TITLE = "Graph methods in logistics"


def invite_code(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def onboard(harness: Harness) -> dict[str, Chat]:
    """Ada (admin); Vera supervises Bob, Sam supervises Alice."""
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    people = {"admin": admin}
    for user_id, name, last, student_id, student_name in (
            (100, "Sam", "Supervisor", 201, "Alice"), (101, "Vera", "Nagel", 202, "Bob")):
        link = await admin.say("/invite")
        supervisor = harness.chat(user_id, name, last)
        await supervisor.say(f"/start {invite_code(link)}")
        code = invite_code(await supervisor.say("/invite 30 2"))
        student = harness.chat(student_id, student_name, "S")
        assert "student" in await student.say(f"/start {code}")
        people[name.lower()], people[student_name.lower()] = supervisor, student
    return people


async def submit(student: Chat, data: bytes, name: str, title: str | None = None) -> str:
    await student.say("/submit")
    if title is not None:
        await student.say(title)
    await student.upload(data, name)
    return await student.say("/skip")


def card(harness: Harness, supervisor: Chat, version: int) -> Any:
    found = [m for m in harness.emu.bot_messages(supervisor.id)
             if m.document and f"version {version}" in m.content]
    return found[-1] if found else None


async def wait_for(predicate: Any, timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or predicate}")


async def query(harness: Harness, statement: Any) -> Any:
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with AsyncSession(engine) as session:
            result = await session.execute(statement)
            await session.commit()
            return result
    finally:
        await engine.dispose()


async def version_id(harness: Harness, student_id: int, version: int) -> int:
    result = await query(harness, select(Submission.id).join(
        Thesis, Thesis.id == Submission.thesis_id).where(
        Thesis.student_id == student_id, Submission.version == version))
    return int(result.scalar_one())


async def checked(harness: Harness, submission_id: int) -> bool:
    result = await query(harness, select(VersionSimilarity.checked_at).where(
        VersionSimilarity.submission_id == submission_id))
    return result.scalar_one_or_none() is not None


def share(percent: float) -> str:
    return "<1" if 0 < percent < 1 else str(round(percent))


async def test_copied_paragraphs_are_shown_to_the_team_and_only_the_share_to_the_student(
        make_bot: BotFactory) -> None:
    harness = await make_bot(**webapp_settings())
    people = await onboard(harness)
    sam, alice, bob = people["sam"], people["alice"], people["bob"]

    source = source_thesis("en", words=1500)
    source_docx = to_docx(source)
    await submit(bob, source_docx, "bob.docx", title=SOURCE_TITLE)
    bob_v1 = await version_id(harness, bob.id, 1)
    await wait_for(lambda: checked(harness, bob_v1), what="Bob's thesis in the index")
    # An earlier year's thesis.
    await query(harness, update(Submission).where(Submission.id == bob_v1)
                .values(submitted_at=datetime(2025, 5, 20, tzinfo=UTC)))

    copied = copying("en", source, "plain", words=1500)
    data = to_docx(copied)
    await submit(alice, data, "alice.docx", title="My own thesis")
    result, _words = check(extract("docx", data), [
        Candidate(bob_v1, SOURCE_TITLE, 2025, "Vera Nagel", extract("docx", source_docx))])
    assert result.percent > 10  # above SIMILARITY_ALERT_PERCENT: the card is marked
    expected = (f"⚠️ Shared text: {share(result.percent)} % — most with «{SOURCE_TITLE}» "
                f"(2025, {share(result.percent)} %)")
    await wait_for(lambda: card(harness, sam, 1) is not None
                   and "Shared text" in card(harness, sam, 1).content,
                   what="Alice's card edited with the shared text")
    edited = card(harness, sam, 1)
    assert expected in edited.content, edited.content
    assert edited.button_texts()[-1] == "🔎 Shared text"

    sent = await sam.click("🔎 Shared text", message_id=edited.message_id)
    document = sent[-1].document
    assert document is not None and document["file_name"] == "shared-text-v1.html"
    page = harness.emu.file_bytes(document["file_id"]).decode()
    assert "default-src 'none'" in page and "<script" not in page
    assert f"«{SOURCE_TITLE}»" in page and "(2025, " in page
    assert "Supervisor: Vera Nagel" in page
    rows = re.findall(r"<tr><td><mark>(.*?)</mark></td><td><mark>(.*?)</mark></td></tr>",
                      page, re.S)
    assert [theirs for _mine, theirs in rows] == [p.rstrip(".") for p in pick(source)]
    assert all(mine == theirs for mine, theirs in rows)
    alice_v1 = await version_id(harness, alice.id, 1)
    audited = await query(harness, select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "shared_text_opened", AuditEntry.object_id == str(alice_v1)))
    assert audited.scalar_one() == 1

    # v2 quotes the paragraphs; v1 (her own) is in the index but does not count.
    await submit(alice, to_docx(copying("en", source, "quoted", words=1500)), "alice-2.docx")
    await wait_for(lambda: card(harness, sam, 2) is not None
                   and "Shared text" in card(harness, sam, 2).content,
                   what="v2's card edited")
    second = card(harness, sam, 2)
    assert "Shared text: no shared text found" in second.content
    assert "🔎 Shared text" not in second.button_texts()

    # The student: her share in /history, never the other thesis, never the report.
    history = await alice.say("/history")
    assert f"Shared text: {share(result.percent)} %" in history
    assert SOURCE_TITLE not in history and "🔎 v1" not in str(alice.last().button_texts())
    answers = len(harness.emu.callback_answers)
    await harness.emu.click(alice.id, alice.last().message_id, f"sx:{alice_v1}")
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert "not allowed" in (harness.emu.callback_answers[-1][1] or "")
    async with aiohttp.ClientSession() as http:
        url = f"{harness.http}/api/versions/{alice_v1}/shared-text"
        for who, status in ((alice.id, 403), (sam.id, 200), (people["vera"].id, 403),
                            (1, 200)):
            token = await token_for(http, harness.http, harness.emu, who)
            async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as answer:
                body = await answer.read()
                assert answer.status == status, (who, body[:200])
                if status == 200:
                    assert pick(source)[0].rstrip(".").encode() in body
    audited = await query(harness, select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "shared_text_opened", AuditEntry.object_id == str(alice_v1)))
    assert audited.scalar_one() == 3  # the chat, Sam's and Ada's API calls

    # Sam's export carries each version's share.
    assert "your students" in await sam.say("/export")
    before = sam.bot_count
    await sam.click("📊 Students, theses, versions, meetings (CSV + XLSX)", expect=0)
    await wait_for(lambda: len([m for m in harness.emu.bot_messages(sam.id)[before:]
                                if m.document]) >= 3, what="the export's files")
    table = next(m for m in harness.emu.bot_messages(sam.id)[before:]
                 if m.document and m.document["file_name"] == "versions.csv")
    rows = list(csv.DictReader(io.StringIO(harness.emu.file_bytes(
        table.document["file_id"]).decode())))
    assert [(r["version"], r["shared_text_percent"]) for r in rows] \
        == [("1", str(round(result.percent, 1))), ("2", "0.0")]

    # An examiner joins; v3 copies the paragraphs again; Sam approves it and marks the
    # thesis final: the examiner is told, and may open the report.
    student_page = (await open_student(sam, "Alice S"))[-1]
    before = sam.bot_count
    await sam.click("👥 Team", message_id=student_page.message_id)
    await wait_for(lambda: any("Thesis team of" in m.content
                               for m in harness.emu.bot_messages(sam.id)[before:]),
                   what="the team view")
    view = [m for m in harness.emu.bot_messages(sam.id)[before:]
            if "Thesis team of" in m.content][-1]
    link = (await sam.click("Add examiner", message_id=view.message_id))[-1].content
    eve = harness.chat(400, "Eve", "Examiner")
    assert "as examiner" in await eve.say(f"/start {invite_code(link)}")
    await submit(alice, data, "alice-3.docx")
    await wait_for(lambda: card(harness, sam, 3) is not None
                   and "Shared text" in card(harness, sam, 3).content,
                   what="v3's card edited")
    assert expected in card(harness, sam, 3).content  # her own v1 does not count
    await decide(harness, sam, card(harness, sam, 3).message_id, "Approve", None)
    student_page = (await open_student(sam, "Alice S"))[-1]
    before = alice.bot_count
    await sam.click("Mark final", message_id=student_page.message_id)
    # Final once Alice confirms the authorship declaration (issue 30).
    asked = (await alice.expect(1, before))[-1]
    await alice.click("I confirm", message_id=asked.message_id, expect=2)
    await wait_for(lambda: any("final version (v3)" in m.content
                               for m in harness.emu.bot_messages(eve.id)),
                   what="the examiner told")
    alert = [m for m in harness.emu.bot_messages(eve.id) if "final version (v3)" in m.content][-1]
    assert f"shares {share(result.percent)} % of its text" in alert.content
    sent = await eve.click("🔎 Shared text", message_id=alert.message_id)
    assert sent[-1].document is not None
    assert sent[-1].document["file_name"] == "shared-text-v3.html"


async def test_two_workers_check_each_version_once_and_a_hostile_file_stalls_nothing(
        make_bot: BotFactory) -> None:
    harness = await make_bot(diff_timeout_seconds=20)
    process = harness.process
    others = [ComparisonWorker(process.bot, process.deps.session_factory,
                               process.deps.services, process.deps.clock, Texts(),
                               ComparisonConfig(poll_seconds=0.05)) for _ in range(2)]
    calls: Counter[tuple[int, str]] = Counter()
    for worker in [process.comparer, *others]:
        run = worker.pool.run

        async def counting(request: dict[str, Any], run: Any = run) -> dict[str, Any]:
            calls[(int(request["submission_id"]), str(request.get("task", "compare")))] += 1
            return dict(await run(request))

        worker.pool.run = counting  # type: ignore[method-assign]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run(stop)) for worker in others]
    try:
        people = await onboard(harness)
        source = source_thesis("ru", words=1200)
        await submit(people["bob"], to_docx(source), "bob.docx", title=SOURCE_TITLE)
        bob_v1 = await version_id(harness, people["bob"].id, 1)
        await wait_for(lambda: checked(harness, bob_v1), what="Bob's thesis in the index")
        alice = people["alice"]
        # Hostile: an entity bomb, then a text repeating the copied paragraphs 400 times.
        await submit(alice, docx_with(ENTITY_BOMB), "bomb.docx", title="Моя работа")
        flood = copying("ru", source, "plain", words=1200)
        flood.sections[1].paragraphs.extend(pick(source) * 400)
        await submit(alice, to_docx(flood), "flood.docx")
        for version in (3, 4):
            await submit(alice, to_docx(copying("ru", source, "plain", words=1200,
                                                seed=40 + version)), f"v{version}.docx")
        ids = [await version_id(harness, alice.id, v) for v in (1, 2, 3, 4)]
        for version, submission_id in zip((2, 3, 4), ids[1:], strict=True):
            await wait_for(lambda s=submission_id: checked(harness, s), timeout=120,
                           what=f"v{version} checked")
        assert "Slow down" not in await alice.say("/status")
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    assert not await checked(harness, ids[0])  # the bomb has no text to check
    for submission_id in ids[1:]:
        assert calls[(submission_id, "compare")] == 1
        assert calls[(submission_id, "similarity")] == 1
        result = await query(harness, select(VersionSimilarity.summary).where(
            VersionSimilarity.submission_id == submission_id))
        summary = result.scalar_one()
        assert summary is not None and summary["sources"][0]["title"] == SOURCE_TITLE
        assert summary["sources"][0]["passages"] >= 3
    # Every checked version is in the index, once; a reindex from the stored texts
    # (python -m bot similarity-reindex) builds the same index.
    index = select(SimilarityBand.hash, SimilarityBand.submission_id)
    before = set((await query(harness, index)).all())
    assert {sid for _hash, sid in before} == {bob_v1, *ids[1:]}
    await query(harness, delete(SimilarityBand))
    assert await reindex(harness.settings) == (4, len(before))
    assert set((await query(harness, index)).all()) == before
