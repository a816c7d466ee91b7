"""Override: aiogram's HTTP session to the Bot API (``AiohttpSession``), made cheaper."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import FormData, JsonPayload


class BotApiSession(AiohttpSession):
    """aiogram's HTTP session with two costs of every Bot API call removed.

    - aiogram parses every answer into ``Response[T]``, a generic pydantic model that pydantic
      caches only weakly: the garbage collector frees it and the next call of that method
      rebuilds the class and its validator (about a millisecond, and more garbage). One strong
      reference per return type makes every call after the first a cache hit.
    - aiogram sends every call as a form, each nested value JSON-encoded on its own. A call
      without files goes as one JSON body instead (the Bot API takes both); uploads still go
      as multipart forms.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_models: dict[Any, Any] = {}

    def check_response(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                       content: str) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._response_models:
            self._response_models[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)

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
