"""The Mini App in real Chromium (Debian's, headless) against the real bot on PostgreSQL,
Redis and S3, opened as Telegram opens it (signed init data in the URL hash), on a phone-
sized screen: a student's timeline, a supervisor's table, queue and chart, an admin's charts.
Screenshots go to ``test-artifacts/webapp/``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, BotFactory, Harness
from tests.support.axe import assert_accessible
from tests.support.browser import browser_page
from tests.support.webapp import (
    ADMIN,
    ALICE,
    ALICE_TITLE,
    SAM,
    Seeded,
    register,
    seed_university,
    webapp_settings,
)
from tgemu import launch_hash

SCREENSHOTS = ARTIFACTS / "webapp"
PHONE = {"width": 390, "height": 844}
# The page reports any Content-Security-Policy violation here (none may happen).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""
# A canvas counts as drawn when some of its pixels are not transparent.
CANVAS_INK = """(id) => {
  const c = document.getElementById(id);
  if (!c || !c.width || !c.height) return 0;
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
  return ink;
}"""


@pytest.fixture
async def web(make_bot: BotFactory, db: str, bucket: str, s3_endpoint: str,
              ) -> tuple[Harness, Seeded]:
    seeded = await seed_university(db, bucket, s3_endpoint)
    harness = await make_bot(admin_ids=[ADMIN], **webapp_settings())
    register(harness.emu)
    return harness, seeded


class MiniApp:
    def __init__(self, page: Any, harness: Harness) -> None:
        from playwright.async_api import expect

        self.page, self.harness, self.expect = page, harness, expect

    async def open_as(self, user_id: int) -> None:
        init_data = self.harness.emu.web_app_init_data(user_id)
        await self.page.goto("about:blank")
        await self.page.goto(f"{self.harness.http}/app/#{launch_hash(init_data)}")
        await self.expect(self.page.locator("body")).to_have_attribute("data-role", "student"
                                                                       if user_id == ALICE
                                                                       else "supervisor"
                                                                       if user_id == SAM
                                                                       else "admin")

    async def drawn(self, canvas_id: str) -> None:
        canvas = self.page.locator(f"#{canvas_id}")
        await self.expect(canvas).to_have_attribute("data-drawn", "true")
        ink = await self.page.evaluate(CANVAS_INK, canvas_id)
        assert ink > 100, (canvas_id, ink)

    async def shot(self, name: str) -> None:
        """A screenshot, after axe-core found no critical or serious violation there."""
        await self.page.wait_for_timeout(100)
        await assert_accessible(self.page, name)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    async def no_csp_violations(self) -> None:
        assert await self.page.evaluate("window.__cspViolations") == []


async def test_student_supervisor_and_admin_dashboards(web: tuple[Harness, Seeded],
                                                       tmp_path: Path) -> None:
    harness, seeded = web
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with browser_page("about:blank", tmp_path / "profile", init_script=WATCH_CSP,
                            viewport=PHONE) as page:
        app = MiniApp(page, harness)
        expect = app.expect

        # The student: the whole timeline, newest first, with the decision and the grade.
        await app.open_as(ALICE)
        await expect(page.locator("#thesis-head h2")).to_have_text(ALICE_TITLE)
        items = page.locator("#timeline .tl-item")
        await expect(items).to_have_count(5)  # 2 versions, 1 decision, 2 milestones
        await expect(items.first).to_contain_text("Milestone due: Full draft")
        decision = page.locator('.tl-item[data-kind="decision"]')
        await expect(decision).to_contain_text("Changes requested — version 1")
        await expect(decision.locator(".comment")).to_have_text("Expand chapter 2, please.")
        await expect(decision.locator(".grade")).to_have_text("Grade: 71")
        async with page.expect_download() as download_info:
            await page.locator('.tl-item[data-kind="version"] .download').last.click()
        download = await download_info.value
        assert download.suggested_filename == "thesis-v1.pdf"
        data = await asyncio.to_thread(Path(await download.path()).read_bytes)
        assert data == seeded.alice_v1_bytes
        # Narrow screen: nothing wider than the phone.
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await app.no_csp_violations()
        await app.shot("1-student-timeline")

        # The supervisor: the table (sortable, filtered), the chart, a timeline, the queue.
        await app.open_as(SAM)
        rows = page.locator("#students-table tbody tr")
        await expect(rows).to_have_count(2)
        await expect(rows.first).to_contain_text("Alice A")
        await expect(rows.first.locator("td").nth(3)).to_have_text("3")  # days waiting
        await page.locator('#students-table th[data-key="days_waiting"] button').click()
        await page.locator('#students-table th[data-key="days_waiting"] button').click()
        await expect(page.locator('th[data-key="days_waiting"]')).to_have_attribute(
            "aria-sort", "descending")
        await expect(rows.first).to_contain_text("Alice A")
        await page.locator('#students-table th[data-key="name"] button').click()
        await page.locator('#students-table th[data-key="name"] button').click()
        await expect(rows.first).to_contain_text("Bob B")  # by name, descending
        await app.drawn("chart-submissions")
        await app.shot("2-supervisor-students")
        await page.select_option("#status-filter", "submitted")
        await expect(page.locator("#students-total")).to_have_text("1 student")
        await expect(rows).to_have_count(1)
        await rows.first.click()
        await expect(page.locator("#thesis-head h2")).to_have_text(ALICE_TITLE)
        await expect(page.locator("#timeline .tl-item")).to_have_count(5)
        await expect(page.locator("#back")).to_be_visible()
        await app.shot("3-supervisor-student-timeline")
        await page.locator("#back").click()
        await expect(page.locator("#students-table")).to_be_visible()
        await page.locator('#tabs button[data-tab="queue"]').click()
        await expect(page.locator("#queue .queue-item")).to_have_count(1)
        await expect(page.locator("#queue")).to_contain_text(f"{ALICE_TITLE} — version 2")
        await app.no_csp_violations()
        await app.shot("4-supervisor-queue")

        # The admin: figures and three charts.
        await app.open_as(ADMIN)
        await expect(page.locator("#figures")).to_contain_text("3students")
        for chart in ("chart-weeks", "chart-turnaround", "chart-waiting"):
            await app.drawn(chart)
        await page.locator('#tabs button[data-tab="students"]').click()
        await expect(page.locator("#students-table tbody tr")).to_have_count(3)
        await page.locator('#tabs button[data-tab="charts"]').click()
        await app.drawn("chart-weeks")
        await app.no_csp_violations()
        await app.shot("5-admin-charts")

        # The admin imports a roster from the Mini App: the preview, then Import.
        from tests.support.roster import department

        roster = department(2, 4, 1)
        await page.locator("#roster-file").set_input_files(files=[{
            "name": "roster.csv", "mimeType": "text/csv", "buffer": roster.csv()}])
        result = page.locator("#roster-result")
        await expect(result).to_contain_text("2 supervisors and 4 students to create.")
        await expect(result).to_contain_text("Row 8: unknown supervisor")
        await page.locator("#roster-import").click()
        await expect(result).to_contain_text("Roster imported")
        await app.no_csp_violations()


async def test_a_bad_signature_shows_an_error_not_data(web: tuple[Harness, Seeded],
                                                       tmp_path: Path) -> None:
    harness, _seeded = web
    tampered = harness.emu.web_app_init_data(ALICE).replace("Alice", "Mallory")
    async with browser_page(f"{harness.http}/app/#{launch_hash(tampered)}",
                            tmp_path / "profile", viewport=PHONE) as page:
        from playwright.async_api import expect

        await expect(page.locator("#error")).to_contain_text("not signed by this bot")
        await assert_accessible(page, "the error page")
        await expect(page.locator("#timeline")).to_have_count(0)
        assert ALICE_TITLE not in await page.content()
