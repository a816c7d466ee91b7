"""Issue 18 end to end: what changed since the last version, through the Bot API emulator
against PostgreSQL, Redis and S3. v1 then v2 → the supervisor's card is edited with the
summary and gets 🔍 What changed, which sends the HTML; /history shows the same summary;
a scan says it has no text layer; a bomb and a time-out fail their own job while the bot
goes on answering; two workers on one database make each comparison once; a decision made
while a card is being edited with what changed is never painted over."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from typing import Any

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.workers.comparison import ComparisonConfig, ComparisonWorker
from services.compare_jobs import Cards, ComparisonService, Job
from storage.db import create_engine
from storage.models import Submission, VersionComparison, VersionText
from telegram.texts import Texts
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.support.conversation import join
from tests.support.theses import (
    ENTITY_BOMB,
    INSERTED,
    Writer,
    docx_with,
    known_edits,
    many_pages_pdf,
    pdf_and_pages,
    scanned_pdf,
    text_ops_pdf,
    to_pdf,
)

BUTTONS = ["Approve", "Request changes", "Reject", "🗓 Review by…", "🔍 What changed"]


def invite_code(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def onboard(harness: Harness) -> tuple[Chat, Chat]:
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    link = await admin.say("/invite")
    supervisor = harness.chat(100, "Sam", "Supervisor")
    await join(admin, supervisor, invite_code(link))
    code = invite_code(await supervisor.say("/invite 30 2"))
    student = harness.chat(201, "Alice", "A")
    assert "student" in await join(supervisor, student, code)
    return supervisor, student


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


async def wait_for(predicate: Any, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or predicate}")


async def job(harness: Harness, version: int) -> VersionComparison | None:
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with AsyncSession(engine) as session:
            return await session.scalar(
                select(VersionComparison).join(
                    Submission, Submission.id == VersionComparison.submission_id)
                .where(Submission.version == version))
    finally:
        await engine.dispose()


async def count(harness: Harness, model: type) -> int:
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(model)))
                       .scalar_one())
    finally:
        await engine.dispose()


async def metric(harness: Harness, reason: str) -> float:
    async with aiohttp.ClientSession() as http, http.get(f"{harness.http}/metrics") as response:
        body = await response.text()
    pattern = rf'^version_compare_failures_total\{{reason="{reason}"\}} (\S+)$'
    match = re.search(pattern, body, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_card_is_edited_with_the_summary_and_the_button_sends_the_html(
        harness: Harness) -> None:
    edits = known_edits()
    supervisor, student = await onboard(harness)
    old_pdf, old_pages = pdf_and_pages(edits.old)
    new_pdf, new_pages = pdf_and_pages(edits.new)
    assert "Version 1 received" in await submit(student, old_pdf, "thesis.pdf", title="Graphs")
    await wait_for(lambda: card(harness, supervisor, 1), what="card of v1")
    assert "Version 2 received" in await submit(student, new_pdf, "thesis-v2.pdf")

    await wait_for(lambda: card(harness, supervisor, 2) is not None
                   and "What changed" in card(harness, supervisor, 2).content,
                   what="the v2 card edited with the summary")
    edited = card(harness, supervisor, 2)
    delta = new_pages - old_pages
    pages = "±0" if delta == 0 else f"+{delta}" if delta > 0 else f"−{-delta}"
    unit = "page" if abs(delta) == 1 else "pages"  # the catalog's plural
    expected = (f"What changed since v1: {pages} {unit}, +{edits.added:,} words "
                f"(−{edits.removed:,}), ")
    assert expected in edited.content, edited.content
    share = round((edits.added + edits.removed) / (edits.old.words + edits.new.words + 6) * 100)
    assert f"{share} % of the text changed; new section 2.3 Evaluation; changed 1.2, 2.1, " \
           f"3.1; removed 3.2" in edited.content
    assert edited.button_texts() == BUTTONS  # the review buttons stay
    assert edited.edits  # the card sent at once, edited when the summary was ready
    # Until then the card said the comparison was coming.
    assert "Comparing with v1…" in (edited.edits[0].caption or edited.edits[0].text or "")
    assert "Comparing" not in edited.content
    # The card of v1 has nothing to compare with: it only gains its shared-text line.
    await wait_for(lambda: "Shared text" in card(harness, supervisor, 1).content,
                   what="the v1 card's shared-text line")
    first = card(harness, supervisor, 1)
    assert "What changed" not in first.content and "Comparing" not in first.content
    assert "Shared text: no shared text found" in first.content

    sent = await supervisor.click("🔍 What changed", message_id=edited.message_id)
    document = sent[-1].document
    assert document is not None and document["file_name"] == "changes-v1-v2.html"
    page = harness.emu.file_bytes(document["file_id"]).decode()
    assert INSERTED in page.replace("<ins>", "").replace("</ins>", "")
    assert f"<del>{edits.deleted_sentence}</del>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)

    # Stored per version: the texts of both, the summary, the HTML under its own prefix.
    assert await count(harness, VersionText) == 2
    row = await job(harness, 2)
    assert row is not None and row.status == "done" and row.summary is not None
    assert row.html_key is not None and row.html_key.startswith("theses/comparisons/")
    keys = await bucket_keys(harness.settings.s3_endpoint_url or "", harness.settings.s3_bucket
                             or "")
    assert row.html_key in keys

    # The student sees the same summary in /history, and may open the detail too.
    history = await student.say("/history")
    assert expected in history and "new section 2.3 Evaluation" in history
    sent = await student.click("🔍 v2")
    assert sent[-1].document is not None

    # Decided: the closed card keeps the summary.
    await supervisor.click("Approve", message_id=edited.message_id)
    await supervisor.click("Done", message_id=edited.message_id)
    await wait_for(lambda: "Approved" in card(harness, supervisor, 2).content
                   or "approved" in card(harness, supervisor, 2).content.lower(),
                   what="the card closed")
    assert expected in card(harness, supervisor, 2).content


async def test_a_scan_says_it_has_no_text_layer(harness: Harness) -> None:
    supervisor, student = await onboard(harness)
    before = await metric(harness, "no_text")
    await submit(student, scanned_pdf(3), "scan.pdf", title="Scanned")
    await wait_for(lambda: card(harness, supervisor, 1), what="card of v1")
    await submit(student, scanned_pdf(4), "scan-v2.pdf")
    await wait_for(lambda: card(harness, supervisor, 2) is not None
                   and card(harness, supervisor, 2).edits, what="the v2 card edited")
    edited = card(harness, supervisor, 2)
    assert "🔍 no text layer: comparison not available" in edited.content
    assert "What changed" not in edited.content
    assert edited.button_texts() == BUTTONS[:4]
    assert await metric(harness, "no_text") == before + 1


async def status_answers_meanwhile(harness: Harness, student: Chat, version: int) -> float:
    """While the version's job runs in its child, /status is answered at once."""
    await wait_for(lambda: _running(harness, version), what=f"the v{version} job running")
    started = time.perf_counter()
    reply = await student.say("/status")
    took = time.perf_counter() - started
    assert "version" in reply.lower()
    row = await job(harness, version)
    assert row is not None and row.status == "running", "the job should still be running"
    return took


