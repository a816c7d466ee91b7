"""Short-lived per-user signals about uploads, shared by the replicas in Redis.

Two things live here, neither worth a table nor the FSM:

- **Cancelling a running upload.** The gate handles one user's updates one at a time, so a
  ``/cancel`` sent while a file arrives would wait for the upload to end. Instead, a tiny
  check in the gate's entering round trip (``bot/middlewares/cancel.py``) raises a flag for
  the upload running *now*: each upload registers a random token under the user's key, the check
  copies that token into a cancel flag, and the streaming loop looks for its own token's
  flag between chunks. A flag names one upload, so it can never cancel a later one. The
  ``/cancel`` update itself then goes through the gate as any other.
- **Which message shows an upload's progress**, by the user's document message, so that
  a redelivered update (a crash, a 503) edits the message already shown instead of sending
  a second one.

Best effort by design: when Redis fails, the records are kept in process memory (one
replica still cancels its own uploads), and nothing here ever fails an update.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("storage.signals")

# A cancel flag's key is this and the upload's token (the gate's entering script writes it
# for a /cancel, in the same round trip: bot/middlewares/gate_scripts.py).
CANCEL_PREFIX = "upload_cancel:"
RUNNING_TTL_SECONDS = 6 * 3600  # longer than any upload; a dead process's token is harmless
CANCEL_TTL_SECONDS = 3600
PROGRESS_TTL_SECONDS = 86400

# KEYS: the user's running key, the upload's cancel flag; ARGV: the upload's token.
_FINISHED = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('DEL', KEYS[2])
return 1
"""


class UploadSignals:
    def __init__(self, redis: Redis | None, scope: str = "0") -> None:
        self._redis = redis
        self._scope = scope
        self._local: dict[str, tuple[str, float]] = {}

    # ------------------------------------------------------------------ cancelling

    def running_key(self, chat_id: int, user_id: int) -> str:
        """Where the token of this user's running upload is (``cancel`` reads it)."""
        return f"upload:{self._scope}:{chat_id}:{user_id}"

    _running_key = running_key

    @staticmethod
    def _cancel_key(token: str) -> str:
        return f"{CANCEL_PREFIX}{token}"

    @property
    def in_redis(self) -> bool:
        return self._redis is not None

    @asynccontextmanager
    async def running(self, chat_id: int, user_id: int) -> AsyncIterator[str]:
        """Register an upload of this user; yields its token for ``cancelled``."""
        token = secrets.token_hex(12)
        key = self._running_key(chat_id, user_id)
        await self._set(key, token, RUNNING_TTL_SECONDS)
        try:
            yield token
        finally:
            await self._finished(key, token)

    async def _finished(self, key: str, token: str) -> None:
        """Forget the upload (its key, if still ours) and its cancel flag: one round trip."""
        cancel = self._cancel_key(token)
        if self._get_local(key) == token:
            self._local.pop(key, None)
        self._local.pop(cancel, None)
        if self._redis is None:
            return
        try:
            await self._redis.eval(_FINISHED, 2, key, cancel, token)  # type: ignore[misc]
        except (RedisError, OSError) as exc:
            log.warning("upload_signal_fallback", step="finish", error_type=type(exc).__name__)

    async def cancel(self, chat_id: int, user_id: int) -> bool:
        """Flag this user's running upload, if any (True when there was one)."""
        token = await self._get(self._running_key(chat_id, user_id))
        if token is None:
            return False
        await self._set(self._cancel_key(token), "1", CANCEL_TTL_SECONDS)
        return True

    async def cancelled(self, token: str) -> bool:
        return await self._get(self._cancel_key(token)) is not None

    # ------------------------------------------------------------------ progress messages

    def _progress_key(self, chat_id: int, source_message_id: int) -> str:
        return f"progress:{self._scope}:{chat_id}:{source_message_id}"

    async def progress_message(self, chat_id: int, source_message_id: int) -> int | None:
        value = await self._get(self._progress_key(chat_id, source_message_id))
        return int(value) if value is not None and value.isdigit() else None

    async def remember_progress(self, chat_id: int, source_message_id: int,
                                message_id: int) -> None:
        await self._set(self._progress_key(chat_id, source_message_id), str(message_id),
                        PROGRESS_TTL_SECONDS)

    # ------------------------------------------------------------------ storage

    async def _get(self, key: str) -> str | None:
        if self._redis is not None:
            try:
                value = await self._redis.get(key)
            except (RedisError, OSError) as exc:
                log.warning("upload_signal_fallback", step="get", error_type=type(exc).__name__)
            else:
                if value is not None:
                    return value.decode() if isinstance(value, bytes) else str(value)
                return self._get_local(key)
        return self._get_local(key)

    def _get_local(self, key: str) -> str | None:
        item = self._local.get(key)
        if item is None or item[1] < time.monotonic():
            self._local.pop(key, None)
            return None
        return item[0]

    async def _set(self, key: str, value: str, ttl: int) -> None:
        if self._redis is not None:
            try:
                await self._redis.set(key, value, ex=ttl)
                return
            except (RedisError, OSError) as exc:
                log.warning("upload_signal_fallback", step="set", error_type=type(exc).__name__)
        self._prune()
        self._local[key] = (value, time.monotonic() + ttl)

    async def _delete(self, key: str) -> None:
        self._local.pop(key, None)
        if self._redis is not None:
            try:
                await self._redis.delete(key)
            except (RedisError, OSError) as exc:
                log.warning("upload_signal_fallback", step="delete",
                            error_type=type(exc).__name__)

    def _prune(self) -> None:
        if len(self._local) < 10_000:
            return
        now = time.monotonic()
        for key in [k for k, (_v, until) in self._local.items() if until < now]:
            del self._local[key]
