"""The browser sandbox: its HTTP endpoints (aiohttp client) and the whole journey in headless
Chromium driven by Playwright, on the embedded defaults (SQLite, memory FSM, local files).

Chromium comes from Debian (``tests/browser/ensure_chromium.sh``); Playwright's own browser
download is never used. Without Chromium the browser test fails under ``CI=true`` and is
skipped otherwise. Screenshots of the final chats go to ``test-artifacts/sandbox/``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import ConfigError, load_settings
from sandbox.app import ADMIN_ID, Sandbox, start_sandbox
from tests.conftest import ARTIFACTS, free_port
from tests.documents import pdf
from tests.support.browser import browser_page

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ARTIFACTS / "sandbox"
HEADERS = {"X-Sandbox": "1"}

SUPERVISOR_ID, OTHER_SUPERVISOR_ID, STUDENT_ID = 2001, 2002, 3001


# --- HTTP endpoints, no browser -------------------------------------------------------------

class Events:
    """The page's Server-Sent Events stream, read by a test."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def next(self, predicate: Any, seconds: float = 15) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            while True:
                line = (await self.response.content.readline()).decode()
                if not line:
                    raise AssertionError("event stream ended")
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    if event.get("type") and predicate(event):
                        return event

        return await asyncio.wait_for(read(), seconds)


