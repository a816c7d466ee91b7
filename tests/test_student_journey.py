"""Issue 3 end to end: invites, registration and versioned submission to S3,
through the Bot API emulator against PostgreSQL, Redis and the S3 server."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select, update

from storage.db import create_engine
from storage.models import Invite, Submission, Thesis, User
from tests import documents
from tests.conftest import Chat, Harness, bucket_keys, bucket_object
from tests.support.conversation import invite_code, onboard, rows, submit


async def test_full_student_journey(harness: Harness) -> None:
    _admin, supervisor, alice, bob = await onboard(harness)
    v1 = documents.pdf("alice v1")
    received = await submit(alice, v1, "thesis.pdf", title="On <b>Graphs</b> & Trees",
                            note="First draft")
    assert "Version 1 received" in received
    await harness.emu.wait_until(lambda: any(
        m.document for m in harness.emu.bot_messages(supervisor.id)))
    card = [m for m in harness.emu.bot_messages(supervisor.id) if m.document][-1]
    assert "Alice A" in card.content and "On <b>Graphs</b> & Trees" in card.content
    assert "version 1" in card.content and "First draft" in card.content
    assert card.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in card.reply_markup
               ["inline_keyboard"] for b in row)
    assert card.document["file_id"] == alice_doc_id(harness, alice)

    assert "Version 2 received" in await submit(alice, documents.docx("alice v2"),
                                                "thesis-v2.docx")
    assert "Version 1 received" in await submit(bob, documents.docx("bob"), "bob.docx",
                                                title="Bob's thesis")
    await harness.emu.wait_until(lambda: len(
        [m for m in harness.emu.bot_messages(supervisor.id) if m.document]) == 3)

    status = await alice.say("/status")
    assert "On <b>Graphs</b> & Trees" in status and "version 2" in status
    assert "waiting for your supervisor" in status.lower()
    history = (await alice.send("/history"))[-1]
    assert "v1" in history.content and "v2" in history.content
    assert history.button_texts() == ["📄 v1", "📄 v2"]
    await alice.click("📄 v1")
    assert alice.last().document is not None

    keys = await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket)
    assert len(keys) == 3 and await rows(harness, Submission) == 3
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        first = (await conn.execute(select(Submission).where(Submission.version == 1)
                                    .order_by(Submission.id))).first()
    await engine.dispose()
    stored = await bucket_object(harness.settings.s3_endpoint_url, harness.settings.s3_bucket,
                                 first.file_key)
    assert hashlib.sha256(stored["body"]).hexdigest() == hashlib.sha256(v1).hexdigest()
    assert first.sha256 == hashlib.sha256(v1).hexdigest() and first.file_size == len(v1)
    assert stored["sse"] == "aws:kms"  # the bucket's default key, not AES256 forced over it


def alice_doc_id(harness: Harness, alice: Chat) -> str:
    sent = [m for m in harness.emu.messages(alice.id) if not m.from_bot and m.document]
    return sent[-1].document["file_id"]


async def test_bad_files_are_refused_and_nothing_is_stored(harness: Harness) -> None:
    _admin, _supervisor, alice, _bob = await onboard(harness)
    await alice.say("/submit")
    await alice.say("My thesis")
    cases = [
        (documents.PNG, "scan.png", "not a PDF or DOCX"),
        (documents.EXE, "thesis.pdf", "not a PDF or DOCX"),
        (b"", "empty.pdf", "empty"),
        (b"%PDF-1.7\n" + b"1 0 obj\n" * 50, "cut.pdf", "incomplete"),
    ]
    for data, name, answer in cases:
        reply = (await alice.upload(data, name))[-1].content
        assert answer in reply, (name, reply)
    reply = (await alice.upload(documents.pdf("big"), "huge.pdf",
                                declared_size=50 * 1024 * 1024))[-1].content
    assert "too large" in reply and "20 MB" in reply
    photo_before = alice.bot_count
    await harness.emu.send_photo(alice.id)
    assert "as a file" in (await alice.expect(1, photo_before))[-1].content
    assert "as a file" in await alice.say("here is my thesis")
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []
    # Still at the document step: a good file now goes through.
    await alice.upload(documents.pdf("good"), "good.pdf")
    assert "Version 1 received" in await alice.say("/skip")
    # The same file again is refused, naming the version.
    await alice.say("/submit")
    assert "identical to version 1" in (await alice.upload(documents.pdf("good"), "again.pdf"))[-1].content
    assert len(await bucket_keys(harness.settings.s3_endpoint_url,
                                 harness.settings.s3_bucket)) == 1
    assert await rows(harness, Submission) == 1


async def test_s3_failure_leaves_no_row_and_no_object(harness: Harness) -> None:
    _admin, supervisor, alice, _bob = await onboard(harness)
    await alice.say("/submit")
    await alice.say("Thesis")
    files = harness.process.deps.files
    real_bucket = files.bucket  # type: ignore[attr-defined]
    files.bucket = "no-such-bucket"  # type: ignore[attr-defined]
    try:
        reply = (await alice.upload(documents.pdf("x"), "x.pdf"))[-1].content
    finally:
        files.bucket = real_bucket  # type: ignore[attr-defined]
    assert "could not store your file" in reply
    assert await rows(harness, Submission) == 0
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []
    # The conversation is still at the document step and works once S3 is back.
    await alice.upload(documents.pdf("x"), "x.pdf")
    assert "Version 1 received" in await alice.say("/skip")
    assert not [m for m in harness.emu.bot_messages(supervisor.id) if "x.pdf" in m.content]


async def test_invites_expired_revoked_used_and_unknown(harness: Harness) -> None:
    _admin, supervisor, _alice, _bob = await onboard(harness)
    used = harness.chat(300, "Late", "Comer")
    cohort_code = invite_code([m for m in harness.emu.bot_messages(supervisor.id)
                               if "t.me/" in m.content][-1].content)
    assert "already been used" in await used.say(f"/start {cohort_code}")
    assert "not valid" in await used.say("/start nonsense-code")
    expiring = invite_code(await supervisor.say("/invite"))
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.begin() as conn:
        await conn.execute(update(Invite).where(Invite.code == expiring)
                           .values(expires_at=func.now() - timedelta(minutes=1)))
    await engine.dispose()
    assert "expired" in await used.say(f"/start {expiring}")
    revoked = invite_code(await supervisor.say("/invite"))
    listing = (await supervisor.send("/invites"))[-1]
    assert revoked in listing.content
    await supervisor.click(f"Revoke {revoked[:6]}")
    assert "revoked" in await used.say(f"/start {revoked}")
    assert await rows(harness, User) == 4  # admin, supervisor, two students; nobody else
    assert "invite link" in await used.say("/start")
    assert "not registered" in await used.say("hello")


async def test_commands_mid_conversation_and_cancel(harness: Harness) -> None:
    _admin, _supervisor, alice, _bob = await onboard(harness)
    await alice.say("/submit")
    # A command mid-step leaves the step, says so in one line, and runs (issue 15).
    left, status = (await alice.send("/status", expect=2))[-2:]
    assert left.content == "Left the unfinished submission."
    assert "not submitted anything yet" in status.content
    assert "nothing to cancel" in (await alice.say("/cancel")).lower()
    await alice.say("/submit")
    assert "Cancelled" in await alice.say("/cancel")
    assert "nothing to cancel" in (await alice.say("/cancel")).lower()
    assert "/help" in await alice.say("just chatting")
    assert await rows(harness, Thesis) == 0


async def test_conversation_survives_a_restart(make_bot) -> None:  # type: ignore[no-untyped-def]
    first = await make_bot()
    _admin, supervisor, alice, _bob = await onboard(first)
    await alice.say("/submit")
    assert "PDF" in await alice.say("Restart-proof thesis")
    await first.process.stop()
    second = await make_bot()
    asked = await alice.upload(documents.pdf("after restart"), "r.pdf")
    assert "note" in asked[-1].content
    assert "Version 1 received" in await alice.say("/skip")
    await second.emu.wait_until(lambda: any(
        "Restart-proof thesis" in m.content for m in second.emu.bot_messages(supervisor.id)))
