"""The Bot API emulator driven through aiogram's real HTTP client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tgemu import BotAPIEmulator, parse_html

TOKEN = "4242:emulator-test-token"
USER = 1001


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator(token=TOKEN, webhook_backoff=0.01) as emulator:
        emulator.add_user(USER, "Ada", "Lovelace", username="ada")
        yield emulator


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    tg = Bot(TOKEN, session=session)
    yield tg
    await close_fast(session)


async def close_fast(session: AiohttpSession) -> None:
    # AiohttpSession.close() sleeps 250 ms for TLS shutdown; loopback HTTP needs none.
    if session._session is not None:
        await session._session.close()
    await session.close()


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


async def test_get_me(bot: Bot, emu: BotAPIEmulator) -> None:
    me = await bot.get_me()
    assert me.id == 4242
    assert me.username == "thesis_sandbox_bot"
    assert me.is_bot
    assert emu.calls[0][0] == "getMe"


async def test_html_keyboard_click_and_callback_answer(bot: Bot, emu: BotAPIEmulator) -> None:
    sent = await bot.send_message(
        USER,
        "<b>Review</b> &amp; <a href='https://x.test'>link</a>",
        parse_mode="HTML",
        reply_markup=keyboard(("Approve", "ok:1"), ("Reject", "no:1")),
    )
    assert sent.text == "Review & link"
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 6),
        ("text_link", 9, 4),
    ]
    recorded = emu.last_bot_message(USER)
    assert recorded.parse_mode == "HTML"
    assert recorded.button_texts() == ["Approve", "Reject"]

    query_id = await emu.click_button(USER, "Reject")
    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 1
    callback = updates[0].callback_query
    assert callback is not None
    assert callback.id == query_id
    assert callback.data == "no:1"
    assert callback.message is not None and callback.message.message_id == sent.message_id

    await bot.answer_callback_query(query_id, text="Rejected", show_alert=True)
    assert emu.callback_answers == [(query_id, "Rejected", True)]
    # The offset confirms the update; nothing is left afterwards.
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []

    with pytest.raises(AssertionError, match="available buttons"):
        await emu.click_button(USER, "Missing")


async def test_long_poll_wakes_on_user_message(bot: Bot, emu: BotAPIEmulator) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    await emu.send_text(USER, "/start INVITE42")
    updates = await asyncio.wait_for(poll, 2)
    message = updates[0].message
    assert message is not None and message.text == "/start INVITE42"
    assert message.entities is not None
    assert (message.entities[0].type, message.entities[0].offset, message.entities[0].length) == (
        "bot_command",
        0,
        6,
    )
    assert message.from_user is not None and message.from_user.username == "ada"


async def test_document_roundtrip_download(bot: Bot, emu: BotAPIEmulator) -> None:
    payload = bytes(range(256)) * 1000
    sent = await emu.send_document(USER, payload, "thesis.pdf", caption="draft")
    file_id = sent["document"]["file_id"]
    assert sent["document"]["mime_type"] == "application/pdf"
    downloaded = await bot.download(file_id)
    assert downloaded is not None
    assert downloaded.read() == payload


async def test_send_document_upload_and_resend_by_file_id(bot: Bot, emu: BotAPIEmulator) -> None:
    data = b"%PDF-1.7 review notes"
    message = await bot.send_document(
        USER,
        BufferedInputFile(data, filename="review.pdf"),
        caption="<i>Feedback</i>",
        parse_mode="HTML",
        reply_markup=keyboard(("Open", "open")),
    )
    assert message.document is not None
    assert message.caption == "Feedback"
    recorded = emu.last_bot_message(USER)
    assert recorded.document is not None
    assert recorded.document["file_name"] == "review.pdf"
    assert recorded.document["file_size"] == len(data)
    assert emu.file_bytes(message.document.file_id) == data

    again = await bot.send_document(USER, message.document.file_id)
    assert again.document is not None
    assert again.document.file_id == message.document.file_id
    assert len(emu.bot_messages(USER)) == 2


async def test_retry_after_is_surfaced(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.fail("sendMessage", 429, retry_after=1)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER, "hi")
    assert info.value.retry_after == 1
    await bot.send_message(USER, "hi again")  # the failure was used up
    assert [m.text for m in emu.bot_messages(USER)] == ["hi again"]
    assert len(emu.calls_to("sendmessage")) == 2


async def test_blocked_user_and_unknown_chat_are_forbidden(bot: Bot, emu: BotAPIEmulator) -> None:
    await emu.user_blocks_bot(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(USER, "hello?")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(999_999, "nobody")
    updates = await bot.get_updates(timeout=0)
    member = updates[-1].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"
    await emu.user_unblocks_bot(USER)
    await bot.send_message(USER, "welcome back")


async def test_telegram_validation_errors(bot: Bot, emu: BotAPIEmulator) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "<b>open", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Unsupported start tag"):
        await bot.send_message(USER, "<marquee>x</marquee>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard(("Long", "x" * 65)))
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "x" * 4097)
    msg = await bot.send_message(USER, "same")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(text="same", chat_id=USER, message_id=msg.message_id)
    edited = await bot.edit_message_text(text="changed", chat_id=USER, message_id=msg.message_id)
    assert not isinstance(edited, bool) and edited.text == "changed"
    record = emu.message(USER, msg.message_id)
    assert [e.text for e in record.edits] == ["same"]
    assert await bot.delete_message(USER, msg.message_id)
    assert emu.message(USER, msg.message_id).deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, msg.message_id)


async def test_get_file_over_cloud_limit_is_refused(bot: Bot, emu: BotAPIEmulator) -> None:
    sent = await emu.send_document(USER, b"tiny", "huge.zip", declared_size=25 * 1024 * 1024)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(sent["document"]["file_id"])

    async with BotAPIEmulator(token=TOKEN, local_mode=True) as local:
        local.add_user(USER, "Ada")
        doc = await local.send_document(USER, b"tiny", "huge.zip", declared_size=25 * 1024 * 1024)
        session = AiohttpSession(api=TelegramAPIServer.from_base(local.base_url))
        try:
            file = await Bot(TOKEN, session=session).get_file(doc["document"]["file_id"])
            assert file.file_size == 25 * 1024 * 1024 and file.file_path
        finally:
            await close_fast(session)


async def test_webhook_redelivers_until_2xx(bot: Bot, emu: BotAPIEmulator) -> None:
    seen: list[tuple[int, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        seen.append((update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=500 if len(seen) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        assert emu.calls_to("setWebhook")[-1]["secret_token"] == "s3cret"
        update = await emu.send_text(USER, "hello webhook")
        assert update["text"] == "hello webhook"
        await emu.wait_until(lambda: len(emu.webhook_deliveries) >= 2, timeout=3)
        await emu.wait_webhook_idle(timeout=3)
        assert [(d.attempt, d.status) for d in emu.webhook_deliveries] == [(1, 500), (2, 200)]
        assert len({d.update_id for d in emu.webhook_deliveries}) == 1
        assert seen[0] == seen[1] and seen[0][1] == "s3cret"
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook") and info.last_error_message
        with pytest.raises(Exception, match="webhook is active"):
            await bot.get_updates()
    finally:
        await runner.cleanup()


async def test_webhook_keeps_per_chat_order(bot: Bot, emu: BotAPIEmulator) -> None:
    received: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        text = update["message"]["text"]
        if text == "first" and received.count("first") == 0:
            received.append("first")
            return web.Response(status=502)  # forces a retry of "first" before "second"
        received.append(text)
        return web.Response()

    app = web.Application()
    app.router.add_post("/", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/")
        await emu.send_text(USER, "first")
        await emu.send_text(USER, "second")
        await emu.wait_webhook_idle(timeout=3)
        assert received == ["first", "first", "second"]
    finally:
        await runner.cleanup()


async def test_raw_http_protocol_details(emu: BotAPIEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emu.base_url}/botWRONG:token/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        url = f"{emu.base_url}/bot{TOKEN}/SENDMESSAGE"
        async with http.post(url, json={"chat_id": USER, "text": "json body"}) as resp:
            body = await resp.json()
            assert body["ok"] and body["result"]["text"] == "json body"
        async with http.get(f"{emu.base_url}/bot{TOKEN}/setSomethingNew?x=1") as resp:
            assert (await resp.json()) == {"ok": True, "result": True}
    assert emu.calls[-1] == ("setSomethingNew", {"x": "1"})


async def test_events_and_waiting(bot: Bot, emu: BotAPIEmulator) -> None:
    events = emu.subscribe()
    waiter = asyncio.create_task(emu.wait_for_bot_messages(USER, 1, timeout=2))
    msg = await bot.send_message(USER, "ping")
    assert [m.text for m in await waiter] == ["ping"]
    event = events.get_nowait()
    assert event["type"] == "message" and event["message"]["text"] == "ping"
    await bot.edit_message_reply_markup(
        chat_id=USER, message_id=msg.message_id, reply_markup=keyboard(("Go", "go"))
    )
    assert events.get_nowait()["type"] == "edit"
    snapshot = json.loads(json.dumps(emu.snapshot()))  # must stay JSON-serialisable
    assert snapshot["messages"][str(USER)][0]["reply_markup"]["inline_keyboard"]
    with pytest.raises(AssertionError, match="ping"):
        await emu.wait_for_bot_messages(USER, 5, timeout=0.05)


def test_html_parser() -> None:
    text, entities = parse_html('<pre><code class="language-py">x</code></pre> 😀<i>é</i>')
    assert text == "x 😀é"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 1, "language": "py"},
        {"type": "italic", "offset": 4, "length": 1},
    ]
    with pytest.raises(ValueError, match="Unmatched end tag"):
        parse_html("<b><i>x</b></i>")


async def test_server_errors_delays_and_misc_methods(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.fail("getMe", 500, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.get_me()
    emu.set_delay("getMe", 0.1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.get_me()
    assert loop.time() - started >= 0.1

    scope = BotCommandScopeChat(chat_id=USER)
    await bot.set_my_commands([BotCommand(command="start", description="Begin")], scope=scope)
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["start"]
    assert await bot.get_my_commands() == []
    assert emu.calls_to("setMyCommands")[0]["scope"] == {"type": "chat", "chat_id": USER}

    original = await emu.send_text(USER, "please copy me")
    copied = await bot.copy_message(USER, USER, original["message_id"])
    assert emu.message(USER, copied.message_id).text == "please copy me"
    forwarded = await bot.forward_message(USER, USER, original["message_id"])
    assert forwarded.forward_origin is not None
    await bot.send_chat_action(USER, "typing")
    assert emu.chat_actions == [(USER, "typing")]
    chat = await bot.get_chat(USER)
    assert chat.username == "ada"
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("nope")


async def test_user_side_updates(bot: Bot, emu: BotAPIEmulator) -> None:
    emu.add_group_chat(-100, "Thesis group", "supergroup")
    await emu.send_group_text(-100, USER, "hi group")
    sent = await emu.send_text(USER, "typo")
    await emu.edit_text(USER, sent["message_id"], "fixed")
    await emu.send_photo(USER, b"jpeg", caption="scan")
    await emu.send_voice(USER)
    await emu.send_sticker(USER)
    await emu.send_location(USER, 52.5, 13.4)
    await emu.send_contact(USER, "+100", "Ada")
    await emu.send_inline_query(USER, "thesis")
    raw = await emu.push_update({"update_id": 0, "message": {**sent, "text": "raw"}})
    assert raw["update_id"] == 10
    updates = await bot.get_updates(timeout=0, allowed_updates=[])
    kinds = [u.event_type for u in updates]
    messages_5 = ["message"] * 5
    assert kinds == ["message", "message", "edited_message", *messages_5, "inline_query", "message"]
    assert updates[0].message is not None and updates[0].message.chat.type == "supergroup"
    assert updates[2].edited_message is not None and updates[2].edited_message.text == "fixed"
    assert [m.from_bot for m in emu.messages(USER)] == [False] * 6


async def test_large_upload_is_streamed_to_disk(bot: Bot, emu: BotAPIEmulator) -> None:
    data = b"\x00\x01" * (3 * 1024 * 1024)  # 6 MB: crosses the write-buffer threshold
    message = await bot.send_document(USER, BufferedInputFile(data, filename="big.bin"))
    assert message.document is not None and message.document.file_size == len(data)
    assert emu.file_path_on_disk(message.document.file_id).stat().st_size == len(data)
    downloaded = await bot.download(message.document.file_id)
    assert downloaded is not None and downloaded.read() == data


async def test_aiogram_webhook_reply_is_executed(bot: Bot, emu: BotAPIEmulator) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> SendMessage:
        return message.answer(f"echo: {message.text}")  # returned in the webhook response

    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="tok").register(
        app, path="/wh"
    )
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/wh", secret_token="tok")
        await emu.send_text(USER, "hello")
        [reply] = await emu.wait_for_bot_messages(USER, 1, timeout=3)
        assert reply.text == "echo: hello"
        assert [d.status for d in emu.webhook_deliveries] == [200]
    finally:
        await runner.cleanup()


async def test_stop_releases_pending_long_poll() -> None:
    emulator = BotAPIEmulator(token=TOKEN)
    await emulator.start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    try:
        poll = asyncio.create_task(Bot(TOKEN, session=session).get_updates(timeout=30))
        await asyncio.sleep(0.05)
        await asyncio.wait_for(emulator.stop(), 2)
        assert await asyncio.wait_for(poll, 2) == []
    finally:
        await close_fast(session)


async def test_the_bots_json_session_sends_what_aiogram_s_form_sends(
        emu: BotAPIEmulator, bot: Bot) -> None:
    """bot.aiogram_overrides.session.BotApiSession sends calls without files as JSON: the same messages,
    markup, defaults and files arrive as through aiogram's own form-encoded session."""
    from aiogram.client.default import DefaultBotProperties
    from aiogram.types import BufferedInputFile

    from bot.aiogram_overrides.session import BotApiSession

    api = TelegramAPIServer.from_base(emu.base_url)
    defaults = DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True)
    ours = Bot(TOKEN, session=BotApiSession(api=api), default=defaults)
    stock = Bot(TOKEN, session=AiohttpSession(api=api), default=defaults)
    markup = keyboard(("✅ Approve", "rv:a:1"), ("Open", "rv:o:1"))
    try:
        sent = []
        for tg in (ours, stock):
            sent.append(await tg.send_message(USER, "<b>Bold</b> & <i>it</i> 0", reply_markup=markup,
                                              disable_notification=False))
            await tg.send_document(USER, BufferedInputFile(b"%PDF-1.7 x", "t.pdf"),
                                   caption="<b>v1</b>", reply_markup=markup)
            await tg.edit_message_text("<u>edited</u>", chat_id=USER,
                                       message_id=sent[-1].message_id)
        recorded = emu.bot_messages(USER)
        assert len(recorded) == 4
        for a, b in ((recorded[0], recorded[2]), (recorded[1], recorded[3])):
            assert (a.text, a.caption, a.entities, a.reply_markup) == \
                   (b.text, b.caption, b.entities, b.reply_markup)
            assert (a.document or {}).get("file_name") == (b.document or {}).get("file_name")
        assert recorded[0].text == "edited" and recorded[0].entities[0]["type"] == "underline"
        assert recorded[1].caption == "v1" and recorded[1].document is not None
        assert recorded[1].button_texts() == ["✅ Approve", "Open"]
    finally:
        for tg in (ours, stock):
            await close_fast(tg.session)  # type: ignore[arg-type]