async def test_http_endpoints(sandbox: Sandbox) -> None:
    emu = sandbox.emulator
    async with aiohttp.ClientSession(sandbox.url) as http:
        async with http.get("/") as response:
            assert response.status == 200
            assert "/static/app.js" in await response.text()
        for name in ("app.js", "app.css"):
            async with http.get(f"/static/{name}") as response:
                assert response.status == 200, name
        async with http.get("/api/state") as response:
            state = await response.json()
        assert state["bot"]["username"] == emu.bot_username
        # The links the bot hands out (calendar feeds) name a port it really serves on.
        base = sandbox.process.settings.effective_public_base_url
        assert not base.endswith(":0") and base.endswith(f":{sandbox.process.port}")
        intended = {p["id"]: p["intended"] for p in state["people"]}
        assert intended[ADMIN_ID] == "admin"
        assert sorted(intended.values()).count("supervisor") == 2
        assert sorted(intended.values()).count("student") >= 3

        # Cross-site requests and DNS rebinding are refused.
        async with http.post(f"/api/chats/{ADMIN_ID}/text", json={"text": "/start"}) as response:
            assert response.status == 403
        async with http.get("/api/state", headers={"Host": "evil.example:80"}) as response:
            assert response.status == 403
        async with http.post("/api/chats/999999/text", json={"text": "hi"},
                             headers=HEADERS) as response:
            assert response.status == 404

        async with http.get("/api/events") as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            events = Events(stream)
            assert (await stream.content.readline()).startswith(b"retry:")
            assert await stream.content.readline() == b"event: ready\n"
            async with http.post(f"/api/chats/{ADMIN_ID}/text", json={"text": "/start"},
                                 headers=HEADERS) as response:
                assert response.status == 200
            mine = await events.next(lambda e: e["type"] == "message"
                                     and not e["message"]["from_bot"])
            assert mine["chat_id"] == ADMIN_ID and mine["message"]["text"] == "/start"
            reply = await events.next(lambda e: e["type"] == "message" and e["message"]["from_bot"])
            assert "administrator" in reply["message"]["text"]
            assert {"type": "bold", "offset": 13, "length": 13} in reply["message"]["entities"]
            people = await events.next(lambda e: e["type"] == "people")
            admin = next(p for p in people["people"] if p["id"] == ADMIN_ID)
            assert admin["role"] == "admin"
            assert "invite" in [c["command"] for c in admin["commands"]]

            # An invite, then /invites with its Revoke button, pressed through the page API.
            for text in ("/invite", "/invites"):
                async with http.post(f"/api/chats/{ADMIN_ID}/text", json={"text": text},
                                     headers=HEADERS) as response:
                    assert response.status == 200
            # (The invite itself has buttons too: Share.)
            listing = await events.next(lambda e: e["type"] == "message"
                                        and bool(e["message"]["buttons"])
                                        and "Open invites" in (e["message"]["text"] or ""))
            button = listing["message"]["buttons"][0][0]
            assert button["text"].startswith("Revoke")
            click = {"message_id": listing["message"]["id"], "callback_data": "nope"}
            async with http.post(f"/api/chats/{ADMIN_ID}/click", json=click,
                                 headers=HEADERS) as response:
                assert response.status == 400
            click["callback_data"] = button["callback_data"]
            async with http.post(f"/api/chats/{ADMIN_ID}/click", json=click,
                                 headers=HEADERS) as response:
                assert response.status == 200
            toast = await events.next(lambda e: e["type"] == "toast")
            assert toast["chat_id"] == ADMIN_ID and "revoked" in toast["text"]

            # The bot's chat action reaches the page ("sending a file…" under the name).
            await emu.call("sendChatAction", {"chat_id": ADMIN_ID, "action": "upload_document"})
            acting = await events.next(lambda e: e["type"] == "chat_action")
            assert acting == {"type": "chat_action", "chat_id": ADMIN_ID,
                              "action": "upload_document"}

            # A file from disk: multipart upload, then download through the page's link.
            data = pdf("http endpoint test")
            form = aiohttp.FormData()
            form.add_field("file", data, filename="draft.pdf", content_type="application/pdf")
            form.add_field("caption", "my draft")
            async with http.post(f"/api/chats/{STUDENT_ID}/document", data=form,
                                 headers=HEADERS) as response:
                assert response.status == 200, await response.text()
            sent = await events.next(lambda e: e["type"] == "message"
                                     and e["message"]["document"] is not None)
            document = sent["message"]["document"]
            assert sent["chat_id"] == STUDENT_ID and sent["message"]["text"] == "my draft"
            assert document["file_name"] == "draft.pdf" and document["file_size"] == len(data)
            async with http.get(f"/api/files/{document['file_id']}") as response:
                assert response.status == 200
                assert response.headers["Content-Type"] == "application/pdf"
                assert "draft.pdf" in response.headers["Content-Disposition"]
                assert await response.read() == data
            async with http.get("/api/files/unknown") as response:
                assert response.status == 404
            async with http.post(f"/api/chats/{STUDENT_ID}/document", data=b"x",
                                 headers=HEADERS) as response:
                assert response.status == 400

        # People: add one and rename them; the emulator's user follows.
        async with http.post("/api/people", json={"first_name": "Dave", "last_name": "New"},
                             headers=HEADERS) as response:
            added = (await response.json())["person"]
        async with http.post(f"/api/people/{added['id']}", json={"first_name": "David"},
                             headers=HEADERS) as response:
            assert (await response.json())["person"]["name"] == "David"
        async with http.post("/api/people", json={"first_name": " "},
                             headers=HEADERS) as response:
            assert response.status == 400
        async with http.get("/api/state") as response:
            state = await response.json()
        assert any(p["name"] == "David" for p in state["people"])
        assert any(c["id"] == added["id"] and c["first_name"] == "David" for c in emu.chats())
        assert [m["text"] for m in state["messages"][str(ADMIN_ID)]][:2] == [
            "/start", emu.bot_messages(ADMIN_ID)[0].content]


