"""The review desk in real Chromium (Debian's, headless) against the real bot on PostgreSQL,
Redis and S3, in English and in Russian, one journey per language:

the supervisor opens v1 in the desk (pdf.js, streamed with range requests), selects a
sentence on page 2 and another one, comments on each, and requests changes from the desk;
the student gets "p. 2 «…» — comment" in the chat and sees the highlights in the desk; v2
rewrites the first sentence and keeps the second: the v2 card says one passage changed and
one unchanged, and so does the desk; the timeline shows every kind of event; axe-core finds
nothing critical or serious on any of these screens, in the light and the dark theme; the
page breaks no rule of its Content-Security-Policy. Screenshots: ``test-artifacts/desk/``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.db import create_engine, create_session_factory
from storage.models import AuditEntry, ExaminerGrade, Meeting, MeetingParticipant, Milestone, Thesis
from telegram.texts import Texts
from tests.conftest import ARTIFACTS, BotFactory, Chat, Harness
from tests.support.axe import assert_accessible
from tests.support.browser import browser_page
from tests.support.desk import CLAIM, METHOD, thesis_v1, thesis_v2
from tests.support.webapp import webapp_settings
from tests.test_desk_api import invite_code
from tests.test_threads import recorded
from tgemu import launch_hash

SCREENSHOTS = ARTIFACTS / "desk"
PHONE = {"width": 390, "height": 844}
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499",
        "link_color": "#6ab3f3", "button_color": "#5288c1", "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c"}
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""
# Select the sentence in page N's text layer, as a person dragging over it would.
SELECT = """([page, sentence]) => {
  const layer = document.querySelector(`.page[data-page="${page}"] .textLayer`);
  const nodes = [];
  const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) nodes.push(walker.currentNode);
  let text = "";
  const starts = nodes.map((n) => { const at = text.length; text += n.data; return at; });
  const squeeze = (s) => s.replace(/\\s+/g, "");
  const flat = squeeze(text), wanted = squeeze(sentence);
  const index = flat.indexOf(wanted);
  if (index < 0) return false;
  // Map positions in the squeezed text back to the text nodes.
  const place = (target) => {
    let seen = 0;
    for (let i = 0; i < nodes.length; i++) {
      const data = nodes[i].data;
      for (let j = 0; j < data.length; j++) {
        if (/\\s/.test(data[j])) continue;
        if (seen === target) return [nodes[i], j];
        seen++;
      }
    }
    return null;
  };
  const [startNode, startOffset] = place(index);
  const [endNode, endOffset] = place(index + wanted.length - 1);
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset + 1);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  layer.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  return true;
}"""

TEXT = {
    "en": {"claim": "Which survey? Cite it.", "method": "Why forty epochs?",
           "decision": "Good start, see my comments on the passages.",
           "card": "Anchored comments: 1 passage changed, 1 passage unchanged",
           "passages": "1 commented passage changed, 1 commented passage unchanged",
           "where": "p. 2"},
    "ru": {"claim": "Какой опрос? Дайте ссылку.", "method": "Почему сорок эпох?",
           "decision": "Хорошее начало, посмотрите мои комментарии к фрагментам.",
           "card": "Комментарии к фрагментам: 1 фрагмент изменён, 1 фрагмент не изменился",
           "passages": "1 прокомментированный фрагмент изменён, "
                       "1 прокомментированный фрагмент не изменился",
           "where": "с. 2"},
}


def version_card(harness: Harness, supervisor: Chat, version: int, language: str) -> str | None:
    word = "версия" if language == "ru" else "version"
    found = [m for m in harness.emu.bot_messages(supervisor.id)
             if m.document and f"— {word} {version}" in m.content]
    return found[-1].content if found else None


async def onboard(harness: Harness, language: str) -> tuple[Chat, Chat]:
    admin = harness.chat(1, "Ada", "Admin", language_code=language)
    await admin.say("/start")
    link = await admin.say("/invite")
    sam = harness.chat(100, "Sam", "Supervisor", language_code=language)
    await sam.say(f"/start {invite_code(link)}")
    code = invite_code(await sam.say("/invite 30 2"))
    alice = harness.chat(201, "Alice", "A", language_code=language)
    await alice.say(f"/start {code}")
    return sam, alice


async def submit(student: Chat, data: bytes, name: str, title: str | None = None) -> None:
    await student.say("/submit")
    if title is not None:
        await student.say(title)
    await student.upload(data, name)
    await student.say("/skip")


async def every_other_event(harness: Harness) -> None:
    """What the chat's other features write (a milestone, a meeting, the examiner's grade,
    final and reopen), written straight into the database for the timeline."""
    now = datetime.now(UTC)
    engine = create_engine(harness.settings.effective_database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            thesis = (await session.execute(Thesis.__table__.select())).first()
            assert thesis is not None
            meeting = Meeting(supervisor_id=100, title="Chapter 2", starts_at=now - timedelta(hours=5),
                              place="Room 101", time_set_at=now, notes="Agreed on the plan.",
                              created_at=now)
            session.add_all([
                Milestone(supervisor_id=100, student_id=201, title="Full draft",
                          due_at=now + timedelta(days=14), created_at=now),
                meeting,
                ExaminerGrade(thesis_id=thesis.id, examiner_id=1, grade=88,
                              report="A careful study.", created_at=now - timedelta(hours=2)),
                AuditEntry(actor_id=100, action="thesis.finalize", object_type="thesis",
                           object_id=str(thesis.id), details={}, created_at=now - timedelta(hours=3)),
                AuditEntry(actor_id=100, action="thesis.reopen", object_type="thesis",
                           object_id=str(thesis.id), details={}, created_at=now - timedelta(hours=1)),
            ])
            await session.flush()
            session.add(MeetingParticipant(meeting_id=meeting.id, student_id=201))
    finally:
        await engine.dispose()


class App:
    def __init__(self, page: Any, harness: Harness, language: str) -> None:
        from playwright.async_api import expect

        self.page, self.harness, self.expect, self.language = page, harness, expect, language

    async def open_as(self, user_id: int, theme: dict[str, str] | None = None) -> None:
        init_data = self.harness.emu.web_app_init_data(user_id)
        await self.page.goto("about:blank")
        await self.page.goto(f"{self.harness.http}/app/#{launch_hash(init_data, theme)}")
        await self.expect(self.page.locator("body")).to_have_attribute(
            "data-role", "student" if user_id == 201 else "supervisor")
        await self.expect(self.page.locator("html")).to_have_attribute("lang", self.language)

    async def check(self, name: str) -> None:
        """axe-core clean here, no CSP violation, and a screenshot."""
        await self.page.wait_for_timeout(150)
        await assert_accessible(self.page, f"{name} ({self.language})")
        assert await self.page.evaluate("window.__cspViolations") == []
        await self.page.screenshot(path=str(SCREENSHOTS / f"{self.language}-{name}.png"))

    async def desk_ready(self) -> None:
        await self.expect(self.page.locator("#desk")).to_have_attribute("data-ready", "true")
        await self.expect(self.page.locator('.page[data-page="1"]')).to_have_attribute(
            "data-drawn", "true")

    async def page_drawn(self, n: int) -> None:
        await self.page.locator(f'.page[data-page="{n}"]').scroll_into_view_if_needed()
        await self.expect(self.page.locator(f'.page[data-page="{n}"]')).to_have_attribute(
            "data-drawn", "true")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_desk_journey(make_bot: BotFactory, tmp_path: Path, language: str) -> None:
    harness = await make_bot(flood_rate=1000, **webapp_settings())
    t = Texts(language)
    text = TEXT[language]
    sam, alice = await onboard(harness, language)
    await submit(alice, thesis_v1(), "thesis.pdf", title="Graph Networks and Cats")
    await harness.emu.wait_until(lambda: version_card(harness, sam, 1, language) is not None)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async with browser_page("about:blank", tmp_path / "profile", init_script=WATCH_CSP,
                            viewport=PHONE) as page:
        app = App(page, harness, language)
        expect = app.expect
        files: list[str] = []
        page.on("response", lambda r: files.append(r.headers.get("accept-ranges", ""))
                if "/file" in r.url else None)

        # The supervisor: the students, Alice's timeline, v1 in the desk.
        await app.open_as(100)
        await expect(page.locator("#tabs button").first).to_have_text(t("app.tab_students"))
        assert not await page.evaluate("!!window.Desk")  # the desk is not loaded up front
        await page.locator("#students-table tbody tr").first.click()
        await page.locator('.tl-item[data-kind="version"] .open-desk').first.click()
        await app.desk_ready()
        assert await page.evaluate("!!window.Desk")
        await app.page_drawn(2)
        # pdf.js may read by ranges (it does on a file over two chunks: the bench's 300 pages).
        assert files and files[0] == "bytes", files
        await expect(page.locator("#desk-page")).to_contain_text("3")

        # Select a sentence on page 2, comment; the same for the second one.
        for sentence, comment in ((CLAIM, text["claim"]), (METHOD, text["method"])):
            assert await page.evaluate(SELECT, [2, sentence])
            await expect(page.locator("#comment-form")).to_be_visible()
            await expect(page.locator("#comment-quote")).to_contain_text(sentence[:20])
            if sentence == CLAIM:
                await app.check("1-comment-form")
            await page.fill("#comment-text", comment)
            await page.locator("#comment-save").click()
            await expect(page.locator("#comment-form")).to_be_hidden()
        await expect(page.locator("#anchors .anchor")).to_have_count(2)
        await expect(page.locator('.page[data-page="2"] .mark.draft').first).to_be_visible()
        # Zoom, thumbnails and find work.
        await page.locator("#desk-zoom-in").click()
        await expect(page.locator("#desk-zoom")).to_have_text("125%")
        await page.locator("#desk-zoom-out").click()
        await page.locator("#desk-thumbs-toggle").click()
        await expect(page.locator("#desk-thumbs .thumb")).to_have_count(3)
        await page.fill("#desk-find", "sixteen hours")
        await page.locator("#desk-find-go").click()
        await expect(page.locator("#desk-status")).to_contain_text("2")
        await page.locator("#desk-thumbs-toggle").click()
        await app.check("2-desk-with-comments")

        # Request changes from the desk.
        before = alice.bot_count
        await page.fill("#decision-comment", text["decision"])
        await page.locator("#decide-changes_requested").click()
        await expect(page.locator("#desk-decision")).to_be_hidden()
        await expect(page.locator("#anchors .anchor").first).to_contain_text(t("app.desk_open"))
        await app.check("3-decided")

    # The student's chat: each comment as "p. 2 «…» — comment", to tick at the next /submit.
    await alice.emu.wait_until(lambda: any(f"«{CLAIM}»" in m.content
                                           for m in alice.emu.bot_messages(alice.id)[before:]))
    notice = next(m for m in alice.emu.bot_messages(alice.id)[before:] if CLAIM in m.content)
    assert f"1. p. 2 «{CLAIM}» — {text['claim']}" in notice.content
    assert f"2. p. 2 «{METHOD}» — {text['method']}" in notice.content
    assert text["decision"] in notice.content
    # The student replies in the chat: a thread message on v1.
    for _ in range(100):
        if await recorded(harness, alice.id, notice.message_id):
            break
        await asyncio.sleep(0.05)
    await alice.emu.send_text(alice.id, "Thank you, on it.", reply_to_message_id=notice.message_id)

    async with browser_page("about:blank", tmp_path / "profile2", init_script=WATCH_CSP,
                            viewport=PHONE) as page:
        app = App(page, harness, language)
        expect = app.expect
        # The student sees the highlights at their place, in the dark theme too.
        for theme, name in ((None, "4-student-desk"), (DARK, "5-student-desk-dark")):
            await app.open_as(201, theme)
            await page.locator('.tl-item[data-kind="version"] .open-desk').first.click()
            await app.desk_ready()
            await app.page_drawn(2)
            await expect(page.locator('.page[data-page="2"] .mark.sent').first).to_be_visible()
            await expect(page.locator("#anchors .anchor")).to_have_count(2)
            await expect(page.locator("#desk-decision")).to_be_hidden()
            await app.check(name)

    # v2: the first sentence rewritten, the second kept; the student ticks in the chat.
    await alice.say("/submit")
    ask = (await alice.upload(thesis_v2(), "thesis-v2.pdf"))[-1]
    assert ask.button_texts()[0].startswith("⬜ p. 2 «")
    await alice.click(t("checklist.done"), message_id=ask.message_id)
    await alice.say("/skip")
    await harness.emu.wait_until(lambda: text["card"] in (version_card(harness, sam, 2, language) or ""),
                                 timeout=60)
    await every_other_event(harness)

    async with browser_page("about:blank", tmp_path / "profile3", init_script=WATCH_CSP,
                            viewport=PHONE) as page:
        app = App(page, harness, language)
        expect = app.expect
        for theme, name in ((None, "6-timeline"), (DARK, "7-timeline-dark")):
            await app.open_as(100, theme)
            await page.locator("#students-table tbody tr").first.click()
            items = page.locator("#timeline .tl-item")
            await expect(items.first).to_be_visible()
            kinds = set(await items.evaluate_all("(n) => n.map((e) => e.dataset.kind)"))
            assert kinds == {"version", "decision", "milestone", "meeting", "examiner",
                             "finalize", "reopen"}, kinds
            parts = set(await page.locator("#timeline [data-part]").evaluate_all(
                "(n) => n.map((e) => e.dataset.part)"))
            assert parts == {"changes", "thread", "checklist"}, parts
            await expect(page.locator('[data-part="changes"]')).to_contain_text(text["passages"])
            await expect(page.locator('[data-part="thread"]')).to_contain_text("Thank you, on it.")
            await expect(page.locator('[data-part="checklist"]').first).to_contain_text(
                f"p. 2 «{CLAIM}» — {text['claim']}")
            await app.check(name)
        # v2 in the desk: the earlier comments, found in it.
        await page.locator('.tl-item[data-kind="version"] .open-desk').first.click()
        await app.desk_ready()
        located = page.locator("#anchors-located .anchor")
        await expect(located).to_have_count(2)
        await expect(located.nth(0)).to_have_attribute("data-state", "changed")
        await expect(located.nth(1)).to_have_attribute("data-state", "unchanged")
        await expect(located.nth(0)).to_contain_text(t("app.desk_passage_changed", page=2))
        await app.check("8-v2-desk")
