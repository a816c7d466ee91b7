"""Webhook delivery: the exact secret, redeliveries handled once, one user's updates one at
a time across two replicas, and an unexpected failure answered once and not retried."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import TelegramObject, Update

from bot.metrics import APP_ERRORS
from tests.conftest import BotFactory
from tests.reliability.conftest import Expect, Logs
from tests.reliability.tools import TALLY, post_webhook, raw_post, text_update


def _hook(harness: Any) -> tuple[int, str, str]:
    return (harness.process.port, harness.settings.webhook_path,
            harness.settings.webhook_secret.get_secret_value())


async def _settle(emu: Any, seconds: float = 0.4) -> None:
    await emu.wait_webhook_idle()
    await asyncio.sleep(seconds)


async def test_webhook_needs_the_exact_secret_and_handles_each_update_once(
        make_bot: BotFactory) -> None:
    harness = await make_bot("webhook")
    port, path, secret = _hook(harness)
    ada = harness.chat(1, "Ada", "Admin")
    update = text_update(1, "/help", first_name="Ada")
    for bad in (None, "", "wrong", secret[:-1], secret[:8], secret + "x", secret.upper(),
                secret.replace("-", "_")):
        assert await post_webhook(port, path, update, bad) == 401, bad
    await asyncio.sleep(0.2)
    assert ada.bot_count == 0

    # Telegram redelivers one update three times in a row: one answer.
    for _ in range(3):
        assert await post_webhook(port, path, update, secret) == 200
    # And four copies of another at once: one answer; copies still in progress elsewhere
    # are told to come back later (503), never handled twice.
    again = text_update(1, "/start", first_name="Ada")
    statuses = await asyncio.gather(*(post_webhook(port, path, again, secret)
                                      for _ in range(4)))
    assert set(statuses) <= {200, 503} and 200 in statuses, statuses
    await asyncio.sleep(0.5)
    replies = harness.emu.bot_messages(1)
    TALLY.delivered(sent=2, handled=len(replies))
    TALLY.effects(expected=2, observed=len(replies))
    assert len(replies) == 2, harness.emu.transcript(1)
    assert "administrator" in replies[1].content


async def test_bad_secret_headers_and_bodies_are_refused_4xx_without_a_traceback(
        make_bot: BotFactory, logs: Logs) -> None:
    harness = await make_bot("webhook")
    port, path, secret = _hook(harness)
    harness.chat(1, "Ada", "Admin")
    start = len(logs.capture.records)
    good = json.dumps(text_update(1, "/help", first_name="Ada")).encode()
    header = b"X-Telegram-Bot-Api-Secret-Token"
    bad_headers = [secret.encode() + "é".encode(), "секрет".encode(), b"\xff\xfe\x80",
                   secret.encode("ascii")[:-1] + b"\xe9", b"a" * 4000, b"\t" + secret.encode()[:4]]
    for value in bad_headers:
        assert await raw_post(port, path, [(header, value)], good) == 401, value
    # Sent twice: the second must be refused as well, not taken for a duplicate.
    assert await raw_post(port, path, [(header, secret.encode()), (header, b"x")], good) in {
        400, 401}
    ok = [(header, secret.encode())]
    bad_bodies = [b"", b"not json", b"{", b"\xff\xfe{}", b"[]", b"42", b"null", b'"text"',
                  b"{}", b'{"update_id": "seven"}', b'{"message": {"text": "hi"}}',
                  b'{"update_id": 1, "message": {"chat": 5}}']
    for body in bad_bodies:
        assert await raw_post(port, path, ok, body) == 400, body
    TALLY.bad_inputs += len(bad_headers) + len(bad_bodies) + 1
    TALLY.polite += len(bad_headers) + len(bad_bodies) + 1
    # Nothing got through, and the good request still does.
    await asyncio.sleep(0.2)
    assert harness.emu.bot_messages(1) == []
    assert await raw_post(port, path, ok, good) == 200
    await harness.emu.wait_for_bot_messages(1, 1)
    events = logs.capture.events(start)
    assert not [e for e in events if e["_exc"]], [e for e in events if e["_exc"]]
    assert sum(e.get("event") == "webhook_refused" for e in events) >= len(bad_bodies)


async def test_two_replicas_take_one_users_updates_one_at_a_time(make_bot: BotFactory) -> None:
    first = await make_bot("webhook")
    second = await make_bot("webhook")
    emu = first.emu
    ada = first.chat(1, "Ada", "Admin")
    await ada.say("/start")
    spans: list[tuple[float, float, int, str]] = []

    def spy(name: str) -> Callable[..., Awaitable[Any]]:
        async def middleware(handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                             event: TelegramObject, data: dict[str, Any]) -> Any:
            assert isinstance(event, Update)
            started = time.monotonic()
            try:
                return await handler(event, data)
            finally:
                spans.append((started, time.monotonic(), event.update_id, name))
        return middleware

    # Innermost of the outer middlewares: inside the per-user lock, around the handler.
    first.process.dp.update.outer_middleware(spy("first"))
    second.process.dp.update.outer_middleware(spy("second"))
    emu.set_delay("sendMessage", 0.1)
    replicas = [_hook(first), _hook(second)]
    before = ada.bot_count
    updates = [text_update(1, "/help", first_name="Ada") for _ in range(10)]
    statuses = await asyncio.gather(*(
        post_webhook(*replicas[i % 2][:2], update, replicas[i % 2][2])
        for i, update in enumerate(updates)))
    assert statuses == [200] * 10
    assert {name for *_, name in spans} == {"first", "second"}
    ordered = sorted(spans)
    for (_s1, end, *_), (start, _e2, *_) in itertools.pairwise(ordered):
        assert start >= end - 0.005, "two updates of one user ran at the same time"

    # The same update delivered to both replicas at once: handled by exactly one.
    emu.set_delay("sendMessage", 0.0)
    twins = [text_update(1, "/help", first_name="Ada") for _ in range(3)]
    results = await asyncio.gather(*(
        post_webhook(port, path, update, secret)
        for update in twins for port, path, secret in replicas))
    assert set(results) <= {200, 503}
    await asyncio.sleep(0.5)
    handled = ada.bot_count - before
    TALLY.delivered(sent=13, handled=handled)
    TALLY.effects(expected=13, observed=handled)
    assert handled == 13, emu.transcript(1)


async def test_an_unexpected_failure_is_apologised_for_logged_counted_and_not_retried(
        make_bot: BotFactory, watch: Expect, logs: Logs) -> None:
    harness = await make_bot("webhook")
    ada = harness.chat(1, "Ada", "Admin")
    await ada.say("/start")
    counted = APP_ERRORS.labels(error_type="TelegramBadRequest")._value.get()
    start = len(logs.capture.records)
    harness.emu.fail("sendMessage", 400, times=1, description="Bad Request: odd failure")
    before = ada.bot_count
    await harness.emu.send_text(1, "/help")
    update_id = harness.emu.updates[-1]["update_id"]
    reply = (await ada.expect(1, before))[-1].content
    assert "Something went wrong" in reply
    await _settle(harness.emu)
    deliveries = [d for d in harness.emu.webhook_deliveries if d.update_id == update_id]
    assert [d.status for d in deliveries] == [200]
    assert ada.bot_count == before + 1
    assert APP_ERRORS.labels(error_type="TelegramBadRequest")._value.get() == counted + 1
    failed = [e for e in logs.capture.events(start) if e.get("event") == "update_failed"]
    assert len(failed) == 1 and failed[0]["update_id"] == update_id
    assert failed[0]["error_type"] == "TelegramBadRequest"
    watch.errors = 1  # provoked on purpose
    TALLY.bad_input("update failing unexpectedly", "Something went wrong" in reply)