async def test_the_mini_app_opens_for_a_person_through_the_page(sandbox: Sandbox) -> None:
    """The sandbox signs a person's init data with the emulator's token and shows the bot's
    Mini App under its own origin; the app logs in with it as in Telegram."""
    async with aiohttp.ClientSession(sandbox.url) as http:
        async with http.post(f"/api/chats/{ADMIN_ID}/text", json={"text": "/start"},
                             headers=HEADERS) as response:
            assert response.status == 200
        await sandbox.emulator.wait_for_bot_messages(ADMIN_ID, 1)
        async with http.get(f"/api/webapp/{ADMIN_ID}") as response:
            url = (await response.json())["url"]
        assert url.startswith("/miniapp/app/#tgWebAppData=")
        init_data = urllib.parse.parse_qs(url.split("#", 1)[1])["tgWebAppData"][0]
        async with http.get("/miniapp/app/") as response:
            assert response.status == 200
            assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
            assert "assets/app." in await response.text()
        # A POST of the Mini App's own needs no X-Sandbox header: its token is its proof.
        async with http.post("/miniapp/api/auth/login", json={"init_data": init_data}) as r:
            assert r.status == 200, await r.text()
            token = (await r.json())["access_token"]
        async with http.get("/miniapp/api/me",
                            headers={"Authorization": f"Bearer {token}"}) as response:
            me = await response.json()
        assert (me["id"], me["role"]) == (ADMIN_ID, "admin")
        async with http.get("/miniapp/api/me") as response:
            assert response.status == 401
    # The bot's buttons point at the page's Mini App.
    assert sandbox.process.settings.webapp_url == f"{sandbox.url}/miniapp/app/"


# --- The whole journey in a real browser ---------------------------------------------------

@pytest.fixture
async def page(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Any]:
    async with browser_page(sandbox.url, tmp_path / "chromium-profile") as page:
        yield page


class Ui:
    """What a person does on the page, with the assertions a person would make."""

    def __init__(self, page: Any) -> None:
        from playwright.async_api import expect

        self.page = page
        self.expect = expect

    def item(self, chat_id: int) -> Any:
        return self.page.locator(f'.chat-item[data-chat-id="{chat_id}"]')

    async def open(self, chat_id: int) -> None:
        await self.item(chat_id).click()
        await self.expect(self.page.locator("#chat")).to_have_attribute(
            "data-chat-id", str(chat_id))

    def bot(self) -> Any:
        return self.page.locator("#messages .msg.bot")

    def mine(self) -> Any:
        return self.page.locator("#messages .msg.user")

    async def send(self, text: str) -> None:
        count = await self.mine().count()
        await self.page.fill("#composer-input", text)
        await self.page.press("#composer-input", "Enter")
        await self.expect(self.mine()).to_have_count(count + 1)
        await self.expect(self.mine().last).to_contain_text(text)

    async def say(self, text: str, expect_reply: str) -> Any:
        """Send ``text``; the newest bot message then contains ``expect_reply``."""
        count = await self.bot().count()
        await self.send(text)
        await self.expect(self.bot()).to_have_count(count + 1)
        last = self.bot().last
        await self.expect(last).to_contain_text(expect_reply)
        return last

    async def upload(self, path: Path, expect_reply: str) -> Any:
        count, mine = await self.bot().count(), await self.mine().count()
        await self.page.set_input_files("#file-input", str(path))
        await self.expect(self.mine()).to_have_count(mine + 1)
        await self.expect(self.mine().last.locator(".doc-name")).to_have_text(path.name)
        await self.expect(self.bot()).to_have_count(count + 1)
        await self.expect(self.bot().last).to_contain_text(expect_reply)
        return self.bot().last

    async def open_invite_as(self, joiner: int, expect_reply: str) -> None:
        link = self.bot().last.locator("a.deep-link")
        await self.expect(link).to_have_count(1)
        href = await link.get_attribute("href")
        assert href and href.startswith("https://t.me/thesis_sandbox_bot?start=")
        code = href.split("start=", 1)[1]
        await link.click()
        dialog = self.page.locator("#join-dialog")
        await self.expect(dialog).to_be_visible()
        await self.expect(dialog.locator("#join-command")).to_have_text(f"/start {code}")
        await dialog.locator(f'.join-as[data-person-id="{joiner}"]').click()
        await self.expect(dialog).to_be_hidden()
        await self.expect(self.page.locator("#chat")).to_have_attribute(
            "data-chat-id", str(joiner))
        await self.expect(self.mine().last).to_contain_text(f"/start {code}")
        await self.expect(self.bot().last).to_contain_text(expect_reply)

    async def card(self, title: str, version: int) -> Any:
        card = self.bot().filter(has_text=f"{title} — version {version}").last
        await self.expect(card).to_be_visible()
        return card

    async def shot(self, chat_id: int, name: str) -> None:
        await self.open(chat_id)
        await self.page.wait_for_timeout(150)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def test_the_cast_has_a_russian_speaker(sandbox: Sandbox) -> None:
    [dasha] = [p for p in sandbox.people.values() if p.language_code == "ru"]
    assert dasha.intended == "student"
    async with aiohttp.ClientSession(sandbox.url) as http:
        async with http.post(f"/api/chats/{dasha.id}/text", json={"text": "/start"},
                             headers=HEADERS) as response:
            assert response.status == 200
    await sandbox.emulator.wait_for_bot_messages(dasha.id, 1)
    assert "откройте ссылку-приглашение" in sandbox.emulator.bot_messages(dasha.id)[-1].content


