"""Override: aiogram's FSM, read by the gate and written back when it lets go.

``UpdateGate`` reads the state and data in the script that takes the user's lock; the
handlers read and change them here, in memory; the gate writes the changes in the script that
marks the update done and releases the lock. So a conversation step costs no Redis round
trip of its own, and its state change is saved together with "handled", or not at all (a
step that fails on a dependency leaves the state as it was for the redelivery).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from aiogram.types import TelegramObject

from bot.middlewares.gate_scripts import DELETE, KEEP, SET, FsmWrite

BUFFERED = "_gate_fsm"


def ttl_seconds(ttl: int | timedelta | None) -> int:
    """A TTL in whole seconds for the scripts; 0 means none."""
    if isinstance(ttl, timedelta):
        return int(ttl.total_seconds())
    return int(ttl or 0)


class BufferedFSMContext(FSMContext):
    """An FSMContext over the values the gate read. Data is kept as JSON, as the storage keeps
    it: every read returns a fresh copy and every write is checked for JSON on the spot."""

    def __init__(self, storage: BaseStorage, key: StorageKey, state: str | None,
                 data: str | None) -> None:
        super().__init__(storage, key)
        self.initial_state = state
        self._state = state
        self._data = data or "{}"
        self._state_changed = False
        self._data_changed = False
        self._dumps: Callable[..., str] = getattr(storage, "json_dumps", json.dumps)
        self._loads: Callable[..., Any] = getattr(storage, "json_loads", json.loads)

    async def get_state(self) -> str | None:
        return self._state

    async def set_state(self, state: StateType = None) -> None:
        self._state = state.state if isinstance(state, State) else state
        self._state_changed = True

    async def get_data(self) -> dict[str, Any]:
        return dict(self._loads(self._data))

    async def set_data(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        self._data = self._dumps(data)
        self._data_changed = True

    async def get_value(self, key: str, default: Any | None = None) -> Any | None:
        return (await self.get_data()).get(key, default)

    async def update_data(self, data: Mapping[str, Any] | None = None,
                          **kwargs: Any) -> dict[str, Any]:
        if data:
            kwargs.update(data)
        merged = await self.get_data()
        merged.update(kwargs)
        await self.set_data(merged)
        return merged.copy()

    def changes(self, state_ttl: int, data_ttl: int) -> tuple[FsmWrite, FsmWrite]:
        """What the gate's leaving script is to write: (state, data)."""
        state_op = KEEP
        if self._state_changed:
            state_op = SET if self._state is not None else DELETE
        data_op = KEEP
        if self._data_changed:
            data_op = SET if self._data != "{}" else DELETE
        return (FsmWrite(state_op, self._state or "", state_ttl),
                FsmWrite(data_op, self._data, data_ttl))

    @property
    def changed(self) -> bool:
        return self._state_changed or self._data_changed


class GatedFSM(FSMContextMiddleware):
    """aiogram's FSM middleware without its lock (the gate holds the user's) and, when the gate
    read them, without its reads."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        data["fsm_storage"] = self.storage
        buffered: BufferedFSMContext | None = data.pop(BUFFERED, None)
        if buffered is not None:
            data.update(state=buffered, raw_state=buffered.initial_state)
            return await handler(event, data)
        context = self.resolve_event_context(data["bot"], data)
        if context is not None:
            data.update(state=context, raw_state=await context.get_state())
        return await handler(event, data)
