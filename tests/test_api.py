"""The Mini App's JSON API on the real bot process, PostgreSQL, Redis and S3: Telegram's
signed init data → a JWT → each endpoint, validated against its model; and every way in that
must be refused (401/403) without leaking a thing."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import time
from typing import Any

import aiohttp
import jwt
import pytest

from api.models import MeOut, QueueOut, StatsOut, StudentsOut, TimelineOut, TokenOut
from bot.config import ConfigError, load_settings
from tests.conftest import BotFactory, Harness
from tests.support.webapp import (
    ADMIN,
    ALICE,
    ALICE_TITLE,
    BOB,
    CAROL,
    CAROL_COMMENT,
    CAROL_TITLE,
    GRACE,
    JWT_KEY,
    SAM,
    STRANGER,
    Seeded,
    fresh_ip,
    login,
    register,
    seed_university,
    token_for,
    webapp_settings,
)
from tgemu import sign_init_data


@pytest.fixture
async def web(make_bot: BotFactory, db: str, bucket: str, s3_endpoint: str,
              ) -> tuple[Harness, Seeded]:
    seeded = await seed_university(db, bucket, s3_endpoint)
    harness = await make_bot(admin_ids=[ADMIN], **webapp_settings())
    register(harness.emu)
    return harness, seeded


async def get(http: aiohttp.ClientSession, url: str, token: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.get(url, headers=headers) as response:
        text = await response.text()
        assert response.headers["Content-Type"].startswith("application/json"), url
        return response.status, json.loads(text)


async def test_login_then_every_endpoint_answers_its_model(web: tuple[Harness, Seeded]) -> None:
    harness, seeded = web
    base, emu = harness.http, harness.emu
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/api/auth/login",
                             json={"init_data": emu.web_app_init_data(ALICE)},
                             headers={"X-Forwarded-For": fresh_ip()}) as response:
            assert response.status == 200
            token = TokenOut.model_validate(await response.json())
        assert token.token_type == "bearer" and token.expires_in == 3600
        claims = jwt.decode(token.access_token, JWT_KEY, algorithms=["HS256"],
                            audience="thesis-supervisor-webapp")
        assert claims["sub"] == str(ALICE) and claims["role"] == "student"

        status, body = await get(http, f"{base}/api/me", token.access_token)
        me = MeOut.model_validate(body)
        assert (status, me.id, me.role, me.name, me.language) == (200, ALICE, "student",
                                                                  "Alice A", "en")
        assert me.supervisor is not None and me.supervisor.name == "Sam Supervisor"
        assert me.guide == "/guide/student?lang=en"  # the Mini App's link to the guide

        status, body = await get(http, f"{base}/api/thesis", token.access_token)
        timeline = TimelineOut.model_validate(body)
        assert status == 200 and timeline.thesis is not None
        assert timeline.thesis.title == ALICE_TITLE and timeline.thesis.status == "submitted"
        v1, v2 = timeline.versions
        assert (v1.version, v1.state, v2.version, v2.state) == (1, "decided", 2, "pending")
        assert v1.decision is not None and v1.decision.decision == "changes_requested"
        assert v1.decision.comment == "Expand chapter 2, please." and v1.decision.grade == 71
        assert v1.note == "first full draft"
        assert [(m.title, m.met_at is not None) for m in timeline.milestones] == [
            ("Literature review", True), ("Full draft", False)]
        # The file, streamed from the bucket to its own student.
        async with http.get(base + v1.file_url,
                            headers={"Authorization": f"Bearer {token.access_token}"}) as r:
            assert r.status == 200 and r.headers["Content-Type"] == "application/pdf"
            assert "thesis-v1.pdf" in r.headers["Content-Disposition"]
            assert await r.read() == seeded.alice_v1_bytes

        sam = await token_for(http, base, emu, SAM)
        status, body = await get(http, f"{base}/api/students", sam)
        students = StudentsOut.model_validate(body)
        assert status == 200 and students.total == 2
        assert [(s.id, s.status, s.latest_version, s.days_waiting) for s in students.items] == [
            (ALICE, "submitted", 2, 3), (BOB, None, None, None)]
        assert [(p.student_id, p.version) for p in students.submissions] == [(ALICE, 1),
                                                                           (ALICE, 2)]
        status, body = await get(http, f"{base}/api/students?status=submitted&page_size=1",
                                 sam)
        filtered = StudentsOut.model_validate(body)
        assert [s.id for s in filtered.items] == [ALICE] and filtered.total == 1
        status, body = await get(http, f"{base}/api/students/{ALICE}", sam)
        assert status == 200 and len(TimelineOut.model_validate(body).versions) == 2
        status, body = await get(http, f"{base}/api/queue", sam)
        queue = QueueOut.model_validate(body)
        assert status == 200 and queue.total == 1
        assert (queue.items[0].submission_id, queue.items[0].student.id) == (seeded.alice_v2,
                                                                             ALICE)

        admin = await token_for(http, base, emu, ADMIN)  # registered by this very login
        status, body = await get(http, f"{base}/api/stats", admin)
        stats = StatsOut.model_validate(body)
        assert status == 200 and stats.users_by_role["student"] == 3
        assert len(stats.submissions_per_week) == 12
        assert sum(w.count for w in stats.submissions_per_week) == 3
        assert sum(b.count for b in stats.review_turnaround) == 2
        assert [(w.supervisor.id, w.waiting) for w in stats.waiting_by_supervisor] == [(SAM, 1)]
        status, body = await get(http, f"{base}/api/students", admin)
        assert {s.id for s in StudentsOut.model_validate(body).items} == {ALICE, BOB, CAROL}
        status, body = await get(http, f"{base}/api/queue", admin)
        assert QueueOut.model_validate(body).total == 1

        # The assessment scheme: read by the supervising side, changed by admins only.
        status, body = await get(http, f"{base}/api/scheme", token.access_token)
        assert status == 403 and body["error"]["code"] == "forbidden"
        status, body = await get(http, f"{base}/api/scheme", sam)
        assert status == 200 and (body["version"], body["defence_component"]) == (0, None)
        new = {"components": [{"name": "Content", "weight": 60},
                              {"name": "Method", "weight": 30},
                              {"name": "Defence", "weight": 10}],
               "scale": "2-5", "tolerance": 7.5, "release": "supervisor"}
        for who, expected in ((sam, 403), (admin, 200)):
            async with http.post(f"{base}/api/scheme", json=new,
                                 headers={"Authorization": f"Bearer {who}"}) as r:
                assert r.status == expected, await r.text()
        status, body = await get(http, f"{base}/api/scheme", sam)
        assert (body["version"], body["defence_component"], body["scale"]) == (1, "Defence",
                                                                               "2-5")
        assert body["text"] == ("Content 60, Method 30, Defence 10; scale 2-5; tolerance 7.5; "
                                "release supervisor")
        bad = {**new, "components": [{"name": "Content", "weight": 50}]}
        async with http.post(f"{base}/api/scheme", json=bad,
                             headers={"Authorization": f"Bearer {admin}"}) as r:
            assert r.status == 409
            assert (await r.json())["error"]["code"] == "assessment_invalid_scheme"

        status, document = await get(http, f"{base}/api/openapi.json", None)
        assert status == 200 and document["openapi"].startswith("3.")
        assert set(document["paths"]) == {
            "/api/auth/login", "/api/me", "/api/thesis", "/api/students",
            "/api/students/{id}", "/api/queue", "/api/stats", "/api/versions/{id}/file",
            "/api/versions/{id}/anchors", "/api/anchors/{id}", "/api/versions/{id}/decision",
            "/api/versions/{id}/changes", "/api/versions/{id}/text", "/api/texts",
            "/api/versions/{id}/shared-text", "/api/scheme", "/api/topics",
            "/api/roster/preview", "/api/roster/import"}
        assert {"TimelineOut", "StudentsOut", "StatsOut", "ErrorOut"} <= set(
            document["components"]["schemas"])

        async with http.get(f"{base}/api/me", headers={"Authorization": f"Bearer {sam}"}) as r:
            assert r.headers["Cache-Control"] == "no-store"
            assert r.headers["X-Frame-Options"] == "DENY"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert "default-src 'none'" in r.headers["Content-Security-Policy"]
        async with http.get(f"{base}/metrics") as r:
            metrics = await r.text()
        assert 'route="/api/students/{id}"' in metrics


async def test_refusals_say_nothing_they_should_not(web: tuple[Harness, Seeded]) -> None:
    harness, seeded = web
    base, emu = harness.http, harness.emu
    async with aiohttp.ClientSession() as http:
        good = emu.web_app_init_data(ALICE)
        tampered = re.sub(r"hash=([0-9a-f])", lambda m: "hash=" + "0123456789abcdef"[
            ("0123456789abcdef".index(m.group(1)) + 1) % 16], good)
        forged_user = good.replace("Alice", "Carol")
        old = emu.web_app_init_data(ALICE, auth_date=int(time.time()) - 86400 - 60)
        other_bot = sign_init_data("123456:another-bots-token", {
            "user": json.dumps({"id": ALICE, "first_name": "Alice"}),
            "auth_date": str(int(time.time()))})
        for init_data, reason in ((tampered, "bad_signature"), (forged_user, "bad_signature"),
                                  (other_bot, "bad_signature"), ("garbage", "bad_signature"),
                                  (old, "expired_init_data"),
                                  (emu.web_app_init_data(STRANGER), "unknown_user")):
            response = await login(http, base, init_data)
            assert response.status == 401, reason
            async with http.post(f"{base}/api/auth/login", json={"init_data": init_data},
                                 headers={"X-Forwarded-For": fresh_ip()}) as again:
                body = await again.json()
            assert body["error"]["code"] == reason and "access_token" not in body
        async with http.post(f"{base}/api/auth/login", data=b"not json",
                             headers={"X-Forwarded-For": fresh_ip()}) as response:
            assert response.status == 400

        # Tokens: none, signed with another key, expired, not a JWT, alg none.
        now = int(time.time())
        claims = {"sub": str(SAM), "role": "supervisor", "iat": now, "exp": now + 600,
                  "iss": "thesis-supervisor", "aud": "thesis-supervisor-webapp"}
        for token, code in (
                (None, "missing_token"),
                (jwt.encode(claims, "another-key-" + "x" * 32, algorithm="HS256"),
                 "invalid_token"),
                (jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, JWT_KEY,
                            algorithm="HS256"), "expired_token"),
                (jwt.encode(claims, None, algorithm="none"), "invalid_token"),
                ("not-a-token", "invalid_token")):
            for path in ("/api/me", "/api/students", f"/api/versions/{seeded.alice_v1}/file"):
                status, body = await get(http, base + path, token)
                assert (status, body["error"]["code"]) == (401, code), (path, code)
                assert "Alice" not in json.dumps(body)

        alice = await token_for(http, base, emu, ALICE)
        sam = await token_for(http, base, emu, SAM)
        for token, path in ((alice, "/api/queue"), (alice, "/api/students"),
                            (alice, f"/api/students/{BOB}"), (alice, f"/api/students/{CAROL}"),
                            (alice, "/api/stats"), (sam, "/api/stats"), (sam, "/api/thesis"),
                            (sam, f"/api/students/{CAROL}"),
                            (alice, f"/api/versions/{seeded.carol_v1}/file"),
                            (sam, f"/api/versions/{seeded.carol_v1}/file")):
            status, body = await get(http, base + path, token)
            assert (status, body["error"]["code"]) == (403, "forbidden"), path
            text = json.dumps(body)
            assert CAROL_TITLE not in text and CAROL_COMMENT not in text and "Bob" not in text
        status, body = await get(http, f"{base}/api/students/{GRACE}", sam)  # not a student
        assert status == 404
        status, body = await get(http, f"{base}/api/versions/999999/file", sam)
        assert status == 404
        for path in ("/api/nope", "/api/", "/api/students/abc", "/api/me/extra"):
            status, body = await get(http, base + path, sam)
            assert (status, body["error"]["code"]) == (404, "not_found"), path
        status, body = await get(http, f"{base}/api/students?page=-1", sam)
        assert (status, body["error"]["code"]) == (400, "bad_request")

        async with http.get(f"{base}/metrics") as r:
            metrics = await r.text()
        for reason in ("bad_signature", "expired_init_data", "unknown_user", "missing_token",
                       "invalid_token", "expired_token"):
            assert f'api_auth_failures_total{{reason="{reason}"}}' in metrics, reason


async def test_login_is_rate_limited_per_address(web: tuple[Harness, Seeded]) -> None:
    harness, _seeded = web
    base, emu = harness.http, harness.emu
    async with aiohttp.ClientSession() as http:
        # Wait out the end of a minute window, so that all six fall into one window.
        if time.time() % 60 > 55:
            await asyncio.sleep(61 - time.time() % 60)
        ip = fresh_ip()
        statuses = [(await login(http, base, emu.web_app_init_data(ALICE), ip)).status
                    for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        async with http.post(f"{base}/api/auth/login",
                             json={"init_data": emu.web_app_init_data(ALICE)},
                             headers={"X-Forwarded-For": ip}) as response:
            assert response.status == 429 and int(response.headers["Retry-After"]) <= 60
            assert (await response.json())["error"]["code"] == "rate_limited"
        # Another address is not held back by this one.
        assert (await login(http, base, emu.web_app_init_data(ALICE))).status == 200


async def test_a_deactivated_person_cannot_log_in(web: tuple[Harness, Seeded], db: str) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import update

    from storage.db import create_engine
    from storage.models import User

    harness, _seeded = web
    engine = create_engine(db)
    async with engine.begin() as conn:
        await conn.execute(update(User).where(User.id == BOB).values(
            deactivated_at=datetime.now(UTC)))
    await engine.dispose()
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{harness.http}/api/auth/login",
                             json={"init_data": harness.emu.web_app_init_data(BOB)},
                             headers={"X-Forwarded-For": fresh_ip()}) as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "access_revoked"


async def test_the_mini_app_is_served_with_strict_headers(web: tuple[Harness, Seeded]) -> None:
    harness, _seeded = web
    base = harness.http
    async with aiohttp.ClientSession(auto_decompress=False) as http:
        async with http.get(f"{base}/app/", headers={"Accept-Encoding": "gzip"}) as response:
            assert response.status == 200
            assert response.headers["Cache-Control"] == "no-cache"
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "script-src 'self';" in csp
            assert "unsafe-inline" not in csp and "frame-ancestors" in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Strict-Transport-Security"].startswith("max-age=")
            etag = response.headers["ETag"]
            index = gzip.decompress(await response.read()).decode()
            total = int(response.headers["Content-Length"])
        assets = re.findall(r'(?:src|href)="(assets/[^"]+)"', index)
        assert len(assets) == 5 and all(re.search(r"\.[0-9a-f]{12}\.(js|css)$", a)
                                        for a in assets), assets
        assert "http" not in " ".join(re.findall(r'(?:src|href)="([^"]+)"', index))
        for asset in assets:
            async with http.get(f"{base}/app/{asset}",
                                headers={"Accept-Encoding": "gzip"}) as response:
                assert response.status == 200, asset
                assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
                assert response.headers["Content-Encoding"] == "gzip"
                total += len(await response.read())
        assert total <= 250 * 1024, total
        # The review desk (desk.js, pdf.js and its worker) only when a document is opened:
        # named in a <meta>, never loaded by the page itself; at most 600 KB more.
        desk = re.findall(r'data-[a-z]+="(assets/[^"]+)"', index)
        assert len(desk) == 4 and not set(desk) & set(assets), desk
        extra = 0
        for asset in desk:
            async with http.get(f"{base}/app/{asset}",
                                headers={"Accept-Encoding": "gzip"}) as response:
                assert response.status == 200, asset
                assert response.headers["Content-Type"].startswith(
                    "text/css" if asset.endswith(".css") else "text/javascript"), asset
                extra += len(await response.read())
        assert extra <= 600 * 1024, extra
        assert "worker-src 'self'" in csp
        async with http.get(f"{base}/app/", headers={"If-None-Match": etag}) as response:
            assert response.status == 304
        async with http.get(f"{base}/app/assets/app.js") as response:  # only hashed names
            assert response.status == 404
        async with http.get(f"{base}/app", allow_redirects=False) as response:
            assert response.status in (301, 308)


async def test_the_web_side_is_off_without_webapp_url(make_bot: BotFactory) -> None:
    harness = await make_bot()
    async with aiohttp.ClientSession() as http:
        for path in ("/api/me", "/app/", "/api/openapi.json"):
            async with http.get(harness.http + path) as response:
                assert response.status == 404, path
        async with http.get(harness.http + "/health") as response:
            assert response.status == 200


def test_jwt_secret_key_is_required_with_webapp_url() -> None:
    settings = load_settings(webapp_url="https://bot.example.edu/app", jwt_secret_key=None,
                             telegram_bot_token="1:x")
    assert settings.webapp_url == "https://bot.example.edu/app/"
    with pytest.raises(ConfigError, match=r"^JWT_SECRET_KEY is required when WEBAPP_URL is set$"):
        settings.check_mode()
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings(webapp_url="https://x.example/app/", jwt_secret_key="short").check_mode()
    load_settings(webapp_url="https://x.example/app/", jwt_secret_key=JWT_KEY).check_mode()
    load_settings().check_mode()  # no web side: nothing required
    with pytest.raises(ConfigError, match=r"^WEBAPP_URL"):
        load_settings(webapp_url="ftp://nope")


def _dashboard_buttons(message: Any) -> list[dict[str, Any]]:
    return [b for row in message.buttons for b in row if "web_app" in b]


async def test_the_chat_offers_the_dashboard(web: tuple[Harness, Seeded]) -> None:
    harness, _seeded = web
    url = harness.settings.webapp_url
    alice, sam, ada = (harness.chat(ALICE, "Alice", "A"), harness.chat(SAM, "Sam", "Supervisor"),
                       harness.chat(ADMIN, "Ada", "Admin"))
    for chat, command in ((alice, "/status"), (sam, "/students"), (ada, "/stats")):
        reply = (await chat.send(command))[-1]
        assert [(b["text"], b["web_app"]) for b in _dashboard_buttons(reply)] == [
            ("Open dashboard", {"url": url})], command
    await alice.send("/start")
    for _ in range(100):  # the menu is set right after the reply is sent
        if ALICE in harness.emu.menu_buttons:
            break
        await asyncio.sleep(0.05)
    assert harness.emu.menu_buttons[ALICE] == {
        "type": "web_app", "text": "Dashboard", "web_app": {"url": url}}


async def test_no_dashboard_without_webapp_url(make_bot: BotFactory, db: str, bucket: str,
                                               s3_endpoint: str) -> None:
    await seed_university(db, bucket, s3_endpoint)
    harness = await make_bot()
    alice = harness.chat(ALICE, "Alice", "A")
    reply = (await alice.send("/status"))[-1]
    assert "Graph" in (reply.content or "") and _dashboard_buttons(reply) == []
    await alice.send("/start")
    await asyncio.sleep(0.5)
    assert ALICE not in harness.emu.menu_buttons and harness.emu.calls_to("setMyCommands")
