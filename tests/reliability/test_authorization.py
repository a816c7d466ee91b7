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
from sqlalchemy import func, insert, select, update

from storage.db import create_engine
from storage.models import (
    AssessmentMark,
    ChecklistItem,
    Declaration,
    ExaminerGrade,
    Invite,
    Meeting,
    MeetingItem,
    MeetingParticipant,
    Milestone,
    Review,
    StoredFile,
    Submission,
    SupervisorNote,
    Thesis,
    ThesisMember,
    ThreadMessage,
    User,
    VersionComparison,
)
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.reliability.conftest import Logs
from tests.reliability.tools import TALLY
from tests.support.conversation import invite_code, join, onboard, submit
from tests.support.files import stored_values

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
    # Issue 21: meetings, calendar feeds, exports.
    "/meeting": SUPERVISORS, "/meetings": SUPERVISORS | STUDENT,
    "/calendar": EVERYONE - {"none"}, "/mydata": EVERYONE - {"none"},
    "/export": SUPERVISORS | {"admin"},
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
        for model in (User, Invite, Thesis, Submission, Review, ThesisMember, ExaminerGrade,
                      AssessmentMark, Declaration,
                      ThreadMessage, SupervisorNote, ChecklistItem):
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
        result["declaration"] = (await conn.execute(
            select(func.count()).select_from(Thesis)
            .where(Thesis.status == "declaration"))).scalar_one()
    await engine.dispose()
    return result


