"""The floor: a bare aiogram bot in its own process, webhook mode like the real one.

One handler per update type: read the chat's FSM data from Redis, write it back, reply.
The same aiogram request handler (``SimpleRequestHandler``, ``handle_in_background=False``),
the same HTTP client session to the emulator, ``gc.freeze()`` after start-up like
``BotProcess.start``; nothing else (no database, no logging, no middlewares).

Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, HTTP_PORT, WEBHOOK_BASE_URL,
WEBHOOK_SECRET, REDIS_URL.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from redis.asyncio import Redis

PATH = "/telegram/webhook"


async def on_message(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    seen = int(data.get("seen", 0)) + 1
    await state.update_data(seen=seen, last=message.text)
    await message.answer(f"Got <b>{seen}</b> message(s).")


async def on_callback(query: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    data = await state.get_data()
    seen = int(data.get("seen", 0)) + 1
    await state.update_data(seen=seen, last=query.data)
    await query.answer()
    await bot.send_message(query.from_user.id, f"Pressed <b>{query.data}</b>.")


async def ready(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ready"})


async def main() -> None:
    env = os.environ
    api = TelegramAPIServer.from_base(env["TELEGRAM_API_URL"])
    bot = Bot(env["TELEGRAM_BOT_TOKEN"], session=AiohttpSession(api=api),
              default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    redis = Redis.from_url(env["REDIS_URL"])
    storage = RedisStorage(redis, key_builder=DefaultKeyBuilder(prefix="floor",
                                                                with_bot_id=True))
    dp = Dispatcher(storage=storage)
    dp.message.register(on_message)
    dp.callback_query.register(on_callback)
    app = web.Application()
    app.router.add_get("/ready", ready)
    secret = env["WEBHOOK_SECRET"]
    SimpleRequestHandler(dispatcher=dp, bot=bot, handle_in_background=False,
                         secret_token=secret).register(app, path=PATH)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(env["HTTP_PORT"])).start()
    await bot.set_webhook(env["WEBHOOK_BASE_URL"] + PATH, secret_token=secret,
                          allowed_updates=dp.resolve_used_update_types())
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    await bot.session.close()
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())
