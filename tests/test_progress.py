"""Issue 22 end to end: a big upload shows one progress message, edited as its bytes
arrive and then into the result, while the chat shows "sending a file"; through the
emulator (serving the file slowly) against PostgreSQL, Redis and S3."""

from __future__ import annotations

import itertools
import re

from sqlalchemy import select

from storage.db import create_engine
from storage.models import UploadJob
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.support.conversation import join

MB = 1024 * 1024
EDIT_INTERVAL = 2.0  # PROGRESS_EDIT_INTERVAL_SECONDS, the default


def invite_code(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def student_ready_to_upload(harness: Harness) -> Chat:
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    supervisor = harness.chat(100, "Sam", "Supervisor")
    await join(admin, supervisor, invite_code(await admin.say("/invite")))
    alice = harness.chat(201, "Alice", "A")
    await join(supervisor, alice, invite_code(await supervisor.say("/invite")))
    assert "title" in await alice.say("/submit")
    assert "PDF" in await alice.say("My thesis")
    return alice


def texts_of(harness: Harness, chat: Chat, message_id: int) -> list[str]:
    """Every text a message had, the first first, the current last."""
    message = next(m for m in harness.emu.bot_messages(chat.id) if m.message_id == message_id)
    return [edit.text or "" for edit in message.edits] + [message.content]


def percentages(texts: list[str]) -> list[int]:
    found = [re.search(r"Receiving your file… (\d+) %", text) for text in texts]
    return [int(match.group(1)) for match in found if match]


def edit_times(harness: Harness, chat: Chat) -> list[float]:
    return [at for at, params in harness.emu.timed_calls("editMessageText")
            if params.get("chat_id") == chat.id]


async def test_a_big_pdf_shows_its_progress_in_one_message(harness: Harness) -> None:
    alice = await student_ready_to_upload(harness)
    harness.emu.set_download_rate(2 * MB)  # 12 MB in about 6 s
    before = alice.bot_count
    first = (await alice.upload(documents.pdf("big", pad=12 * MB), "thesis.pdf"))[0]
    assert first.content == "⏳ Receiving your file… 0 %"
    await harness.emu.wait_until(lambda: "note" in texts_of(harness, alice, first.message_id)[-1],
                                 timeout=30)
    texts = texts_of(harness, alice, first.message_id)
    shown = percentages(texts)
    assert shown[0] == 0 and len(shown) >= 3, texts
    assert shown == sorted(set(shown)), texts  # increasing, none repeated
    assert "note" in texts[-1] and "Receiving" not in texts[-1]
    assert alice.bot_count == before + 1  # one message: the result replaced the progress
    times = edit_times(harness, alice)
    assert len(times) == len(texts) - 1
    assert all(b - a >= EDIT_INTERVAL for a, b in itertools.pairwise(times)), times
    actions = [action for chat_id, action in harness.emu.chat_actions if chat_id == alice.id]
    assert actions.count("upload_document") >= 2  # sent at once, renewed every 4 s

    assert "Version 1 received" in await alice.say("/skip")
    assert len(await bucket_keys(harness.settings.s3_endpoint_url,
                                 harness.settings.s3_bucket)) == 1


async def test_a_small_file_gets_the_chat_action_only(harness: Harness) -> None:
    alice = await student_ready_to_upload(harness)
    replies = await alice.upload(documents.pdf("small"), "thesis.pdf")
    assert len(replies) == 1 and "note" in replies[0].content and not replies[0].edits
    assert (alice.id, "upload_document") in harness.emu.chat_actions


async def test_a_refused_big_file_ends_with_the_refusal_in_the_same_message(
        harness: Harness) -> None:
    alice = await student_ready_to_upload(harness)
    harness.emu.set_download_rate(4 * MB)
    png = documents.PNG + b"\0" * (12 * MB)
    first = (await alice.upload(png, "thesis.pdf"))[0]
    assert "0 %" in first.content
    await harness.emu.wait_until(
        lambda: "Receiving" not in texts_of(harness, alice, first.message_id)[-1], timeout=30)
    final = texts_of(harness, alice, first.message_id)[-1]
    assert "not a PDF or DOCX" in final and "PDF and DOCX files only" in final
    assert alice.bot_count == 4  # welcome, title asked, file asked, and this one only
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []


async def test_cancel_during_an_upload_stops_it_and_says_so(harness: Harness) -> None:
    alice = await student_ready_to_upload(harness)
    harness.emu.set_download_rate(1 * MB)  # 12 s if nobody stopped it
    first = (await alice.upload(documents.pdf("big", pad=12 * MB), "thesis.pdf"))[0]
    await harness.emu.wait_until(lambda: len(texts_of(harness, alice, first.message_id)) >= 2,
                                 timeout=10)  # the first percentage: bytes are flowing
    replies = await alice.send("/cancel", timeout=8)
    assert replies[-1].content == "Cancelled. Nothing was changed."
    final = texts_of(harness, alice, first.message_id)[-1]
    assert final.startswith("✖️ Cancelled"), final
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []


async def test_a_file_above_the_background_size_is_received_by_the_worker(
        make_bot: BotFactory) -> None:
    harness = await make_bot(background_upload_mb=1)
    alice = await student_ready_to_upload(harness)
    harness.emu.set_download_rate(2 * MB)
    first = (await alice.upload(documents.pdf("big", pad=10 * MB), "thesis.pdf"))[0]
    assert first.content.startswith("⏳ Receiving your file… 0 %")
    # The update is done at once (the job is recorded); a note now is early, and kept waiting.
    assert "still arriving" in await alice.say("my note")
    await harness.emu.wait_until(lambda: "note" in texts_of(harness, alice, first.message_id)[-1]
                                 and "arriving" not in texts_of(harness, alice,
                                                                first.message_id)[-1],
                                 timeout=30)
    assert percentages(texts_of(harness, alice, first.message_id))[-1] > 0
    assert "Version 1 received" in await alice.say("the real note")
    assert await jobs(harness) == [("used", 1)]


async def jobs(harness: Harness) -> list[tuple[str, int]]:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        found = (await conn.execute(select(UploadJob.state, UploadJob.attempts)
                                    .order_by(UploadJob.id))).all()
    await engine.dispose()
    return [(state, attempts) for state, attempts in found]
