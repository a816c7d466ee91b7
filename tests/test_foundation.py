"""The running bot: /start through the emulator in both modes, the webhook secret,
/health, /ready and /metrics."""

from __future__ import annotations

import aiohttp

from tests.conftest import BotFactory, Harness, free_port


async def test_start_in_polling_mode(harness: Harness) -> None:
    stranger = harness.chat(5001, "Stranger")
    reply = await stranger.say("/start")
    assert "invite link" in reply
    assert "5001" in reply


async def test_admin_is_recognised_from_config(harness: Harness) -> None:
    admin = harness.chat(1, "Ada", "Admin")
    reply = await admin.say("/start")
    assert "administrator" in reply
    await harness.emu.wait_until(lambda: bool(harness.emu.calls_to("setMyCommands")))
    menu = harness.emu.calls_to("setMyCommands")[-1]
    assert menu["scope"]["chat_id"] == 1
    assert "invite" in str(menu["commands"]) and "submit" not in str(menu["commands"])


async def test_start_in_webhook_mode_and_secret_is_enforced(make_bot: BotFactory) -> None:
    bot = await make_bot("webhook")
    assert bot.emu.webhook_url == bot.settings.webhook_url
    registered = bot.emu.calls_to("setWebhook")[-1]
    assert registered["secret_token"] == bot.settings.webhook_secret.get_secret_value()
    assert "callback_query" in registered["allowed_updates"]
    reply = await bot.chat(5002, "Webhook").say("/start")
    assert "invite link" in reply
    update = {"update_id": 999_001, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 5002, "type": "private"},
        "from": {"id": 5002, "is_bot": False, "first_name": "X"}, "text": "/start"}}
    async with aiohttp.ClientSession() as http:
        url = bot.http + bot.settings.webhook_path
        async with http.post(url, json=update) as response:
            assert response.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        async with http.post(url, json=update, headers=headers) as response:
            assert response.status == 401


async def test_health_ready_and_metrics(harness: Harness) -> None:
    await harness.chat(5003, "Metrics").say("/start")
    async with aiohttp.ClientSession() as http:
        async with http.get(harness.http + "/health") as response:
            assert response.status == 200
        async with http.get(harness.http + "/ready") as response:
            body = await response.json()
            assert response.status == 200, body
            assert body["database"] == body["redis"] == body["files"] == "ok"
        async with http.get(harness.http + "/metrics") as response:
            metrics = await response.text()
    for name in ("thesis_submissions_total", "user_registrations_total",
                 "review_completions_total", "telegram_updates_total",
                 "update_handling_seconds", "application_errors_total",
                 "http_request_duration_seconds"):
        assert name in metrics, name
    assert 'telegram_updates_total{type="message"}' in metrics
    # Labelled by route pattern (the dashboards' and alarms' contract), not by raw path.
    assert 'http_request_duration_seconds_count{method="GET",route="/health",status="200"}' \
        in metrics or \
        'http_request_duration_seconds_count{route="/health",method="GET",status="200"}' \
        in metrics


async def test_ready_names_redis_when_it_is_unreachable(make_bot: BotFactory) -> None:
    bot = await make_bot(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    async with aiohttp.ClientSession() as http:
        async with http.get(bot.http + "/ready") as response:
            body = await response.json()
    assert response.status == 503
    assert body["failed"] == ["redis"]
    assert body["database"] == "ok"
