"""The gate's FSM write-back against a real Redis: a conversation step's state change is saved
together with "handled", or not at all, and a change Redis could not take on the way out is
answered "retry later" rather than lost silently."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.dispatcher.middlewares.user_context import EVENT_CONTEXT_KEY, EventContext
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import DisabledEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Chat, Message, Update, User
from redis.asyncio import Redis

from bot.aiogram_overrides.fsm import GatedFSM
from bot.middlewares.errors import DependencyDown
from bot.middlewares.gate import GateConfig, UpdateGate
from tests.reliability.tools import RedisServer

ALICE = User(id=7, is_bot=False, first_name="Alice")
CHAT = Chat(id=7, type="private")
Handler = Callable[[Any, dict[str, Any]], Awaitable[Any]]


class Setup:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.bot = SimpleNamespace(id=secrets.randbelow(10**9))
        keys = DefaultKeyBuilder(prefix="fsm", with_bot_id=True, with_destiny=True)
        self.storage = RedisStorage(redis, key_builder=keys, state_ttl=600, data_ttl=600)
        self.fsm = GatedFSM(self.storage, DisabledEventIsolation())
        self.gate = UpdateGate(redis, self.fsm, keys,
                               GateConfig(flood_rate=100, flood_window_seconds=60))
        self.state = self.fsm.get_context(self.bot, 7, 7)  # type: ignore[arg-type]
        self.update_ids = iter(range(1, 1000))

    async def run(self, handler: Handler) -> Any:
        update = Update(update_id=next(self.update_ids), message=Message(
            message_id=1, date=datetime.now(UTC), chat=CHAT, from_user=ALICE, text="hi"))
        data = {"bot": self.bot, EVENT_CONTEXT_KEY: EventContext(chat=CHAT, user=ALICE),
                "event_from_user": ALICE, "event_chat": CHAT}

        async def through_fsm(event: Any, inner: dict[str, Any]) -> Any:
            return await self.fsm(handler, event, inner)

        return await self.gate(through_fsm, update, data)

    async def dedupe(self, update_id: int) -> bytes | None:
        value = await self.redis.get(f"dedupe:{self.bot.id}:{update_id}")
        return value if isinstance(value, bytes) or value is None else bytes(value)


@pytest.fixture
async def setup(redis_url: str) -> AsyncIterator[Setup]:
    redis = Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=1)
    yield Setup(redis)
    await redis.aclose()


async def test_a_step_saves_state_and_data_with_done(setup: Setup) -> None:
    async def step(_event: Any, data: dict[str, Any]) -> str:
        state: FSMContext = data["state"]
        assert data["raw_state"] is None
        await state.set_state("SubmitStates:title")
        await state.update_data(title="On gates")
        # Reads see the step's own changes; Redis does not, yet.
        assert await state.get_data() == {"title": "On gates"}
        assert await setup.redis.get(setup.storage.key_builder.build(state.key, "state")) is None
        return "ok"

    assert await setup.run(step) == "ok"
    assert await setup.state.get_state() == "SubmitStates:title"
    assert await setup.state.get_data() == {"title": "On gates"}
    assert await setup.dedupe(1) == b"done"
    assert 0 < await setup.redis.ttl(setup.storage.key_builder.build(setup.state.key, "data")) <= 600

    async def next_step(_event: Any, data: dict[str, Any]) -> None:
        assert data["raw_state"] == "SubmitStates:title"
        assert await data["state"].get_value("title") == "On gates"
        await data["state"].clear()

    await setup.run(next_step)
    assert await setup.state.get_state() is None and await setup.state.get_data() == {}


async def test_a_step_failing_on_a_dependency_changes_nothing(setup: Setup) -> None:
    await setup.state.set_state("ReviewStates:comment")
    await setup.state.set_data({"submission_id": 5})

    async def failing(_event: Any, data: dict[str, Any]) -> None:
        await data["state"].set_state(None)
        await data["state"].set_data({})
        raise DependencyDown("database")

    with pytest.raises(DependencyDown):
        await setup.run(failing)
    # Left as it was for the redelivery, and the update may come back.
    assert await setup.state.get_state() == "ReviewStates:comment"
    assert await setup.state.get_data() == {"submission_id": 5}
    assert await setup.dedupe(1) is None


async def test_a_change_redis_cannot_take_on_the_way_out_is_retried(
        setup: Setup, own_redis: RedisServer) -> None:
    async def step_then_redis_dies(_event: Any, data: dict[str, Any]) -> None:
        await data["state"].set_state("SubmitStates:document")
        own_redis.stop()

    try:
        with pytest.raises(DependencyDown):
            await setup.run(step_then_redis_dies)
    finally:
        own_redis.start()

    async def reads_only(_event: Any, data: dict[str, Any]) -> str:
        assert data["raw_state"] is None  # the change was not half-saved
        return "ok"

    # Without a change to save, losing Redis on the way out loses nothing: no retry.
    assert await setup.run(reads_only) == "ok"
