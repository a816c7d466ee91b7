"""Issue 34, the guide per role: its pictures are screenshots of the sandbox taken here, in
each page's language, written where the app serves them from (``docs/guide/<lang>/img/``,
which is also what the repository keeps: this test refreshes the committed copies, leaving
a copy as it is when this run's shot shows the same but for a clock or a code). Then, in
the same run, every page is fetched from the bot's own HTTP port in both languages: its
headings, and every picture it shows answering 200 image/png with the very bytes taken a
moment ago; and axe-core finds nothing serious on any page.

One sandbox, one browser, English first (Ada, Sam, Alice), then Russian (Ada after
/language, Мария Петрова and Дарья Иванова, whose Telegram apps are in Russian). Four Mini
App openings in all: the app allows five logins a minute from one address.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
from pathlib import Path
from urllib.parse import urljoin

import aiohttp

from api import markdown
from sandbox.app import ADMIN_ID, Sandbox
from services.guide import GUIDE_PAGES
from tests.documents import pdf
from tests.support.axe import assert_accessible
from tests.support.browser import browser_page
from tests.test_sandbox import Ui

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide"
LANGUAGES = ("en", "ru")
SAM, ALICE, DASHA = 2001, 3001, 3004
MARIA = 5101
VIEWPORT = {"width": 1000, "height": 820}
# A screenshot worth showing: a real PNG, neither a sliver nor a whole screen's photo.
MIN_SIDE, MIN_BYTES, MAX_BYTES = 200, 4_000, 600_000
# A shot differing from the kept picture in fewer pixels than this share shows the same: the
# clocks and dates of the messages differ in about 0.03 % (a /help), 0.15 % (a card) or 0.25 %
# (a submission) of the pixels; an invite's random code and link in about 2 %. A smaller
# change of the product (a few characters) leaves the old picture: delete it to retake it.
CHANGED_SHARE = 0.004
INVITE_CHANGED_SHARE = 0.025
TITLE = {"en": "Graph Neural Networks", "ru": "Графовые нейронные сети"}
NOTE = {"en": "First full draft", "ru": "Первый полный черновик"}
REPLY = {
    "help": {"en": "Guide", "ru": "Руководство"},
    "ask_title": {"en": "title of your thesis", "ru": "Как называется ваша работа"},
    "ask_note": {"en": "short note", "ru": "короткое сообщение"},
    "received": {"en": "Version 1 received", "ru": "Версия 1 получена"},
    "invite": {"en": "Invite for a new supervisor",
               "ru": "Приглашение для нового пользователя с ролью «научный руководитель»"},
    "supervisor": {"en": "You are registered as a supervisor",
                   "ru": "Вы зарегистрированы как научный руководитель"},
    "student": {"en": "You are registered as a student", "ru": "Вы зарегистрированы как студент"},
}


def referenced() -> dict[tuple[str, str], list[str]]:
    """The pictures each page shows, read from its Markdown as the app reads it."""
    return {(language, page): markdown.images(markdown.parse(
                (GUIDE / language / f"{page}.md").read_text(encoding="utf-8")))
            for language in LANGUAGES for page in GUIDE_PAGES}


def same_picture(kept: bytes, shot: bytes, share: float) -> bool:
    """The same picture but for a clock, a date or a random invite code: the same size, and
    under ``share`` of the pixels visibly different."""
    from PIL import Image, ImageChops

    old, new = (Image.open(io.BytesIO(data)).convert("RGB") for data in (kept, shot))
    if old.size != new.size:
        return False
    changed = ImageChops.difference(old, new).convert("L").point(lambda v: 255 if v > 24 else 0)
    return changed.histogram()[255] < share * old.size[0] * old.size[1]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class Shots:
    """Screenshots of the open chat's last messages, or of the Mini App, into the guide."""

    def __init__(self, ui: Ui) -> None:
        self.ui, self.page = ui, ui.page
        self.taken: set[Path] = set()
        self.confirmed: set[Path] = set()  # kept: this run's shot showed the same

    def save(self, language: str, name: str, data: bytes,
             share: float = CHANGED_SHARE) -> None:
        """Write the shot into the guide, unless the picture there already shows the same
        thing (see ``same_picture``): then it stays, so that a run on an unchanged product
        leaves the repository's copies as they are."""
        path = GUIDE / language / "img" / f"{name}.png"
        self.taken.add(path)
        if path.exists() and same_picture(path.read_bytes(), data, share):
            self.confirmed.add(path)
        else:
            path.write_bytes(data)

    async def messages(self, language: str, name: str, count: int,
                       tallest: int = 420, share: float = CHANGED_SHARE) -> None:
        """The last ``count`` messages of the chat (what was sent and what came back), at
        most ``tallest`` pixels of them, from the bottom."""
        await self.page.wait_for_timeout(200)  # the chat scrolls to its end
        messages = self.page.locator("#messages .msg")
        total = await messages.count()
        boxes = [await messages.nth(i).bounding_box()
                 for i in range(max(0, total - count), total)]
        area = await self.page.locator("#messages").bounding_box()
        assert area is not None and all(boxes)
        bottom = min(area["y"] + area["height"], max(b["y"] + b["height"] for b in boxes) + 10)
        top = max(area["y"], min(b["y"] for b in boxes) - 10, bottom - tallest)
        self.save(language, name, await self.page.screenshot(clip={
            "x": area["x"], "y": top, "width": area["width"], "height": bottom - top}), share)

    async def mini_app(self, language: str, name: str, chat_id: int, ready: str) -> None:
        """The person's Mini App, opened from the chat's header, once ``ready`` shows."""
        await self.ui.open(chat_id)
        await self.page.click("#dashboard-btn")
        frame = self.page.frame_locator("#webapp-frame")
        await self.ui.expect(frame.locator(ready).first).to_be_visible()
        # The header's link to the guide of the person's role, in their language.
        guide = frame.locator("#guide")
        await self.ui.expect(guide).to_be_visible()
        href = await guide.get_attribute("href") or ""
        assert href.endswith(f"/miniapp/guide/{name.split('-')[0]}?lang={language}"), href
        await self.page.wait_for_timeout(300)  # charts finish their animation
        self.save(language, name, await self.page.locator("#webapp-frame").screenshot())
        await self.page.click("#webapp-close")


