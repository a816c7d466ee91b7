"""Issue 13, revocable access, end to end: /users, Deactivate and Reactivate from the admin's
chat, what a deactivated person (and an id removed from ADMIN_IDS) gets, their invites, the
audit log, the notices they receive."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from storage.db import create_engine
from storage.models import AuditEntry, Invite, Thesis, User
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, free_port
from tests.reliability.tools import LoadBalancer
from tests.support.conversation import invite_code, onboard, submit, told

REFUSED = "Your access has been deactivated"


async def query(harness: Harness, statement: Any) -> list[Any]:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        result = list((await conn.execute(statement)).all())
    await engine.dispose()
    return result


async def deactivated_at(harness: Harness, user_id: int) -> Any:
    [(value,)] = await query(harness, select(User.deactivated_at).where(User.id == user_id))
    return value


async def audit_actions(harness: Harness, user_id: int) -> list[tuple[str, int | None]]:
    found = await query(harness, select(AuditEntry.action, AuditEntry.actor_id)
                        .where(AuditEntry.object_type == "user",
                               AuditEntry.object_id == str(user_id),
                               AuditEntry.action.like("user.%activate"))
                        .order_by(AuditEntry.id))
    return [(action, actor) for action, actor in found]


async def open_person(admin: Chat, name: str) -> str:
    listing = (await admin.send("/users"))[-1]
    assert name in listing.content and name in listing.button_texts()
    view = (await admin.click(name, message_id=listing.message_id))[-1]
    return view.content


async def press(admin: Chat, button: str) -> list[str]:
    """Deactivate / Reactivate on the newest person view: the confirmation, then the view."""
    return [m.content for m in await admin.click(button, expect=2)]


async def notice(chat: Chat, before: int, text: str) -> None:
    await chat.emu.wait_until(lambda: any(text in m.content
                                          for m in chat.emu.bot_messages(chat.id)[before:]))


async def button_alert(harness: Harness, chat: Chat, message_id: int, data: str) -> str | None:
    answers = len(harness.emu.callback_answers)
    before = chat.bot_count
    await harness.emu.click(chat.id, message_id, data)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    _id, text, alert = harness.emu.callback_answers[-1]
    assert alert and chat.bot_count == before, (text, chat.bot_count)
    return text


async def test_admin_deactivates_and_reactivates_a_student(harness: Harness) -> None:
    admin, supervisor, alice, bob = await onboard(harness)
    await submit(alice, documents.pdf("a"), "a.pdf", title="Alice's thesis")

    listing = (await admin.send("/users"))[-1].content
    assert "Sam Supervisor" in listing and "Alice A" in listing and "Bob B" in listing
    assert listing.index("Sam Supervisor") < listing.index("Alice A")  # supervisors first
    view = await open_person(admin, "Alice A")
    assert "Alice A" in view and "student" in view and "Status: active" in view
    assert admin.last().button_texts() == ["Deactivate", "« All people"]

    before = alice.bot_count
    confirmation, view = await press(admin, "Deactivate")
    assert "Alice A is deactivated" in confirmation
    assert "Status: deactivated since" in view
    assert admin.last().button_texts() == ["Reactivate", "« All people"]
    await notice(alice, before, "deactivated your access")
    assert await deactivated_at(harness, alice.id) is not None
    assert "⛔ deactivated" in (await admin.send("/users"))[-1].content

    for command in ("/submit", "/status", "/history", "/help", "/cancel", "hello"):
        assert REFUSED in await alice.say(command), command
    start = await alice.say("/start")
    assert "deactivated" in start and "does not take your commands" in start
    # Bob, the supervisor and the admin are not affected; Alice's data stays visible.
    assert "title" in await bob.say("/submit")
    await bob.say("/cancel")
    students = await supervisor.say("/students")
    assert "Alice A" in students and "Alice's thesis" in students
    assert len(await query(harness, select(Thesis).where(Thesis.student_id == alice.id))) == 1

    # A second click on the old Deactivate button changes and announces nothing.
    first_view = [m for m in harness.emu.bot_messages(admin.id)
                  if m.button_texts() and m.button_texts()[0] == "Deactivate"][-1]
    again = await admin.click("Deactivate", message_id=first_view.message_id, expect=2)
    assert "already deactivated" in again[0].content

    before = alice.bot_count
    confirmation, view = await press(admin, "Reactivate")
    assert "Alice A is reactivated" in confirmation and "Status: active" in view
    await notice(alice, before, "reactivated your access")
    assert await deactivated_at(harness, alice.id) is None
    assert "PDF" in await alice.say("/submit")  # she has a thesis: straight to the file
    assert "cancelled" in (await alice.say("/cancel")).lower()
    assert await audit_actions(harness, alice.id) == [("user.deactivate", admin.id),
                                                      ("user.reactivate", admin.id)]


async def test_deactivated_supervisor_cannot_act_and_their_invites_stop_working(
        harness: Harness) -> None:
    admin, supervisor, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    await harness.emu.wait_until(lambda: any(m.document for m in
                                             harness.emu.bot_messages(supervisor.id)))
    card = [m for m in harness.emu.bot_messages(supervisor.id) if m.document][-1]
    code = invite_code(await supervisor.say("/invite 30 5"))

    await open_person(admin, "Sam Supervisor")
    confirmation, view = await press(admin, "Deactivate")
    assert "Sam Supervisor is deactivated" in confirmation and "supervisor" in view
    assert "open invites (1) are revoked" in confirmation
    [(revoked_at,)] = await query(harness, select(Invite.revoked_at).where(Invite.code == code))
    assert revoked_at is not None

    newcomer = harness.chat(203, "Cleo", "C")
    assert "revoked" in await newcomer.say(f"/start {code}")
    assert not await query(harness, select(User).where(User.id == newcomer.id))
    await told(supervisor, "has deactivated your access")  # the notice is not an answer
    for command in ("/queue", "/students", "/invite", "/invites", "/milestones"):
        assert REFUSED in await supervisor.say(command), command
    alert = await button_alert(harness, supervisor, card.message_id, card.reply_markup[
        "inline_keyboard"][0][0]["callback_data"])
    assert alert is not None and REFUSED in alert

    before = supervisor.bot_count
    await press(admin, "Reactivate")
    await notice(supervisor, before, "reactivated your access")
    assert "Waiting for review" in (await supervisor.send("/queue", expect=2))[0].content
    # Invites revoked by the deactivation stay revoked.
    assert "revoked" in await newcomer.say(f"/start {code}")


async def test_admin_cannot_deactivate_themselves_or_a_configured_admin(
        make_bot: BotFactory) -> None:
    harness = await make_bot(admin_ids=[1, 2])
    admin, _supervisor, alice, _bob = await onboard(harness)
    other_admin = harness.chat(2, "Otto", "Admin")
    await other_admin.say("/start")
    assert "Otto" not in (await admin.send("/users"))[-1].content
    message_id = admin.last().message_id
    assert "cannot deactivate yourself" in (await button_alert(
        harness, admin, message_id, f"ac:d:{admin.id}") or "")
    assert "by configuration" in (await button_alert(
        harness, admin, message_id, f"ac:d:{other_admin.id}") or "")
    assert await deactivated_at(harness, admin.id) is None
    assert await deactivated_at(harness, other_admin.id) is None
    # Someone who is not an admin cannot press a forged Deactivate either.
    await button_alert(harness, alice, alice.last().message_id, f"ac:d:{alice.id}")
    assert await deactivated_at(harness, alice.id) is None


async def test_an_id_removed_from_admin_ids_is_no_longer_admin(make_bot: BotFactory) -> None:
    first = await make_bot(admin_ids=[1])
    admin = first.chat(1, "Ada", "Admin")
    await admin.say("/start")
    assert "Statistics" in await admin.say("/stats")
    await first.process.stop()

    second = await make_bot(admin_ids=[7])
    for command in ("/stats", "/invite", "/users", "/queue", "/help"):
        assert "no longer an administrator" in await admin.say(command), command
    assert "no longer an administrator" in await admin.say("/start")
    [(role,)] = await query(second, select(User.role).where(User.id == admin.id))
    assert role == "admin"  # the row is kept; the configuration decides
    assert not await query(second, select(Invite))
    await second.process.stop()

    # Back in ADMIN_IDS, an admin again on the next update.
    await make_bot(admin_ids=[1])
    assert "Statistics" in await admin.say("/stats")


async def test_deactivated_on_one_replica_is_refused_by_the_other_on_the_next_update(
        make_bot: BotFactory) -> None:
    # Two webhook replicas behind a balancer the test steers; each has its own user cache.
    ports = [free_port(), free_port()]
    balancer = await LoadBalancer(ports).start()
    try:
        shared = dict(webhook_base_url=f"http://127.0.0.1:{balancer.port}",
                      webhook_secret="s3cr3t-" + secrets.token_hex(8))
        a = await make_bot("webhook", http_port=ports[0], **shared)
        await make_bot("webhook", http_port=ports[1], **shared)
        balancer.backends = [ports[1]]  # everyone talks to replica B first
        admin, _supervisor, alice, _bob = await onboard(a)
        assert "not submitted anything yet" in await alice.say("/status")  # B knows her now

        balancer.backends = [ports[0]]
        await open_person(admin, "Alice A")
        before = alice.bot_count
        confirmation, _view = await press(admin, "Deactivate")
        assert "Alice A is deactivated" in confirmation
        await notice(alice, before, "deactivated your access")  # not to be taken for a reply

        balancer.backends = [ports[1]]
        assert REFUSED in await alice.say("/status")

        balancer.backends = [ports[0]]
        await open_person(admin, "Alice A")
        before = alice.bot_count
        await press(admin, "Reactivate")
        await notice(alice, before, "reactivated your access")
        balancer.backends = [ports[1]]
        assert "not submitted anything yet" in await alice.say("/status")
    finally:
        await balancer.close()


async def test_a_version_for_a_deactivated_supervisor_goes_to_the_admins(
        harness: Harness) -> None:
    admin, supervisor, alice, _bob = await onboard(harness)
    await open_person(admin, "Sam Supervisor")
    await press(admin, "Deactivate")
    await notice(supervisor, 0, "deactivated your access")
    told_before = supervisor.bot_count

    assert "Version 1 received" in await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    await harness.emu.wait_until(lambda: any(m.document for m in
                                             harness.emu.bot_messages(admin.id)))
    card = [m for m in harness.emu.bot_messages(admin.id) if m.document][-1]
    assert "their supervisor Sam Supervisor is deactivated" in card.content
    assert "Alice A" in card.content and "version 1" in card.content
    assert card.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…"]
    # The admin decides from the card; the deactivated supervisor was handed nothing.
    before = alice.bot_count
    assert "Approved" in (await admin.click("Approve", message_id=card.message_id))[-1].content
    assert "Recorded" in (await admin.click("Done", message_id=card.message_id))[-1].content
    await notice(alice, before, "approved")
    assert supervisor.bot_count == told_before
