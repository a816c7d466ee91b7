"""Issue 26, items 7-9: the Bot API answers oddly (the emulator made to answer as a broken
proxy or a changed Bot API would), through the real bot process in polling mode.

7. A poller that died (getMe without ``is_bot``) makes /ready 503 and the process exit
   non-zero with the reason logged.
8. Cosmetic calls (chat actions, menus) that fail, an HTML 502 page included, never turn
   finished work into "Something went wrong"; they are counted.
9. One odd answer fails one call: a getUpdates batch with an unreadable update still
   delivers the others, and the process goes on.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import aiohttp

from telegram.cosmetic import COSMETIC_FAILURES
from tests import documents
from tests.conftest import BotFactory, Harness
from tests.people import ALICE, BOB, SUPERVISOR, seed
from tests.test_progress import student_ready_to_upload
from tgemu import BotAPIEmulator

HTML_502 = (b"<html><head><title>502 Bad Gateway</title></head><body><center>"
            b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
SORRY = "Something went wrong"


def without(field: str, kind: str) -> Any:
    """A mangle for answer_oddly: ``field`` dropped from the result (or from each update's
    ``kind`` object)."""
    def mangle(payload: dict[str, Any]) -> dict[str, Any]:
        result = payload["result"]
        if isinstance(result, list):
            for update in result:
                update.get(kind, {}).pop(field, None)
        elif isinstance(result, dict):
            result.pop(field, None)
        return payload
    return mangle


async def ready(harness: Harness) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"{harness.http}/ready") as r:
        return r.status, await r.json()


# --- 7 --------------------------------------------------------------------------------------

async def test_a_dead_poller_is_not_ready_and_ends_the_process(
        make_bot: BotFactory, emulator: BotAPIEmulator) -> None:
    emulator.answer_oddly("getMe", mangle=without("is_bot", ""), times=1000)
    harness = await make_bot()
    process = harness.process
    await asyncio.wait_for(process.stop_event.wait(), 30)
    status, body = await ready(harness)
    assert status == 503 and "polling" in body["failed"], body
    assert "ClientDecodeError" in body["polling"]
    assert process.exit_code != 0


async def test_the_process_exits_non_zero_with_the_reason_logged(
        emulator: BotAPIEmulator, db: str, redis_url: str, tmp_path: Any) -> None:
    emulator.answer_oddly("getMe", mangle=without("is_bot", ""), times=1000)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": emulator.token,
           "TELEGRAM_API_URL": emulator.base_url, "DATABASE_URL": db, "REDIS_URL": redis_url,
           "HTTP_HOST": "127.0.0.1", "HTTP_PORT": "0", "DATA_DIR": str(tmp_path),
           "LOG_FORMAT": "json", "ADMIN_IDS": "1"}
    for name in ("S3_BUCKET", "WEBAPP_URL", "BOT_MODE"):
        env.pop(name, None)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode not in (0, None), output.decode()[-2000:]
    events = [json.loads(line) for line in output.decode().splitlines()
              if line.startswith("{")]
    died = [e for e in events if e.get("event") == "polling_died"]
    assert died and "is_bot" in died[0]["reason"], output.decode()[-2000:]


# --- 8 --------------------------------------------------------------------------------------

async def test_a_failed_chat_action_does_not_spoil_an_upload(harness: Harness) -> None:
    alice = await student_ready_to_upload(harness)
    before = COSMETIC_FAILURES.labels(method="sendChatAction")._value.get()
    harness.emu.answer_oddly("sendChatAction", status=502, body=HTML_502, times=10)
    replies = await alice.upload(documents.pdf("thesis"), "thesis.pdf")
    assert "note" in replies[-1].content, alice.emu.transcript(alice.id)
    assert "Version 1 received" in await alice.say("/skip")
    assert not any(SORRY in (m.content or "") for m in alice.emu.bot_messages(alice.id))
    assert COSMETIC_FAILURES.labels(method="sendChatAction")._value.get() > before


async def test_a_failed_command_menu_does_not_undo_a_welcome(harness: Harness) -> None:
    from tests.test_progress import invite_code

    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    sam = harness.chat(SUPERVISOR, "Sam", "Supervisor")
    link = invite_code(await admin.say("/invite"))
    before = COSMETIC_FAILURES.labels(method="setMyCommands")._value.get()
    harness.emu.answer_oddly("setMyCommands", status=502, body=HTML_502, times=5)
    harness.emu.answer_oddly("setChatMenuButton", status=502, body=HTML_502, times=5)
    replies = await sam.send(f"/start {link}")
    await asyncio.sleep(0.5)  # anything said after the welcome would be here by now
    texts = [m.content or "" for m in harness.emu.bot_messages(sam.id)]
    assert replies and not any(SORRY in text for text in texts), texts
    assert "invite" in (await sam.say("/help")).lower()  # registered as a supervisor
    assert COSMETIC_FAILURES.labels(method="setMyCommands")._value.get() > before


# --- 9 --------------------------------------------------------------------------------------

async def test_an_unreadable_update_fails_alone(make_bot: BotFactory, db: str) -> None:
    await seed(db)
    harness = await make_bot()
    alice, bob = harness.chat(ALICE, "Alice", "A"), harness.chat(BOB, "Bob", "B")
    # From now on every callback query comes without chat_instance (from the next
    # getUpdates on: the one waiting already is answered as usual, with Alice's /status).
    harness.emu.answer_oddly("getUpdates", mangle=without("chat_instance", "callback_query"),
                             times=10_000)
    await alice.say("/status")
    # Bob's message and Alice's click arrive together: one batch.
    await harness.emu.send_text(BOB, "/status")
    await harness.emu.click(ALICE, 1, "x:odd", chat_id=ALICE)
    await bob.expect(1, 0)  # Bob answered, though his update shared a batch with hers
    # Later updates are still received: the unreadable one is skipped, not re-read forever.
    assert await bob.say("/help")
    status, _body = await ready(harness)
    assert status == 200


async def test_a_500_without_ok_is_a_telegram_error_of_one_call(harness: Harness) -> None:
    from aiogram.exceptions import TelegramServerError

    harness.emu.answer_oddly("sendMessage", status=500, body=b'{"description": "oops"}',
                             content_type="application/json")
    try:
        await harness.process.bot.send_message(ALICE, "hello")
    except TelegramServerError as exc:
        assert "oops" in exc.message
    else:
        raise AssertionError("a 500 answered as a success")
    harness.chat(ALICE, "Alice", "A")
    await harness.process.bot.send_message(ALICE, "hello again")  # the next call is fine
