"""The Bot API method table and the methods about updates, webhooks, files, commands and
chats; injected failures and delays apply to every method here."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import json
import re
import time
from collections import deque
from typing import Any

from .delivery import Delivery
from .messaging import Messaging
from .records import ApiError, Failure, JSONDict, OddAnswer
from .wire import Handler, Upload

_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FAILURE_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_MEDIA_KINDS: dict[str, tuple[str, str]] = {
    # method -> (param/field name, storage folder)
    "sendDocument": ("document", "documents"),
    "sendPhoto": ("photo", "photos"),
    "sendAudio": ("audio", "music"),
    "sendVideo": ("video", "videos"),
    "sendVoice": ("voice", "voice"),
    "sendAnimation": ("animation", "animations"),
    "sendSticker": ("sticker", "stickers"),
    "sendVideoNote": ("video_note", "video_notes"),
}


class Methods(Messaging, Delivery):
    """Dispatch of every Bot API call (recorded, delayed or failed on request) to its method."""

    # ------------------------------------------------------------------ test controls

    def fail(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status``."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _FAILURE_TEXT.get(status, "Error")
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend(Failure(status, description, retry_after) for _ in range(times))

    def answer_oddly(self, method: str, *, status: int = 200, body: bytes | None = None,
                     content_type: str = "text/html", mangle: Any = None,
                     times: int = 1) -> None:
        """Make the next ``times`` answers to ``method`` odd: ``body`` sent as it is (with
        ``status`` and ``content_type``: an HTML 502 page from a proxy, a JSON error without
        ``ok``), or the real answer's JSON passed through ``mangle`` (a field missing). The
        call itself still happens."""
        queue = self._odd.setdefault(method.lower(), deque())
        queue.extend(OddAnswer(status, body, content_type, mangle) for _ in range(times))

    def set_delay(self, method: str, seconds: float) -> None:
        """Delay every call of ``method`` (``"*"`` for all methods) by ``seconds``."""
        self.delays[method.lower()] = seconds

    def set_download_rate(self, bytes_per_second: float | None) -> None:
        """Serve ``/file/...`` downloads at most this fast (None: full speed), as a slow
        Bot API server would, so that long transfers can be watched."""
        self.download_rate = bytes_per_second

    def timed_calls(self, method: str) -> list[tuple[float, JSONDict]]:
        """(time.monotonic() on arrival, params) of every recorded call of ``method``."""
        return [(at, params) for at, (name, params) in zip(self.call_times, self.calls,
                                                            strict=True)
                if name.lower() == method.lower()]

    def calls_to(self, method: str) -> list[JSONDict]:
        """Params of every recorded call of ``method`` (case-insensitive)."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    async def call(
        self, method: str, params: JSONDict, uploads: dict[str, Upload] | None = None
    ) -> Any:
        """Execute one Bot API method as if it arrived over HTTP (raises ApiError)."""
        key = method.lower()
        handler = self._handlers.get(key)
        name = self._api_names.get(key, method)
        self.calls.append((name, copy.deepcopy(params)))
        self.call_times.append(time.monotonic())
        delay = self.delays.get(key, self.delays.get("*", 0.0))
        if delay:
            await asyncio.sleep(delay)
        queue = self._failures.get(key)
        if queue:
            failure = queue.popleft()
            parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
            raise ApiError(failure.status, failure.description, parameters)
        if handler is None:
            return True  # catch-all: recorded above, accepted like a no-op
        return await handler(params, uploads or {})

    # ------------------------------------------------------------------ API methods

    @functools.cached_property
    def _handlers(self) -> dict[str, Handler]:
        """Lower-cased method name -> handler: Telegram's method names ignore case."""
        return {name.lower(): handler for name, handler in self._method_table().items()}

    @functools.cached_property
    def _api_names(self) -> dict[str, str]:
        """Lower-cased method name -> its documented spelling, for the recorded calls."""
        return {name.lower(): name for name in self._method_table()}

    def _method_table(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendChatAction": self._send_chat_action,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "leaveChat": self._leave_chat,
        }
        for method, (field, kind) in _MEDIA_KINDS.items():
            table[method] = self._media_sender(field, kind)
        return table

    async def _get_me(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        if self._webhook_url is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) and limit else 100
        timeout = params.get("timeout")
        timeout = max(timeout, 0) if isinstance(timeout, int) else 0
        if isinstance(params.get("allowed_updates"), list):
            # Telegram remembers allowed_updates between calls.
            self._allowed_updates = [str(x) for x in params["allowed_updates"]]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll is now superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._change_event()
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if isinstance(offset, int):
                if offset < 0:
                    self._pending = self._pending[offset:]
                else:
                    self._pending = [u for u in self._pending if int(u["update_id"]) >= offset]
            self._pending = [u for u in self._pending if self._is_allowed(u, self._allowed_updates)]
            remaining = deadline - loop.time()
            if self._pending or remaining <= 0 or self._closing:
                return copy.deepcopy(self._pending[:limit])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _set_webhook(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, uploads)
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret and not _SECRET_RE.match(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook_url = url
        self._webhook_secret = str(secret) if secret else None
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._webhook_allowed = [str(x) for x in allowed]
        max_connections = params.get("max_connections")
        if isinstance(max_connections, int):
            self._webhook_max_connections = max_connections
        self._webhook_last_error = None
        self._flush_pending_to_webhook()
        return True

    async def _delete_webhook(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        self._webhook_url = None
        self._webhook_secret = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        info: JSONDict = {
            "url": self._webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending) + len(self._delivery_tasks),
        }
        if self._webhook_url:
            info["max_connections"] = self._webhook_max_connections
            if self._webhook_allowed:
                info["allowed_updates"] = list(self._webhook_allowed)
            if self._webhook_last_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for cmd in commands:
            if not isinstance(cmd, dict) or not _BOT_COMMAND_RE.match(str(cmd.get("command"))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description") or "")) <= 256:
                raise ApiError(400, "Bad Request: command description must be non-empty")
        self.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def _delete_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _get_my_commands(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    async def _send_chat_action(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        action = str(params.get("action") or "")
        self.chat_actions.append((chat.id, action))
        self._publish({"type": "chat_action", "chat_id": chat.id, "action": action})
        return True

    async def _set_chat_menu_button(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat_id = params.get("chat_id")
        button = params.get("menu_button") or {"type": "default"}
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = button
        return True

    async def _get_chat_menu_button(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat_id = params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        return self.menu_buttons.get(key) or self.menu_buttons.get(None) or {"type": "default"}

    async def _get_chat(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._lookup_chat(params.get("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        # Required ChatFullInfo fields in current Bot API versions.
        return {
            **chat.as_chat(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def _get_chat_member(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._lookup_chat(params.get("chat_id"))
        user = self._lookup_chat(params.get("user_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if params.get("user_id") == self.bot_id:
            return {"status": "left" if chat.left else "member", "user": self._bot_user()}
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        return {"status": "member", "user": user.as_user()}

    async def _leave_chat(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._lookup_chat(params.get("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.type == "private":
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        chat.left = True
        return True