async def test_authorization_matrix(make_bot: BotFactory, logs: Logs) -> None:
    harness = await make_bot(flood_rate=1000)
    start = len(logs.capture.records)
    emu = harness.emu
    admin, supervisor, alice, bob = await onboard(harness)
    other = harness.chat(300, "Olga", "Other")
    await join(admin, other, invite_code(await admin.say("/invite")))
    cora, eve = harness.chat(310, "Cora", "C"), harness.chat(311, "Eve", "E")
    for member in (cora, eve):
        await join(admin, member, invite_code(await admin.say("/invite")))
    stranger = harness.chat(999, "Mallory")
    await stranger.say("/start")
    await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    await emu.wait_until(lambda: any(m.document for m in emu.bot_messages(supervisor.id)))
    dora = harness.chat(204, "Dora", "D")
    await join(supervisor, dora, invite_code(await supervisor.say("/invite")))
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
        # Issue 15's buttons: Mark final needs an approved latest version (the matrix's
        # Approve makes it so); Extend a milestone.
        now = datetime.now(UTC)
        milestone_id = (await conn.execute(Milestone.__table__.insert().values(
            supervisor_id=supervisor.id, student_id=alice.id, title="Chapter 1",
            due_at=now + timedelta(days=30), created_at=now, due_set_at=now)
            .returning(Milestone.id))).scalar_one()
        # Issue 17: Alice's thesis team gets a co-supervisor and an examiner (supervisors
        # registered by the admin's invites), and two co-supervisors to be removed.
        for user_id, name in ((301, "Rita R"), (302, "Rex R")):
            await conn.execute(User.__table__.insert().values(
                id=user_id, role="supervisor", full_name=name, language="en",
                reachable=True, created_at=now))
        for user_id, role in ((cora.id, "co_supervisor"), (eve.id, "examiner"),
                              (301, "co_supervisor"), (302, "co_supervisor")):
            await conn.execute(ThesisMember.__table__.insert().values(
                student_id=alice.id, user_id=user_id, role=role, created_at=now))
        # Issue 21's buttons: a meeting with Alice ahead, one past with a record and an item.
        meeting_id, past_id = [(await conn.execute(Meeting.__table__.insert().values(
            supervisor_id=supervisor.id, title="Plan", starts_at=now + delta,
            time_set_at=now - timedelta(days=20), created_at=now - timedelta(days=20),
            notes="Notes" if delta.days < 0 else None, notes_at=now if delta.days < 0 else None)
            .returning(Meeting.id))).scalar_one()
            for delta in (timedelta(days=10), -timedelta(days=1))]
        for meeting in (meeting_id, past_id):
            await conn.execute(MeetingParticipant.__table__.insert().values(
                meeting_id=meeting, student_id=alice.id, answer="pending"))
        item_id = (await conn.execute(MeetingItem.__table__.insert().values(
            meeting_id=past_id, position=1, text="Draft chapter 3")
            .returning(MeetingItem.id))).scalar_one()
        # 🔍 What changed sends the version's detailed comparison: one is stored for it
        # (once its own job is over, so that the job does not write over it).
        for _ in range(300):
            finished = (await conn.execute(select(VersionComparison.finished_at).where(
                VersionComparison.submission_id == submission_id))).scalar_one_or_none()
            if finished is not None:
                break
            await asyncio.sleep(0.05)
        html_key = "theses/comparisons/" + "c" * 32 + ".html"
        await conn.execute(insert(StoredFile), stored_values(html_key, kind="comparison"))
        await conn.execute(update(VersionComparison)
                           .where(VersionComparison.submission_id == submission_id)
                           .values(html_key=html_key))
    await engine.dispose()
    async with aioboto3.Session().client("s3", endpoint_url=harness.settings.s3_endpoint_url,
                                         region_name="us-east-1") as s3:
        await s3.put_object(Bucket=harness.settings.s3_bucket, Key=html_key,
                            Body=b"<!DOCTYPE html><p>changes</p>")
    people["other_student"] = bob
    people["co_supervisor"], people["examiner"] = cora, eve
    team = {"supervisor", "co_supervisor", "examiner", "admin"}
    buttons: list[tuple[str, set[str], str | None]] = [
        # Request changes asks for a comment (cancelled after); Approve decides at once
        # (issue 27), so the first allowed role's press approves and the others are skipped.
        (f"rv:r:{submission_id}", {"supervisor", "co_supervisor", "admin"}, "comment"),
        (f"rv:a:{submission_id}", {"supervisor", "co_supervisor", "admin"}, "Approved: version"),
        (f"f:{submission_id}:0", {"student"} | team, None),
        (f"wc:{submission_id}", {"student"} | team, None),
        ("qp:0", {"other_supervisor", "co_supervisor", "examiner", "supervisor", "admin"},
         "for review"),
        (f"st:{alice.id}", team, "v1"),
        # The team view, its invites, the approval rule, Remove (one member each by the
        # supervisor and the admin, like the invites above).
        (f"tm:v:{alice.id}:0", team, "Thesis team of"),
        (f"tm:c:{alice.id}:0", {"supervisor", "admin"}, "Invite for the co-supervisor"),
        (f"tm:l:{alice.id}:0", {"supervisor", "admin"}, "Approval: all —"),
        (f"tm:n:{alice.id}:0", {"supervisor", "admin"}, "Approval: any —"),
        (f"tm:r:{alice.id}:301", {"supervisor"}, "Rita R was removed"),
        (f"tm:r:{alice.id}:302", {"admin"}, "Rex R was removed"),
        (f"dl:{alice.id}", {"supervisor", "co_supervisor"}, "called"),
        (f"ir:{invite_ids[0]}", {"supervisor"}, "revoked"),
        (f"ir:{invite_ids[1]}", {"admin"}, "revoked"),
        ("pp:0", {"admin"}, "People"),
        (f"pn:{alice.id}", {"admin"}, "Status: active"),
        (f"ac:d:{bob.id}", {"admin"}, "Bob B is deactivated"),
        (f"ac:r:{bob.id}", {"admin"}, "Bob B is reactivated"),
        # Mark final makes the thesis final (the admin's press is checked below, the thesis
        # approved again); Reopen asks for a reason; Extend for the student's own date.
        (f"th:f:{alice.id}", {"supervisor", "co_supervisor", "admin"},
         "authorship declaration"),
        # Issue 30: only the student confirms the declaration (then the thesis is final).
        ("as:d:0:0", {"student"}, "Declaration recorded"),
        (f"th:o:{alice.id}", {"supervisor", "co_supervisor", "admin"}, "Reopening"),
        # Final now: only its markers (the supervisor and the examiner) mark it.
        (f"tm:g:{alice.id}:0", {"examiner", "supervisor"}, "Marking"),
        # Marks: nothing until every marker has submitted, for the team; none for others.
        (f"as:b:{alice.id}:0", team, "hidden until every marker"),
        (f"ms:e:{milestone_id}", {"supervisor"}, "More time"),
        # Issue 16: a comment on a version (its thread's people: the student and the whole
        # thesis team), reading the thread, a supervisor-side note; a thread file that is not
        # there; the checklist and carry-over buttons work only inside their step, so outside
        # it they are stale for everyone.
        (f"tc:r:{submission_id}:0", {"student"} | team, "Your comment on version 1"),
        (f"tc:v:{submission_id}:0", {"student"} | team, "No comments"),
        (f"nt:{alice.id}", team, "students never see it"),
        ("tf:1", set(), None),
        ("ck:t:1", set(), None),
        ("ck:d:0", set(), None),
        ("co:1", set(), None),
        (f"mg:{alice.id}", {"supervisor", "co_supervisor"}, "What is it about"),
        (f"mr:y:{meeting_id}", {"student"}, "You confirmed"),
        (f"mr:n:{meeting_id}", {"student"}, "can't make"),
        (f"mr:a:{past_id}", {"student"}, "You agreed"),
        (f"mr:c:{past_id}", {"student"}, "What should the record"),
        (f"mt:m:{meeting_id}", {"supervisor"}, "new date"),
        (f"mt:n:{past_id}", {"supervisor"}, "The record of"),
        (f"mi:{item_id}", {"supervisor"}, "is a milestone"),
        # Everyone registered has a calendar; every supervisor-side person an export scope.
        ("cal:1", {"student", "other_student", "other_supervisor", "supervisor", "admin",
                   "co_supervisor", "examiner"}, "New link"),
        ("ex:t", {"other_supervisor", "supervisor", "admin", "co_supervisor", "examiner"},
         None),
        # /language: anyone registered picks theirs (English here, so the texts stay so).
        ("lg:en", {"other_student", "student", "other_supervisor", "supervisor", "admin",
                   "co_supervisor", "examiner"},
         "speaks English"),
    ]
    order = ["none", "other_student", "student", "other_supervisor", "examiner",
             "co_supervisor", "supervisor", "admin", "deactivated"]
    for data, allowed, effect in buttons:
        for role in order:
            chat = people[role]
            if data.startswith("ir:") and role not in allowed and role in {"supervisor",
                                                                           "admin"}:
                continue  # each invite is revoked by one allowed role; the other is below
            if data.startswith("tm:r:") and role not in allowed and role in {"supervisor",
                                                                             "admin"}:
                continue  # each member is removed by one allowed role
            if data.startswith("rv:a:") and role in {"supervisor", "admin"}:
                continue  # approved by the co-supervisor's press already
            if data.startswith("th:f:") and role in {"admin", "co_supervisor"}:
                continue  # final after one press: the admin's Mark final is checked below
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
            assert ok, (data, role, alert, _text, [m.content for m in new])
            if role in allowed and (data.startswith(("rv:", "dl:", "th:o:", "ms:e:",
                                                     "tm:g:", "tc:r:", "nt:", "mg:", "mr:c:",
                                                     "mt:"))):
                await command(harness, logs, start, chat, "/cancel")
            if role in allowed and data.startswith("rv:a:"):
                # Done: the student is told now, not while the next buttons are checked.
                student_before = people["student"].bot_count
                await emu.click(chat.id, emu.bot_messages(chat.id)[-1].message_id,
                                f"ap:d:{submission_id}")
                await emu.wait_until(lambda b=student_before: any(
                    "approved" in m.content.lower()
                    for m in emu.bot_messages(people["student"].id)[b:]))
            if role in allowed and data.startswith("as:d:"):
                # The markers are asked; wait for it, so that it is not taken for an answer.
                for marker in (people["supervisor"], people["examiner"]):
                    await emu.wait_until(lambda m=marker: any(
                        "mark it" in x.content for x in emu.bot_messages(m.id)))
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
    assert any("authorship declaration" in m.content
               for m in emu.bot_messages(admin.id)[before:])
    assert (await counts(harness))["declaration"] == 1
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
