"""Override: aiogram's webhook request handler (``SimpleRequestHandler``), made strict about
what it accepts.

aiogram answers a secret header that is not ASCII with a 500 (``compare_digest`` raises on
non-ASCII text), and a body that is not JSON, or not an Update, with a 500 and a traceback.
Here the first is 401 and the others are 400, each logged as one warning line: none of them
is our fault, and none is worth Telegram's redelivery. A secret header sent twice is 401.
"""

from __future__ import annotations

import secrets
from typing import Any

import structlog
from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

log = structlog.get_logger("bot.web")


SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class StrictRequestHandler(SimpleRequestHandler):
    async def handle(self, request: web.Request) -> web.Response:
        if self.secret_token and len(request.headers.getall(SECRET_HEADER, [])) > 1:
            # aiogram would check only the first: two secrets is not Telegram talking.
            log.warning("webhook_refused", reason="secret_repeated")
            return web.Response(status=401, text="Unauthorized")
        return await super().handle(request)

    __call__ = handle

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if not self.secret_token:
            return True
        # The secret is ASCII (Telegram allows A-Z, a-z, 0-9, _ and -): anything else is wrong.
        if not telegram_secret_token.isascii():
            log.warning("webhook_refused", reason="secret_not_ascii")
            return False
        return secrets.compare_digest(telegram_secret_token, self.secret_token)

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        update = await self._read_update(bot, request)
        if update is None:
            return web.Response(status=400, text="bad request")
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            bot, update, **self.data)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    async def _read_update(self, bot: Bot, request: web.Request) -> Update | None:
        try:
            raw: Any = await request.json(loads=bot.session.json_loads)
        except ValueError:  # not JSON, or not UTF-8
            log.warning("webhook_refused", reason="body_not_json")
            return None
        if not isinstance(raw, dict):
            log.warning("webhook_refused", reason="body_not_an_object")
            return None
        try:
            return Update.model_validate(raw, context={"bot": bot})
        except ValidationError as exc:
            log.warning("webhook_refused", reason="body_not_an_update",
                        errors=exc.error_count())
            return None