async def test_whole_journey_in_the_browser(sandbox: Sandbox, page: Any, tmp_path: Path) -> None:
    ui = Ui(page)
    expect = ui.expect
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    title = "Graph <Neural> Networks & Cats"
    v1, v2 = tmp_path / "thesis-v1.pdf", tmp_path / "thesis-v2.pdf"
    v1.write_bytes(pdf("version one"))
    v2.write_bytes(pdf("version two, revised"))

    await expect(page.locator("#conn.on")).to_have_count(1)  # live updates connected
    await expect(page.locator(".chat-item")).to_have_count(len(sandbox.people))

    # The admin registers and invites a supervisor; formatting renders as in Telegram.
    await ui.open(ADMIN_ID)
    reply = await ui.say("/start", "You are an administrator")
    # The first-run checklist (issue 34) follows in the same message, bold heading too.
    await expect(reply.locator("strong").first).to_have_text("administrator")
    await expect(reply.locator("strong", has_text="Getting started")).to_have_count(1)
    await expect(ui.item(ADMIN_ID).locator(".role-tag")).to_have_text("admin")
    invite = await ui.say("/invite", "Invite for a new supervisor")
    await expect(invite.locator("strong")).to_have_text("supervisor")
    await expect(invite.locator("code")).to_have_count(1)

    # The supervisor opens the deep link (chosen in the admin's chat) and invites a student.
    await ui.open_invite_as(SUPERVISOR_ID, "You are registered as a supervisor")
    await expect(ui.item(SUPERVISOR_ID).locator(".role-tag")).to_have_text("supervisor")
    await ui.say("/invite", "Invite for a new student")
    await ui.open_invite_as(STUDENT_ID, "You are registered as a student of Sam Turing")

    # The student submits version 1: title, a real PDF from disk, a note.
    await ui.say("/submit", "title of your thesis")
    await ui.say(title, "PDF")
    await ui.upload(v1, "short note")
    received = await ui.say("First full draft", "Version 1 received")
    # The student's own text is shown literally, not as markup.
    await expect(ui.mine().filter(has_text=title)).to_have_count(1)
    await expect(page.locator("#messages neural")).to_have_count(0)
    assert await received.is_visible()

    # The supervisor gets the card: unread badge, document, caption, three buttons.
    await expect(ui.item(SUPERVISOR_ID).locator(".badge")).to_be_visible()
    await ui.open(SUPERVISOR_ID)
    await expect(ui.item(SUPERVISOR_ID).locator(".badge")).to_have_count(0)
    card = await ui.card(title, 1)
    await expect(card.locator(".doc-name")).to_contain_text(".pdf")
    await expect(card).to_contain_text("First full draft")
    await expect(card.locator(".inline-btn")).to_have_text(
        ["Approve", "Request changes", "Reject", "🗓 Review by…"])
    async with page.expect_download() as download_info:
        await card.locator("a.doc-download").click()
    download = await download_info.value
    downloaded = await download.path()
    assert await asyncio.to_thread(Path(downloaded).read_bytes) == v1.read_bytes()
    card_id = await card.get_attribute("data-message-id")
    await page.screenshot(path=str(SCREENSHOTS / "0-supervisor-new-card.png"))

    # Request changes with a comment (no grade asked); the card's buttons go, in place.
    await card.get_by_role("button", name="Request changes").click()
    await expect(ui.bot().last).to_contain_text("Write your comment")
    await ui.say("/skip", "A comment is required")  # a comment is required here
    await ui.say("Please expand chapter 2 and fix the references.", "Recorded: changes requested")
    same_card = page.locator(f'#messages .msg[data-message-id="{card_id}"]')
    await expect(same_card.locator(".inline-btn")).to_have_count(0)
    await expect(same_card).to_contain_text("changes requested by Sam Turing")
    await expect(same_card.locator(".edited")).to_have_count(1)
    # An edit is marked with the edit's time.
    await expect(same_card.locator(".edited")).to_have_text(re.compile(r"^edited \d\d:\d\d"))
    await expect(page.locator("#messages .msg")).to_have_count(await ui.mine().count()
                                                              + await ui.bot().count())

    # The student reads the decision and submits version 2.
    await ui.open(STUDENT_ID)
    notice = ui.bot().filter(has_text="Please expand chapter 2").last
    await expect(notice).to_contain_text("changes requested")
    await expect(notice.locator("strong").filter(has_text="changes requested")).to_have_count(1)
    await ui.say("/submit", "PDF")  # the title is known from version 1
    await ui.upload(v2, "short note")
    await ui.say("/skip", "Version 2 received")

    # The supervisor approves version 2 with a comment and a grade.
    await ui.open(SUPERVISOR_ID)
    card2 = await ui.card(title, 2)
    # Approve is one tap; the card then offers Add comment, Add grade and Done.
    await card2.get_by_role("button", name="Approve").click()
    await expect(ui.bot().last).to_contain_text("Approved: version 2")
    await expect(card2.locator(".inline-btn")).to_have_text(["Add comment", "Add grade", "Done"])
    await card2.get_by_role("button", name="Add comment").click()
    await expect(ui.bot().last).to_contain_text("Write your comment")
    await ui.say("Excellent work.", "Comment added")
    await card2.get_by_role("button", name="Add grade").click()
    await expect(ui.bot().last).to_contain_text("from 0 to 100")
    await ui.say("95", "Grade 95 added")
    await card2.get_by_role("button", name="Done").click()
    await expect(ui.bot().last).to_contain_text("Recorded: approved")
    await expect(card2.locator(".inline-btn")).to_have_count(0)
    await expect(card2).to_contain_text("approved by Sam Turing")

    # The student sees the approval, bold and all.
    await ui.open(STUDENT_ID)
    approval = ui.bot().filter(has_text="Excellent work.").last
    await expect(approval).to_contain_text("Congratulations")
    await expect(approval.locator("strong").filter(has_text="approved")).to_have_count(1)
    await expect(approval.locator("strong").filter(has_text="95")).to_have_count(1)
    await ui.say("/status", "approved")

    # More people can join the cast; a name can be edited.
    await page.fill("#new-first", "Dave")
    await page.fill("#new-last", "Newcomer")
    await page.click("#add-person-btn")
    await expect(page.locator(".chat-item").filter(has_text="Dave Newcomer")).to_have_count(1)
    await expect(page.locator("#head-name")).to_have_text("Dave Newcomer")
    await page.click("#rename-btn")
    await page.fill("#rename-first", "David")
    await page.click("#rename-form button[type=submit]")
    await expect(page.locator("#head-name")).to_have_text("David Newcomer")

    for chat_id, name in ((ADMIN_ID, "1-admin"), (SUPERVISOR_ID, "2-supervisor"),
                          (STUDENT_ID, "3-student")):
        await ui.shot(chat_id, name)
    await ui.open(SUPERVISOR_ID)
    await page.click("#menu-btn")
    await expect(page.locator("#menu .menu-item").first).to_be_visible()
    await page.screenshot(path=str(SCREENSHOTS / "4-supervisor-menu.png"))
    await page.keyboard.press("Escape")
    await ui.open(ADMIN_ID)
    await ui.bot().filter(has_text="Invite for a new supervisor").last.locator(
        "a.deep-link").click()
    await page.screenshot(path=str(SCREENSHOTS / "5-invite-dialog.png"))
    await page.click("#join-cancel")

    # The Mini App inside the page: Open dashboard under /status, then the chat header's.
    await ui.open(STUDENT_ID)
    status = await ui.say("/status", "approved")
    await status.locator(".inline-btn.web-app").click()
    frame = page.frame_locator("#webapp-frame")
    await expect(frame.locator("#thesis-head h2")).to_have_text(title)
    await expect(frame.locator('.tl-item[data-kind="decision"]').first).to_contain_text(
        "Approved — version 2")
    await expect(frame.locator('.tl-item[data-kind="version"]')).to_have_count(2)
    await page.screenshot(path=str(SCREENSHOTS / "6-student-mini-app.png"))
    await page.click("#webapp-close")
    await ui.open(SUPERVISOR_ID)
    await page.click("#dashboard-btn")
    await expect(frame.locator("#students-table tbody tr")).to_have_count(1)
    await expect(frame.locator("#chart-submissions")).to_have_attribute("data-drawn", "true")
    await page.screenshot(path=str(SCREENSHOTS / "7-supervisor-mini-app.png"))
    await page.click("#webapp-close")
    for name in ("0-supervisor-new-card", "1-admin", "2-supervisor", "3-student", "4-supervisor-menu",
                 "5-invite-dialog", "6-student-mini-app", "7-supervisor-mini-app"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name


async def test_start_reply_photo_voice_and_alerts_in_their_own_chat(
        sandbox: Sandbox, page: Any, tmp_path: Path) -> None:
    ui = Ui(page)
    expect = ui.expect
    await expect(page.locator("#conn.on")).to_have_count(1)
    # A fresh chat shows START; pressing it sends /start.
    await ui.open(ADMIN_ID)
    start = page.locator("#messages .start-btn")
    await expect(start).to_have_text("START")
    await start.click()
    await expect(ui.bot().last).to_contain_text("You are an administrator")
    await expect(page.locator("#messages .start-btn")).to_have_count(0)

    # Any message can be replied to from its context menu.
    await ui.bot().last.click(button="right")
    await page.locator("#context-menu .menu-item", has_text="Reply").click()
    await expect(page.locator("#reply-bar")).to_be_visible()
    await expect(page.locator("#reply-bar-text")).to_contain_text("administrator")
    await ui.send("/help")
    await expect(ui.mine().last.locator(".reply-quote")).to_contain_text("administrator")
    await expect(page.locator("#reply-bar")).to_be_hidden()
    replied = sandbox.emulator.messages(ADMIN_ID)
    assert [m for m in replied if not m.from_bot][-1].reply_to_message_id is not None

    # A photo and a voice note, from files.
    photo, voice = tmp_path / "figure.png", tmp_path / "note.ogg"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    voice.write_bytes(b"OggS" + b"\0" * 64)
    mine = await ui.mine().count()
    await page.set_input_files("#photo-input", str(photo))
    await expect(ui.mine()).to_have_count(mine + 1)
    await expect(ui.mine().last.locator("img.photo")).to_have_count(1)
    await page.set_input_files("#voice-input", str(voice))
    await expect(ui.mine()).to_have_count(mine + 2)
    await expect(ui.mine().last).to_contain_text("Voice message")
    await expect(ui.mine().last.locator("audio.voice")).to_have_count(1)

    # A button's alert shows in the chat it belongs to only, when that chat is open.
    await page.evaluate(f"toast({SUPERVISOR_ID}, 'Only for the supervisor', true)")
    await expect(page.locator("#toasts .toast")).to_have_count(0)
    await ui.open(SUPERVISOR_ID)
    await expect(page.locator("#toasts .toast")).to_have_text("Only for the supervisor")


async def test_page_falls_back_to_polling_without_event_source(sandbox: Sandbox,
                                                               tmp_path: Path) -> None:
    async with browser_page(sandbox.url, tmp_path / "profile",
                            init_script="delete window.EventSource;") as page:
        ui = Ui(page)
        await ui.expect(page.locator("#conn.polling")).to_have_count(1)
        await ui.open(ADMIN_ID)
        await ui.say("/start", "You are an administrator")
        # A message arriving in another chat shows up without a reload, with a badge.
        await sandbox.emulator.send_text(SUPERVISOR_ID, "/help")
        await ui.expect(ui.item(SUPERVISOR_ID).locator(".badge")).to_have_text("1")
        await ui.open(SUPERVISOR_ID)
        await ui.expect(ui.bot().last).to_contain_text("invite link")


async def test_command_line_sandbox_prints_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k.upper() not in ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "SANDBOX_PORT",
                                "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "BOT_MODE")}
    env.update(DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    # cwd=tmp_path: no .env of the developer's is read.
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--port", str(port), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    assert proc.stdout is not None
    output: list[str] = []
    url = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(60):
            while not any(url in line for line in output):
                line = (await proc.stdout.readline()).decode()
                assert line, "".join(output)
                output.append(line)
        async with aiohttp.ClientSession(url) as http:
            async with http.post(f"/api/chats/{ADMIN_ID}/text", json={"text": "/start"},
                                 headers=HEADERS) as response:
                assert response.status == 200
            async with asyncio.timeout(15):
                while True:
                    async with http.get("/api/state") as response:
                        state = await response.json()
                    if len(state["messages"][str(ADMIN_ID)]) >= 2:
                        break
                    await asyncio.sleep(0.1)
        assert "administrator" in state["messages"][str(ADMIN_ID)][1]["text"]
        assert (tmp_path / "data" / "thesis.sqlite3").exists()
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            rest = (await proc.stdout.read()).decode()
            code = await proc.wait()
        assert code == 0, "".join(output) + rest
        assert "sandbox_stopped" in rest
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_sandbox_refuses_production_storage_settings(tmp_path: Path) -> None:
    password = "pg-secret-password"
    env = {k: v for k, v in os.environ.items()
           if k.upper() not in ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "TELEGRAM_BOT_TOKEN")}
    env.update(DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT),
               DATABASE_URL=f"postgresql+asyncpg://app:{password}@127.0.0.1:5432/thesis")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--port", str(free_port()), cwd=tmp_path,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(30):
        out, err = await proc.communicate()
    assert proc.returncode != 0
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0] and "sandbox" in lines[0], lines
    assert password not in out.decode() + err.decode()
    assert not (tmp_path / "data").exists()  # nothing migrated, no SQLite, no files

    # Every production setting is named, and start_sandbox itself refuses too.
    settings = load_settings(data_dir=tmp_path / "data", database_url=None,
                             redis_url="redis://127.0.0.1:6379/0", s3_bucket="theses")
    with pytest.raises(ConfigError, match="REDIS_URL, S3_BUCKET"):
        await start_sandbox(settings, port=free_port())
    assert not (tmp_path / "data").exists()