async def _running(harness: Harness, version: int) -> bool:
    row = await job(harness, version)
    return row is not None and row.status == "running"


async def test_a_slow_file_times_out_and_the_child_is_replaced(make_bot: BotFactory) -> None:
    harness = await make_bot(diff_timeout_seconds=1.5)
    supervisor, student = await onboard(harness)
    writer = Writer(seed=5)
    thesis = writer.thesis(1500, chapters=2, per_chapter=2)
    await submit(student, to_pdf(thesis), "thesis.pdf", title="Slow")
    await wait_for(lambda: card(harness, supervisor, 1), what="card of v1")
    await wait_for(lambda: _done(harness, 1), what="v1 extracted")
    started_children = harness.process.comparer.pool.started
    before = await metric(harness, "timeout")

    await submit(student, many_pages_pdf(1000, 20_000), "slow.pdf")
    took = await status_answers_meanwhile(harness, student, 2)
    assert took < 2.0
    await wait_for(lambda: _done(harness, 2), what="v2 given up")
    row = await job(harness, 2)
    assert row is not None and row.reason == "timeout" and row.summary is None
    assert await metric(harness, "timeout") == before + 1
    # The card no longer says a comparison is coming (nothing dangles).
    await wait_for(lambda: card(harness, supervisor, 2) is not None
                   and "Comparing" not in card(harness, supervisor, 2).content,
                   what="the v2 card without the comparing line")

    # The killed child was replaced: the next version is read as usual (its comparison with
    # v2, which has no text, is not available; v2's file is not read again).
    await submit(student, to_pdf(writer.revise(thesis, 0.05)), "thesis-v3.pdf")
    await wait_for(lambda: _done(harness, 3), what="v3 read")
    row = await job(harness, 3)
    assert row is not None and row.reason == "base_failed"
    assert await count(harness, VersionText) == 2  # v1 and v3
    assert harness.process.comparer.pool.started == started_children + 1


async def _done(harness: Harness, version: int) -> bool:
    row = await job(harness, version)
    return row is not None and row.status in ("done", "failed", "editing") \
        and row.finished_at is not None


