"""Who may do what: every command and every button action × every role. Only the allowed
cells act; a denied cell changes nothing in the database and sends no file. A deactivated
person is refused everything with one line, /start telling them they are deactivated.
Files live in private S3 objects under unguessable keys."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import aioboto3
import aiohttp
from sqlalchemy import func, select, update

from storage.db import create_engine
from storage.models import Invite, Milestone, Review, Submission, Thesis, User
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.reliability.conftest import Logs
from tests.reliability.tools import TALLY
from tests.test_student_journey import invite_code, onboard, submit

DENIED = ("not available to you", "not registered yet")
ROLES = ("none", "student", "other_supervisor", "supervisor", "admin")
EVERYONE = set(ROLES)
STUDENT = {"student"}
SUPERVISORS = {"other_supervisor", "supervisor"}
COMMANDS: dict[str, set[str]] = {
    "/start": EVERYONE, "/help": EVERYONE, "/cancel": EVERYONE,
    "/invite": SUPERVISORS | {"admin"}, "/invites": SUPERVISORS | {"admin"},
    "/queue": SUPERVISORS | {"admin"}, "/students": SUPERVISORS | {"admin"},
    "/stats": {"admin"}, "/users": {"admin"},
    "/submit": STUDENT, "/status": STUDENT, "/history": STUDENT, "/deadlines": STUDENT,
    "/deadline": SUPERVISORS, "/milestones": SUPERVISORS,
    "/language": EVERYONE - {"none"},
}
STATEFUL = {"/submit", "/deadline"}
REFUSED = "Your access has been deactivated"


async def handled(harness: Harness, logs: Logs, start: int) -> None:
    """Wait until the newest update has been handled to the end (its log line)."""
    update_id = harness.emu.updates[-1]["update_id"]
    for _ in range(200):
        if any(e.get("event") == "update" and e.get("update_id") == update_id
               for e in logs.capture.events(start)):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"update {update_id} was not handled")


async def command(harness: Harness, logs: Logs, start: int, chat: Chat, text: str) -> list[str]:
    before = chat.bot_count
    await harness.emu.send_text(chat.id, text)
    await handled(harness, logs, start)
    return [m.content for m in harness.emu.bot_messages(chat.id)[before:]]


async def counts(harness: Harness) -> dict[str, int]:
    engine = create_engine(harness.settings.effective_database_url)
    result = {}
    async with engine.connect() as conn:
        for model in (User, Invite, Thesis, Submission, Review):
            result[model.__name__] = (await conn.execute(
                select(func.count()).select_from(model))).scalar_one()
        result["revoked"] = (await conn.execute(select(func.count()).select_from(Invite)
                                                .where(Invite.revoked_at.is_not(None)))
                             ).scalar_one()
        result["deactivated"] = (await conn.execute(
            select(func.count()).select_from(User).where(User.deactivated_at.is_not(None)))
        ).scalar_one()
        result["final"] = (await conn.execute(select(func.count()).select_from(Thesis)
                                              .where(Thesis.status == "final"))).scalar_one()
    await engine.dispose()
    return result


async def test_authorization_matrix(make_bot: BotFactory, logs: Logs) -> None:
    harness = await make_bot(flood_rate=1000)
    start = len(logs.capture.records)
    emu = harness.emu
    admin, supervisor, alice, bob = await onboard(harness)
    other = harness.chat(300, "Olga", "Other")
    await other.say(f"/start {invite_code(await admin.say('/invite'))}")
    stranger = harness.chat(999, "Mallory")
    await stranger.say("/start")
    await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    await emu.wait_until(lambda: any(m.document for m in emu.bot_messages(supervisor.id)))
    dora = harness.chat(204, "Dora", "D")
    await dora.say(f"/start {invite_code(await supervisor.say('/invite'))}")
    await emu.click(admin.id, admin.last().message_id, f"ac:d:{dora.id}")
    await emu.wait_until(lambda: "deactivated your access" in dora.last().content)
    await supervisor.say("/invite")
    await supervisor.say("/invite")
    people = {"none": stranger, "student": alice, "other_supervisor": other,
              "supervisor": supervisor, "admin": admin, "deactivated": dora}

    cells = 0
    for role, chat in people.items():
        for text, allowed in COMMANDS.items():
            before = await counts(harness) if role not in allowed else None
            replies = await command(harness, logs, start, chat, text)
            denied = any(any(d in r for d in DENIED) for r in replies)
            ok = bool(replies) and denied == (role not in allowed)
            if role == "deactivated":
                line = "does not take your commands" if text == "/start" else REFUSED
                ok = bool(replies) and all("deactivated" in r and line in r for r in replies)
            if before is not None:
                ok = ok and await counts(harness) == before
            TALLY.bad_input(f"{text} as {role}", ok) if role not in allowed else None
            assert ok, (role, text, replies)
            if text in STATEFUL and role in allowed:
                await command(harness, logs, start, chat, "/cancel")
            cells += 1

    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        submission_id = (await conn.execute(select(Submission.id))).scalar_one()
        invite_ids = list((await conn.execute(
            select(Invite.id).where(Invite.created_by == supervisor.id,
                                    Invite.revoked_at.is_(None)).order_by(Invite.id.desc())
        )).scalars())[:2]
    async with engine.begin() as conn:
        # Issue 15's buttons: Mark final needs an approved latest version; Extend a milestone.
        await conn.execute(update(Thesis).where(Thesis.student_id == alice.id)
                           .values(status="approved"))
        now = datetime.now(UTC)
        milestone_id = (await conn.execute(Milestone.__table__.insert().values(
            supervisor_id=supervisor.id, student_id=alice.id, title="Chapter 1",
            due_at=now + timedelta(days=30), created_at=now, due_set_at=now)
            .returning(Milestone.id))).scalar_one()
    await engine.dispose()
    people["other_student"] = bob
    buttons: list[tuple[str, set[str], str | None]] = [
        (f"rv:a:{submission_id}", {"supervisor", "admin"}, "comment"),
        (f"rv:r:{submission_id}", {"supervisor", "admin"}, "comment"),
        (f"f:{submission_id}:0", {"student", "supervisor", "admin"}, None),
        ("qp:0", {"other_supervisor", "supervisor", "admin"}, "for review"),
        (f"st:{alice.id}", {"supervisor", "admin"}, "v1"),
        (f"dl:{alice.id}", {"supervisor"}, "called"),
        (f"ir:{invite_ids[0]}", {"supervisor"}, "revoked"),
        (f"ir:{invite_ids[1]}", {"admin"}, "revoked"),
        ("pp:0", {"admin"}, "People"),
        (f"pn:{alice.id}", {"admin"}, "Status: active"),
        (f"ac:d:{bob.id}", {"admin"}, "Bob B is deactivated"),
        (f"ac:r:{bob.id}", {"admin"}, "Bob B is reactivated"),
        # Mark final makes the thesis final (the admin's press is checked below, the thesis
        # approved again); Reopen asks for a reason; Extend for the student's own date.
        (f"th:f:{alice.id}", {"supervisor", "admin"}, "is final"),
        (f"th:o:{alice.id}", {"supervisor", "admin"}, "Reopening"),
        (f"ms:e:{milestone_id}", {"supervisor"}, "More time"),
        # /language: anyone registered picks theirs (English here, so the texts stay so).
        ("lg:en", {"other_student", "student", "other_supervisor", "supervisor", "admin"},
         "speaks English"),
    ]
    order = ["none", "other_student", "student", "other_supervisor", "supervisor", "admin",
             "deactivated"]
    for data, allowed, effect in buttons:
        for role in order:
            chat = people[role]
            if data.startswith("ir:") and role not in allowed and role in {"supervisor",
                                                                           "admin"}:
                continue  # each invite is revoked by one allowed role; the other is below
            if data.startswith("th:f:") and role == "admin":
                continue  # final already: the admin's Mark final is checked below
            before_counts = await counts(harness)
            before = chat.bot_count
            bob_before = bob.bot_count
            answers = len(emu.callback_answers)
            await emu.click(chat.id, emu.bot_messages(chat.id)[-1].message_id, data)
            await handled(harness, logs, start)
            await emu.wait_until(lambda a=answers: len(emu.callback_answers) > a, timeout=5)
            _id, _text, alert = emu.callback_answers[-1]
            new = emu.bot_messages(chat.id)[before:]
            files = [m for m in new if m.document]
            if role in allowed:
                ok = not alert and (bool(files) if effect is None else
                                    any(effect in m.content for m in new))
                if data.startswith("ir:"):
                    ok = ok and (await counts(harness))["revoked"] == before_counts["revoked"] + 1
            else:
                ok = alert and not new and await counts(harness) == before_counts
                TALLY.bad_input(f"button {data} as {role}", ok)
            assert ok, (data, role, alert, [m.content for m in new])
            if role in allowed and (data.startswith(("rv:", "dl:", "th:o:", "ms:e:"))):
                await command(harness, logs, start, chat, "/cancel")
            if role in allowed and data.startswith("ac:"):
                # Bob is told; wait for it, so that it is not taken for an answer below.
                await emu.wait_until(lambda b=bob_before: any(
                    "your access" in m.content for m in emu.bot_messages(bob.id)[b:]))
            cells += 1

    # The admin may mark final too (the thesis approved again first).
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.begin() as conn:
        await conn.execute(update(Thesis).where(Thesis.student_id == alice.id)
                           .values(status="approved"))
    await engine.dispose()
    before, answers = admin.bot_count, len(emu.callback_answers)
    await emu.click(admin.id, emu.bot_messages(admin.id)[-1].message_id, f"th:f:{alice.id}")
    await handled(harness, logs, start)
    await emu.wait_until(lambda: len(emu.callback_answers) > answers, timeout=5)
    assert not emu.callback_answers[-1][2]
    assert any("is final" in m.content for m in emu.bot_messages(admin.id)[before:])
    assert (await counts(harness))["final"] == 1
    cells += 1
    assert cells >= 150


async def test_files_are_private_with_unguessable_keys(harness: Harness) -> None:
    _admin, _supervisor, alice, bob = await onboard(harness)
    await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    await submit(bob, documents.pdf("b"), "b.pdf", title="B")
    endpoint, bucket = harness.settings.s3_endpoint_url, harness.settings.s3_bucket
    keys = await bucket_keys(endpoint, bucket)
    assert len(keys) == 2
    prefix = harness.settings.s3_prefix
    for key in keys:
        token = re.fullmatch(re.escape(prefix) + r"([A-Za-z0-9_-]+)\.bin", key)
        assert token and len(token.group(1)) * 6 >= 128, key  # base64url: 6 bits a char
    async with aioboto3.Session().client("s3", endpoint_url=endpoint,
                                         region_name="us-east-1") as s3:
        for key in keys:
            acl: dict[str, Any] = await s3.get_object_acl(Bucket=bucket, Key=key)
            grants = acl["Grants"]
            assert all("URI" not in g["Grantee"] for g in grants), grants  # no AllUsers
            assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    async with aiohttp.ClientSession() as session:
        for key in keys:
            async with session.get(f"{endpoint}/{bucket}/{key}") as response:
                body = await response.read()
                assert b"%PDF" not in body or response.status >= 400
