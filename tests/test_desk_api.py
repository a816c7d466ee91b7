"""The review desk's API on the real bot process, PostgreSQL, Redis and S3: anchored comments
are for the version's student and team only (a forged one on another student's version is
refused), Request changes from the desk sends them to the student's chat as checklist items,
and a version's file answers range requests (how pdf.js reads a long thesis)."""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
import pytest
from sqlalchemy import update

from api.models import AnchorOut, AnchorsOut, DecisionResultOut, TextsOut
from storage.db import create_engine
from storage.models import User
from tests.conftest import BotFactory, Chat, Harness
from tests.support.desk import CLAIM, METHOD, thesis_v1, thesis_v2
from tests.support.webapp import (
    ADMIN,
    ALICE,
    CAROL,
    CAROL_TITLE,
    GRACE,
    SAM,
    Seeded,
    register,
    seed_university,
    token_for,
    webapp_settings,
)

QUOTE = "The claim in this sentence needs a source."


def invite_code(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def onboard(harness: Harness) -> tuple[Chat, Chat]:
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    link = await admin.say("/invite")
    supervisor = harness.chat(100, "Sam", "Supervisor")
    await supervisor.say(f"/start {invite_code(link)}")
    code = invite_code(await supervisor.say("/invite 30 2"))
    student = harness.chat(201, "Alice", "A")
    assert "student" in await student.say(f"/start {code}")
    return supervisor, student


async def submit(student: Chat, data: bytes, name: str, title: str | None = None) -> str:
    await student.say("/submit")
    if title is not None:
        await student.say(title)
    await student.upload(data, name)
    return await student.say("/skip")


def version_card(harness: Harness, supervisor: Chat, version: int) -> str | None:
    found = [m for m in harness.emu.bot_messages(supervisor.id)
             if m.document and f"version {version}" in m.content]
    return found[-1].content if found else None


async def wait_card(harness: Harness, supervisor: Chat, version: int) -> Any:
    await harness.emu.wait_until(lambda: version_card(harness, supervisor, version) is not None)
    return [m for m in harness.emu.bot_messages(supervisor.id)
            if m.document and f"version {version}" in m.content][-1]


@pytest.fixture
async def web(make_bot: BotFactory, db: str, bucket: str, s3_endpoint: str,
              ) -> tuple[Harness, Seeded]:
    seeded = await seed_university(db, bucket, s3_endpoint)
    harness = await make_bot(admin_ids=[ADMIN], **webapp_settings())
    register(harness.emu)
    return harness, seeded


async def call(http: aiohttp.ClientSession, method: str, url: str, token: str,
               body: dict[str, Any] | None = None) -> tuple[int, Any]:
    async with http.request(method, url, json=body,
                            headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.headers["Content-Type"].startswith("application/json"), url
        return response.status, json.loads(await response.text())


def anchor(page: int = 2, quote: str = QUOTE, comment: str = "Cite it.") -> dict[str, Any]:
    return {"page": page, "quote": quote, "comment": comment,
            "rects": [[0.1, 0.2, 0.5, 0.03]]}


async def test_anchors_are_for_the_student_and_the_team_only(
        web: tuple[Harness, Seeded]) -> None:
    harness, seeded = web
    base, emu = harness.http, harness.emu
    v2, url = seeded.alice_v2, f"{base}/api/versions/{seeded.alice_v2}/anchors"
    alice_chat = harness.chat(ALICE, "Alice", "A")
    async with aiohttp.ClientSession() as http:
        sam, grace, alice, carol = [await token_for(http, base, emu, who)
                                    for who in (SAM, GRACE, ALICE, CAROL)]
        # Sam (Alice's supervisor) comments on the version waiting for him.
        status, body = await call(http, "POST", url, sam, anchor())
        assert status == 200, body
        first = AnchorOut.model_validate(body)
        assert (first.version, first.page, first.quote, first.sent, first.author) == (
            2, 2, QUOTE, False, "Sam Supervisor")
        status, body = await call(http, "POST", url, sam, anchor(5, "", "Blurry figure"))
        assert status == 200
        scan = AnchorOut.model_validate(body)

        # Grace is on nobody's team of Alice's; Carol is another student.
        for token in (grace, carol):
            status, body = await call(http, "GET", url, token)
            assert (status, body["error"]["code"]) == (403, "forbidden")
            assert QUOTE not in json.dumps(body)
            status, body = await call(http, "POST", url, token, anchor(comment="forged"))
            assert (status, body["error"]["code"]) == (403, "forbidden")
            status, body = await call(http, "DELETE", f"{base}/api/anchors/{first.id}", token)
            assert status == 403
        # A forged anchor on another student's version: Sam on Carol's, Alice on Carol's.
        carol_url = f"{base}/api/versions/{seeded.carol_v1}/anchors"
        for token in (sam, alice):
            status, body = await call(http, "POST", carol_url, token, anchor())
            assert (status, body["error"]["code"]) == (403, "forbidden")
            status, body = await call(http, "GET", carol_url, token)
            assert status == 403 and CAROL_TITLE not in json.dumps(body)
        # The student may not comment; sees no draft of the team's.
        status, body = await call(http, "POST", url, alice, anchor())
        assert (status, body["error"]["code"]) == (403, "forbidden")
        status, body = await call(http, "GET", url, alice)
        assert status == 200 and AnchorsOut.model_validate(body).items == []
        status, body = await call(http, "GET", url, sam)
        seen = AnchorsOut.model_validate(body)
        assert [a.id for a in seen.items] == [first.id, scan.id] and seen.may_comment
        # A decided version takes no new comment; bad positions and empty comments are 400.
        status, body = await call(http, "POST", f"{base}/api/versions/{seeded.alice_v1}"
                                  "/anchors", sam, anchor())
        assert (status, body["error"]["code"]) == (409, "already_reviewed")
        for bad in ({**anchor(), "rects": [[0.5, 0.5, 3, 0.1]]}, {**anchor(), "comment": ""},
                    {**anchor(), "page": 0}):
            status, body = await call(http, "POST", url, sam, bad)
            assert (status, body["error"]["code"]) == (400, "bad_request"), bad
        # Neither a passage nor a region; a region of no size.
        for bad in ({"page": 1, "quote": "", "comment": "x"},
                    {**anchor(), "rects": [[0.5, 0.5, 0, 0.1]]}):
            status, body = await call(http, "POST", url, sam, bad)
            assert (status, body["error"]["code"]) == (409, "invalid_anchor"), bad

        # The draft on page 5 is withdrawn; the other goes with Request changes, no comment.
        status, _ = await call(http, "DELETE", f"{base}/api/anchors/{scan.id}", sam)
        assert status == 200
        before = alice_chat.bot_count
        status, body = await call(http, "POST", f"{base}/api/versions/{v2}/decision", sam,
                                  {"decision": "changes_requested"})
        assert status == 200, body
        result = DecisionResultOut.model_validate(body)
        assert (result.decided, result.items) == (True, 1)
        [notice] = await alice_chat.expect(1, before)
        assert f"p. 2 «{QUOTE}» — Cite it." in (notice.content or "")
        status, body = await call(http, "GET", url, alice)
        [sent] = AnchorsOut.model_validate(body).items
        assert (sent.id, sent.sent, sent.open) == (first.id, True, True)
        assert not AnchorsOut.model_validate(body).may_comment
        # Sent, it can no longer be deleted; the decision cannot be made twice.
        status, body = await call(http, "DELETE", f"{base}/api/anchors/{first.id}", sam)
        assert (status, body["error"]["code"]) == (409, "already_reviewed")
        status, body = await call(http, "POST", f"{base}/api/versions/{v2}/decision", sam,
                                  {"decision": "approved"})
        assert (status, body["error"]["code"]) == (409, "already_reviewed")


async def test_a_version_file_answers_range_requests(web: tuple[Harness, Seeded]) -> None:
    harness, seeded = web
    base, emu = harness.http, harness.emu
    data, url = seeded.alice_v1_bytes, f"{base}/api/versions/{seeded.alice_v1}/file"
    size = len(data)
    async with aiohttp.ClientSession() as http:
        token = await token_for(http, base, emu, ALICE)
        auth = {"Authorization": f"Bearer {token}"}
        async with http.get(url, headers=auth) as response:
            assert response.status == 200 and await response.read() == data
            assert response.headers["Accept-Ranges"] == "bytes"
            assert response.headers["Content-Length"] == str(size)
        for header, first, last in (("bytes=0-9", 0, 9), (f"bytes=10-{size + 50}", 10, size - 1),
                                    ("bytes=-7", size - 7, size - 1), ("bytes=5-", 5, size - 1)):
            async with http.get(url, headers={**auth, "Range": header}) as response:
                assert response.status == 206, header
                assert response.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
                assert await response.read() == data[first:last + 1]
        async with http.get(url, headers={**auth, "Range": f"bytes={size}-"}) as response:
            assert response.status == 416
            assert response.headers["Content-Range"] == f"bytes */{size}"
        # Several ranges, or another unit: the whole file.
        async with http.get(url, headers={**auth, "Range": "bytes=0-1,4-5"}) as response:
            assert response.status == 200 and await response.read() == data
        carol = await token_for(http, base, emu, CAROL)
        async with http.get(url, headers={"Authorization": f"Bearer {carol}",
                                          "Range": "bytes=0-9"}) as response:
            assert response.status == 403


async def test_texts_come_in_the_users_language(web: tuple[Harness, Seeded]) -> None:
    harness, _seeded = web
    base, emu = harness.http, harness.emu
    async with aiohttp.ClientSession() as http:
        token = await token_for(http, base, emu, SAM)
        status, body = await call(http, "GET", f"{base}/api/texts", token)
        texts = TextsOut.model_validate(body)
        assert (status, texts.language, texts.timezone) == (200, "en", "UTC")
        assert "app-tab_students = Students" in texts.ftl and texts.ftl == texts.fallback
    # In Russian for someone whose language is Russian.
    harness.emu.add_user(GRACE, "Grace", "Hopper", language_code="ru")
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.begin() as conn:
        await conn.execute(update(User).where(User.id == GRACE).values(language="ru"))
    await engine.dispose()
    async with aiohttp.ClientSession() as http:
        token = await token_for(http, base, emu, GRACE)
        status, body = await call(http, "GET", f"{base}/api/texts", token)
        texts = TextsOut.model_validate(body)
        assert texts.language == "ru" and "app-tab_students = Студенты" in texts.ftl
        assert "app-tab_students = Students" in texts.fallback


async def test_anchored_comments_go_with_the_chat_card_and_are_found_in_the_next_version(
        make_bot: BotFactory) -> None:
    """Request changes from the chat card sends the desk's drafts as checklist items; v2
    rewrites one passage and keeps the other: the v2 card says so, and so does the API."""
    harness = await make_bot(flood_rate=1000, **webapp_settings())
    _sam_chat, alice = await onboard(harness)
    sam_chat = harness.chats[100]
    await submit(alice, thesis_v1(), "thesis.pdf", title="Graph Networks and Cats")
    card1 = await wait_card(harness, sam_chat, 1)
    async with aiohttp.ClientSession() as http:
        sam = await token_for(http, harness.http, harness.emu, 100)
        status, body = await call(http, "GET", f"{harness.http}/api/queue", sam)
        v1 = body["items"][0]["submission_id"]
        for quote, comment in ((CLAIM, "Which survey? Cite it."), (METHOD, "Why forty?")):
            status, body = await call(http, "POST", f"{harness.http}/api/versions/{v1}/anchors",
                                      sam, anchor(2, quote, comment))
            assert status == 200, body

        before = alice.bot_count
        await sam_chat.click("Request changes", message_id=card1.message_id)
        assert "Recorded" in await sam_chat.say("Good start, see my comments.")
        await alice.emu.wait_until(lambda: any("changes requested" in m.content for m in
                                               alice.emu.bot_messages(alice.id)[before:]))
        notice = [m for m in alice.emu.bot_messages(alice.id)[before:]
                  if "changes requested" in m.content][-1]
        assert f"1. p. 2 «{CLAIM}» — Which survey? Cite it." in notice.content
        assert f"2. p. 2 «{METHOD}» — Why forty?" in notice.content
        assert "Good start, see my comments." in notice.content

        # v2: the student ticks the first item as today, in the chat.
        await alice.say("/submit")
        ask = (await alice.upload(thesis_v2(), "thesis-v2.pdf"))[-1]
        assert ask.button_texts()[0].startswith("⬜ p. 2 «Cats sleep")
        assert "note" in (await alice.click("Done", message_id=ask.message_id))[-1].content
        assert "Version 2 received" in await alice.say("/skip")
        await harness.emu.wait_until(
            lambda: "passage changed" in (version_card(harness, sam_chat, 2) or ""),
            timeout=60)
        text = version_card(harness, sam_chat, 2) or ""
        assert "Anchored comments: 1 passage changed, 1 passage unchanged" in text, text
        assert "p. 2: passage changed\np. 2: passage unchanged\n" in text
        status, body = await call(http, "GET", f"{harness.http}/api/queue", sam)
        v2 = body["items"][0]["submission_id"]
        status, body = await call(http, "GET", f"{harness.http}/api/versions/{v2}/anchors", sam)
        found = AnchorsOut.model_validate(body)
        assert [(a.quote, a.located_state, a.located_page, a.version, a.located_version)
                for a in found.located] == [(CLAIM, "changed", 2, 1, 2),
                                            (METHOD, "unchanged", 2, 1, 2)]
