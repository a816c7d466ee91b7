"""Update delivery: queued for getUpdates, or posted to the webhook in per-chat order with
retries; a method call answered in the webhook's response is executed as Telegram does."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import aiohttp

from .records import ApiError, JSONDict, WebhookDelivery
from .state import EmulatorState
from .wire import Upload, coerce, now, read_multipart_parts

_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Delivery(EmulatorState):
    """Updates from the user side to the bot, by getUpdates or by webhook."""

    async def push_update(self, update: JSONDict) -> JSONDict:
        """Inject a raw update; its ``update_id`` is assigned here."""
        update = {k: v for k, v in update.items() if k != "update_id"}
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        self.updates.append(update)
        self._route_update(update)
        self._publish({"type": "update", "chat_id": self._update_chat_id(update), "update": update})
        return update

    async def wait_webhook_idle(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        """Wait until no webhook delivery is in flight."""
        await self.wait_until(lambda: not self._delivery_tasks, timeout, "(webhook idle)")

    @property
    def webhook_url(self) -> str | None:
        return self._webhook_url

    # ------------------------------------------------------------------ update delivery

    @staticmethod
    def _update_type(update: JSONDict) -> str:
        return next((k for k in update if k != "update_id"), "")

    @staticmethod
    def _update_chat_id(update: JSONDict) -> int | None:
        body = next((v for k, v in update.items() if k != "update_id"), None)
        if not isinstance(body, dict):
            return None
        for holder in (body, body.get("message")):
            if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
                chat_id = holder["chat"].get("id")
                return chat_id if isinstance(chat_id, int) else None
        sender = body.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
        return None

    @classmethod
    def _is_allowed(cls, update: JSONDict, allowed: list[str] | None) -> bool:
        kind = cls._update_type(update)
        if not allowed:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in allowed

    def _route_update(self, update: JSONDict) -> None:
        if self._webhook_url is None:
            self._pending.append(update)
            return
        if not self._is_allowed(update, self._webhook_allowed):
            return
        key = self._update_chat_id(update)
        previous = self._delivery_tails.get(key)
        task = asyncio.get_running_loop().create_task(self._deliver_after(previous, update))
        self._delivery_tails[key] = task
        self._delivery_tasks.add(task)

        def _done(t: asyncio.Task[None]) -> None:
            self._delivery_tasks.discard(t)
            if self._delivery_tails.get(key) is t:
                del self._delivery_tails[key]
            self._notify()

        task.add_done_callback(_done)

    async def _deliver_after(self, previous: asyncio.Task[None] | None, update: JSONDict) -> None:
        # Per-chat ordering: an update waits until the chat's previous one is done.
        if previous is not None:
            await asyncio.wait([previous])
        await self._deliver(update)

    async def _deliver(self, update: JSONDict) -> None:
        if self._client is None:
            self._client = aiohttp.ClientSession()
        for attempt in range(1, self.webhook_max_attempts + 1):
            url = self._webhook_url
            if url is None:
                # Webhook removed meanwhile: the update goes back to getUpdates.
                self._pending.append(update)
                self._pending.sort(key=lambda u: int(u["update_id"]))
                self._notify()
                return
            headers = {}
            if self._webhook_secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook_secret
            status: int | None = None
            error: str | None = None
            reply: tuple[JSONDict, dict[str, Upload]] | None = None
            try:
                async with self._client.post(
                    url,
                    json=update,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as resp:
                    status = resp.status
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {resp.reason}"
                    else:
                        reply = await self._read_webhook_reply(resp)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            self.webhook_deliveries.append(
                WebhookDelivery(int(update["update_id"]), attempt, status, error, time.time())
            )
            self._notify()
            if error is None:
                if reply is not None and isinstance(reply[0].get("method"), str):
                    params = {k: v for k, v in reply[0].items() if k != "method"}
                    # Telegram executes a method returned in the webhook response body.
                    with contextlib.suppress(ApiError):
                        await self.call(reply[0]["method"], params, reply[1])
                return
            self._webhook_last_error = (now(), error)
            await asyncio.sleep(self.webhook_backoff * attempt)
        self.undelivered_updates.append(update)

    async def _read_webhook_reply(
        self, resp: aiohttp.ClientResponse
    ) -> tuple[JSONDict, dict[str, Upload]] | None:
        """Parse a method call answered in the webhook response (JSON or multipart)."""
        raw: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        try:
            if resp.content_type == "application/json":
                payload = await resp.json()
                if not isinstance(payload, dict):
                    return None
                raw.update(payload)
            elif resp.content_type.startswith("multipart/"):
                # aiogram's SimpleRequestHandler answers with multipart/form-data.
                reader = aiohttp.MultipartReader(resp.headers, resp.content)
                await read_multipart_parts(
                    reader, raw, uploads, self._new_disk_path, self.max_upload_bytes
                )
            else:
                return None
        except (ValueError, aiohttp.ClientError):
            return None
        return {k: coerce(k, v) for k, v in raw.items()}, uploads

    def _flush_pending_to_webhook(self) -> None:
        pending, self._pending = self._pending, []
        for update in pending:
            self._route_update(update)
