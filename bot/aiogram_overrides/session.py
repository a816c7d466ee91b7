"""Override: aiogram's HTTP session to the Bot API (``AiohttpSession``), made cheaper."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update
from aiohttp import FormData, JsonPayload
from pydantic import ValidationError

from bot.metrics import UPDATES_UNREADABLE

log = structlog.get_logger("bot.session")


class BotApiSession(AiohttpSession):
    """aiogram's HTTP session with two costs of every Bot API call removed.

    - aiogram parses every answer into ``Response[T]``, a generic pydantic model that pydantic
      caches only weakly: the garbage collector frees it and the next call of that method
      rebuilds the class and its validator (about a millisecond, and more garbage). One strong
      reference per return type makes every call after the first a cache hit.
    - aiogram sends every call as a form, each nested value JSON-encoded on its own. A call
      without files goes as one JSON body instead (the Bot API takes both); uploads still go
      as multipart forms.

    And one odd answer fails one call, never more (``check_response``):

    - an error without ``ok`` (a 500 from a proxy, ``{"description": ...}``) is the Telegram
      error its status says (``TelegramServerError``...), not an undecodable answer;
    - a ``getUpdates`` batch holding an update aiogram cannot read (a callback without
      ``chat_instance``, a field missing) is read update by update: the others are handled,
      the unreadable one is logged and counted (``telegram_updates_unreadable_total``) and
      skipped (the next ``getUpdates`` asks for what follows it, ``make_request``), instead
      of the whole batch failing again and again.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_models: dict[Any, Any] = {}
        self._skip_to: int | None = None  # the next getUpdates offset, past unreadable ones

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
                           ) -> TelegramType:
        if isinstance(method, GetUpdates) and self._skip_to is not None \
                and (method.offset or 0) < self._skip_to:
            method.offset = self._skip_to
        return await super().make_request(bot, method, timeout)

    def check_response(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                       content: str) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._response_models:
            self._response_models[returning] = Response[returning]  # type: ignore[valid-type]
        try:
            return super().check_response(bot, method, status_code, content)
        except ClientDecodeError:
            salvaged = self._salvage(bot, method, status_code, content)
            if salvaged is None:
                raise
            return salvaged

    def _salvage(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                 content: str) -> Response[TelegramType] | None:
        try:
            data = self.json_loads(content)
        except Exception:  # noqa: BLE001 - not JSON (an HTML page): undecodable it stays
            return None
        if not isinstance(data, dict):
            return None
        if "ok" not in data and status_code >= HTTPStatus.BAD_REQUEST:
            try:
                reason = HTTPStatus(status_code).phrase
            except ValueError:
                reason = "Error"
            description = data.get("description")
            fixed = {"ok": False, "error_code": status_code,
                     "description": description if isinstance(description, str) else reason}
            # Raises the error of that status, as for any refusal.
            return super().check_response(bot, method, status_code, self.json_dumps(fixed))
        if isinstance(method, GetUpdates) and data.get("ok") is True \
                and isinstance(data.get("result"), list):
            readable: Response[TelegramType] = self._readable_updates(
                bot, method.__returning__, data["result"])
            return readable
        return None

    def _readable_updates(self, bot: Bot, returning: Any, raw: list[Any]) -> Any:
        readable = []
        for item in raw:
            try:
                Update.model_validate(item, context={"bot": bot})
            except ValidationError as exc:
                update_id = item.get("update_id") if isinstance(item, dict) else None
                UPDATES_UNREADABLE.inc()
                # Which fields, never their values (message texts stay out of the log).
                log.warning("update_unreadable", update_id=update_id,
                            fields=sorted({".".join(str(p) for p in e["loc"])
                                           for e in exc.errors()})[:10])
                if isinstance(update_id, int):
                    self._skip_to = max(self._skip_to or 0, update_id + 1)
                continue
            readable.append(item)
        return self._response_models[returning].model_validate(
            {"ok": True, "result": readable}, context={"bot": bot})

    def build_form_data(self, bot: Bot,  # type: ignore[override]
                        method: TelegramMethod[TelegramType]) -> FormData | JsonPayload:
        """The request body aiogram's ``make_request`` posts: JSON unless there are files."""
        files: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        # Leaving out None here is what the form does too, done by pydantic-core.
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":  # what aiogram's form leaves out
                payload[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        return JsonPayload(payload, dumps=self.json_dumps)