async def help_with_guide(ui: Ui, shots: Shots, sandbox: Sandbox, chat_id: int,
                          language: str, page: str) -> None:
    await ui.open(chat_id)
    await ui.say("/help", "/language")
    button = ui.bot().last.locator(".inline-btn.url")
    await ui.expect(button).to_have_text(REPLY["help"][language])
    [[sent]] = sandbox.emulator.last_bot_message(chat_id).to_dict()["reply_markup"][
        "inline_keyboard"]
    base = sandbox.process.settings.effective_public_base_url
    assert sent["url"] == f"{base}/guide/{page}?lang={language}"
    await shots.messages(language, f"{page}-help", 1)


async def submit(ui: Ui, shots: Shots, language: str, document: Path) -> None:
    await ui.say("/submit", REPLY["ask_title"][language])
    await ui.say(TITLE[language], "PDF")
    await ui.upload(document, REPLY["ask_note"][language])
    await ui.say(NOTE[language], REPLY["received"][language])
    await shots.messages(language, "student-submit", 6)


async def take_pictures(sandbox: Sandbox, ui: Ui, shots: Shots, tmp_path: Path) -> None:
    expect = ui.expect
    document = tmp_path / "thesis.pdf"
    document.write_bytes(pdf("a thesis for the guide"))

    # English: the admin invites Sam, Sam invites Alice, Alice sends a version.
    await ui.open(ADMIN_ID)
    await ui.say("/start", "You are an administrator")
    await ui.say("/invite", REPLY["invite"]["en"])
    await shots.messages("en", "admin-invite", 2, share=INVITE_CHANGED_SHARE)
    await ui.open_invite_as(SAM, REPLY["supervisor"]["en"])
    await ui.say("/invite", "Invite for a new student")
    await ui.open_invite_as(ALICE, REPLY["student"]["en"])
    await submit(ui, shots, "en", document)
    await ui.open(SAM)
    card = await ui.card(TITLE["en"], 1)
    await expect(card.locator(".inline-btn")).to_have_count(4)
    await shots.messages("en", "supervisor-card", 1)
    for chat_id, name in ((ALICE, "student"), (SAM, "supervisor"), (ADMIN_ID, "admin")):
        await help_with_guide(ui, shots, sandbox, chat_id, "en", name)
    await shots.mini_app("en", "student-dashboard", ALICE, "#thesis-head h2")
    await shots.mini_app("en", "supervisor-dashboard", SAM, '#chart-submissions[data-drawn]')
    await ui.open(ADMIN_ID)
    await ui.say("/stats", "Statistics")
    await shots.messages("en", "admin-stats", 2)

    # Russian: Ada switches, Мария (her app in Russian) joins and invites Дарья.
    sandbox.add_person("Мария", "Петрова", MARIA, "supervisor", language_code="ru")
    sandbox.broadcast_people()
    await expect(ui.item(MARIA)).to_have_count(1)
    await ui.open(ADMIN_ID)
    await ui.say("/language", "language")
    await ui.bot().last.get_by_role("button", name="Русский").click()
    await expect(ui.bot().last).to_contain_text("Теперь бот говорит по-русски")
    await ui.say("/invite", REPLY["invite"]["ru"])
    await shots.messages("ru", "admin-invite", 2, share=INVITE_CHANGED_SHARE)
    await ui.open_invite_as(MARIA, REPLY["supervisor"]["ru"])
    await ui.say("/invite", "Приглашение")
    await ui.open_invite_as(DASHA, REPLY["student"]["ru"])
    await submit(ui, shots, "ru", document)
    await ui.open(MARIA)
    card = ui.bot().filter(has_text=f"«{TITLE['ru']}»").last
    await expect(card.locator(".inline-btn")).to_have_count(4)
    await expect(card.locator(".inline-btn").first).to_have_text("Одобрить")
    await shots.messages("ru", "supervisor-card", 1)
    for chat_id, name in ((DASHA, "student"), (MARIA, "supervisor"), (ADMIN_ID, "admin")):
        await help_with_guide(ui, shots, sandbox, chat_id, "ru", name)
    await shots.mini_app("ru", "student-dashboard", DASHA, "#thesis-head h2")
    await shots.mini_app("ru", "supervisor-dashboard", MARIA, '#chart-submissions[data-drawn]')
    await ui.open(ADMIN_ID)
    await ui.say("/stats", "Статистика")
    await shots.messages("ru", "admin-stats", 2)