async def test_bombs_fail_their_own_job_and_the_bot_answers(make_bot: BotFactory) -> None:
    harness = await make_bot(diff_memory_mb=256)
    _supervisor, student = await onboard(harness)
    before = {reason: await metric(harness, reason) for reason in ("xml_forbidden", "memory",
                                                             "crashed")}
    await submit(student, docx_with(ENTITY_BOMB), "bomb.docx", title="Bombs")
    await wait_for(lambda: _done(harness, 1), what="the entity bomb's job")
    row = await job(harness, 1)
    assert row is not None and row.reason == "xml_forbidden"
    assert await metric(harness, "xml_forbidden") == before["xml_forbidden"] + 1

    # More memory than the child may have: the child dies (or raises), nobody else does.
    await submit(student, text_ops_pdf(1_500_000), "memory.pdf")
    took = await status_answers_meanwhile(harness, student, 2)
    assert took < 2.0
    await wait_for(lambda: _done(harness, 2), timeout=60, what="the memory bomb's job")
    row = await job(harness, 2)
    assert row is not None and row.reason in ("memory", "crashed"), row.reason
    assert await metric(harness, row.reason) == before[row.reason] + 1
    assert "Slow down" not in await student.say("/status")


async def test_two_workers_on_one_database_compare_each_version_once(
        make_bot: BotFactory) -> None:
    harness = await make_bot()
    process = harness.process
    others = [ComparisonWorker(process.bot, process.deps.session_factory,
                               process.deps.services, process.deps.clock, Texts(),
                               ComparisonConfig(poll_seconds=0.05)) for _ in range(2)]
    calls: Counter[int] = Counter()
    for worker in [process.comparer, *others]:
        run = worker.pool.run

        async def counting(request: dict[str, Any], run: Any = run) -> dict[str, Any]:
            calls[int(request["submission_id"])] += 1
            return dict(await run(request))

        worker.pool.run = counting  # type: ignore[method-assign]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run(stop)) for worker in others]
    try:
        supervisor, student = await onboard(harness)
        writer = Writer(seed=9)
        thesis = writer.thesis(1200, chapters=2, per_chapter=2)
        await submit(student, to_pdf(thesis), "v1.pdf", title="Twice?")
        for version in range(2, 6):
            thesis = writer.revise(thesis, 0.1)
            await submit(student, to_pdf(thesis), f"v{version}.pdf")
        for version in range(2, 6):
            # Three workers' children on two cores under a loaded suite: time, not a defect.
            await wait_for(lambda v=version: card(harness, supervisor, v) is not None
                           and "What changed" in card(harness, supervisor, v).content,
                           timeout=120, what=f"v{version} card edited")
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    assert sorted(calls.values()) == [1] * 5, calls
    assert await count(harness, VersionText) == 5
    keys = await bucket_keys(harness.settings.s3_endpoint_url or "",
                             harness.settings.s3_bucket or "")
    assert len([key for key in keys if key.startswith("theses/comparisons/")]) == 4


async def test_a_decision_during_the_cards_edit_waits_and_is_not_painted_over(
        harness: Harness) -> None:
    """The worker read "undecided" and is editing the card when the supervisor presses
    Approve: the decision waits for the edit (the thesis row's lock), then edits the card
    itself, so the card ends approved, without the review buttons."""
    supervisor, student = await onboard(harness)
    edits = known_edits()
    await submit(student, pdf_and_pages(edits.old)[0], "thesis.pdf", title="Locks")
    await submit(student, pdf_and_pages(edits.new)[0], "thesis-v2.pdf")
    await wait_for(lambda: card(harness, supervisor, 2) is not None
                   and "What changed" in card(harness, supervisor, 2).content,
                   timeout=120, what="the v2 card edited with the summary")
    row = await job(harness, 2)
    assert row is not None
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow_edit(cards: Cards) -> list[int]:
        entered.set()
        await release.wait()
        return []

    deps = harness.process.deps
    again = Job(row.submission_id, row.attempts, row.status, row.created_at)
    async with deps.session_factory() as session:
        editing = asyncio.create_task(
            ComparisonService(session, deps.services).edit_cards(again, slow_edit))
        await asyncio.wait_for(entered.wait(), 10)
        before = supervisor.bot_count
        pressed = asyncio.create_task(
            supervisor.click("Approve", message_id=card(harness, supervisor, 2).message_id))
        await asyncio.sleep(1.0)
        assert supervisor.bot_count == before, "the decision did not wait for the edit"
        release.set()
        await editing
        answer = (await pressed)[-1].content
    assert "Approved: version 2" in answer
    decided = card(harness, supervisor, 2)
    assert "approved by Sam Supervisor" in decided.content
    assert "Approve" not in decided.button_texts()
    # The worker comes back to it: decided, so its edit is not even called.
    async with deps.session_factory() as session:
        cards, edited = await ComparisonService(session, deps.services).edit_cards(
            again, slow_edit)
    assert cards.decided and edited == []