def check_pictures(started: float, taken: set[Path], confirmed: set[Path]) -> None:
    """Every picture a page shows was taken in this run (written now, or kept because this
    run's shot showed the same), is a real PNG of a sensible size; no picture is left in the
    guide that no page shows."""
    shown = {GUIDE / language / src for (language, _page), sources in referenced().items()
             for src in sources}
    assert shown == taken, (sorted(map(str, shown - taken)), sorted(map(str, taken - shown)))
    on_disk = {path for language in LANGUAGES for path in (GUIDE / language / "img").glob("*")}
    assert on_disk == shown, sorted(map(str, on_disk - shown))
    for path in sorted(shown):
        data = path.read_bytes()
        width, height = png_size(data)
        assert path.stat().st_mtime >= started or path in confirmed, \
            f"{path} was not taken in this run"
        assert width >= MIN_SIDE and height >= 60, (path, width, height)
        assert MIN_BYTES <= len(data) <= MAX_BYTES, (path, len(data))


async def check_pages_over_http(base: str) -> None:
    """Each page in each language: its headings, and its pictures as they are on disk now."""
    async with aiohttp.ClientSession() as http:
        for (language, name), sources in referenced().items():
            url = f"{base}/guide/{name}?lang={language}"
            async with http.get(url) as response:
                assert response.status == 200, url
                assert response.headers["Content-Type"] == "text/html; charset=utf-8"
                assert "default-src 'none'" in response.headers["Content-Security-Policy"]
                body = await response.text()
            blocks = markdown.parse((GUIDE / language / f"{name}.md").read_text("utf-8"))
            for block in blocks:
                if block.kind in ("h1", "h2"):
                    assert f"<{block.kind}>{markdown.inline(block.items[0])}</{block.kind}>" \
                        in body, (url, block)
            assert f'<html lang="{language}">' in body
            srcs = re.findall(r'<img src="([^"]+)" alt="[^"]+">', body)
            assert len(srcs) == len(sources) >= 2, (url, srcs)
            for src, source in zip(srcs, sources, strict=True):
                async with http.get(urljoin(url, src)) as response:
                    assert response.status == 200, src
                    assert response.headers["Content-Type"] == "image/png"
                    served = await response.read()
                on_disk = (GUIDE / language / source).read_bytes()
                assert hashlib.sha256(served).digest() == hashlib.sha256(on_disk).digest()


async def test_guide_pictures_are_taken_from_the_sandbox_and_served(
        sandbox: Sandbox, tmp_path: Path) -> None:
    started = time.time() - 1  # file systems keep mtimes coarser than time.time()
    base = sandbox.process.settings.effective_public_base_url
    async with browser_page(sandbox.url, tmp_path / "profile", viewport=VIEWPORT) as page:
        ui = Ui(page)
        await ui.expect(page.locator("#conn.on")).to_have_count(1)
        shots = Shots(ui)
        await take_pictures(sandbox, ui, shots, tmp_path)
        check_pictures(started, shots.taken, shots.confirmed)
        await check_pages_over_http(base)
        # In the browser: pictures drawn under the page's CSP, nothing serious for axe-core.
        for language in LANGUAGES:
            for name in GUIDE_PAGES:
                await page.goto(f"{base}/guide/{name}?lang={language}")
                await ui.expect(page.locator("main h1")).to_have_count(1)
                drawn = await page.eval_on_selector_all(
                    "main img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
                assert drawn and all(drawn), (language, name, drawn)
                await assert_accessible(page, f"/guide/{name}?lang={language}")


def test_a_picture_is_kept_only_when_the_shot_shows_the_same() -> None:
    from PIL import Image, ImageDraw

    def png(label: str, clock: str, size: tuple[int, int] = (680, 250)) -> bytes:
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        draw.text((20, 20), f"Invite for a new supervisor {label}", fill="black")
        draw.text((600, 220), clock, fill="black")
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()

    kept = png("Guide", "00:23")
    assert same_picture(kept, png("Guide", "00:24"), CHANGED_SHARE)  # another minute
    assert not same_picture(kept, png("Guide", "00:23", (680, 251)), CHANGED_SHARE)
    changed = Image.open(io.BytesIO(kept))
    ImageDraw.Draw(changed).rectangle((20, 60, 200, 80), fill="black")  # a new line of text
    out = io.BytesIO()
    changed.save(out, "PNG")
    assert not same_picture(kept, out.getvalue(), CHANGED_SHARE)
