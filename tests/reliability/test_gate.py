"""The gate's FSM write-back against a real Redis: a conversation step's state change is saved
together with "handled", or not at all, and a change Redis could not take on the way out is
answered "retry later" rather than lost silently."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
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
from bot.middlewares.deadline import DeadlineMiddleware, TooSlow
from bot.middlewares.errors import DependencyDown, RedeliveryBudget
from bot.middlewares.gate import GateConfig, InProgress, UpdateGate
from tests.reliability.conftest import Logs
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


def replica_of(setup: Setup, lease_seconds: float) -> Setup:
    """A second replica of the same bot on the same Redis, both gates on a short lease."""
    other = Setup(setup.redis)
    other.bot = setup.bot
    other.state = other.fsm.get_context(other.bot, 7, 7)  # type: ignore[arg-type]
    for each in (setup, other):
        each.gate.config = replace(each.gate.config, lease_seconds=lease_seconds)
    other.update_ids = iter(range(500, 1000))
    return other


@contextlib.asynccontextmanager
async def stacks_if_stuck(seconds: float) -> AsyncIterator[None]:
    """Fail (with every task's stack on stderr) instead of hanging the run."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        for task in asyncio.all_tasks():
            task.print_stack(file=sys.stderr)
        raise


async def test_a_long_step_keeps_its_lock_and_claim(setup: Setup) -> None:
    async with stacks_if_stuck(60):
        await _long_step(setup)


async def _long_step(setup: Setup) -> None:
    """A 3-minute upload on an 8 s lease, scaled: 4.5 s on a 0.2 s lease (22 leases)."""
    lease = 0.2
    other = replica_of(setup, lease)
    started = asyncio.Event()
    order: list[str] = []

    async def long_upload(_event: Any, data: dict[str, Any]) -> None:
        started.set()
        await asyncio.sleep(22.5 * lease)
        await data["state"].set_state("SubmitStates:note")
        order.append("upload done")

    async def next_message(_event: Any, data: dict[str, Any]) -> None:
        order.append("next message")
        assert data["raw_state"] == "SubmitStates:note"  # it saw the upload's step

    upload = asyncio.create_task(setup.run(long_upload))
    await started.wait()
    # The same update redelivered to the other replica meanwhile: still ours, come back later.
    for _ in range(4):
        await asyncio.sleep(5 * lease)
        with pytest.raises(InProgress):
            await other.gate(_unreachable, _update(1), _data(other))
    # The user's next message waits for the upload instead of taking the expired-looking lock.
    await other.run(next_message)
    await upload
    assert order == ["upload done", "next message"]
    assert await setup.dedupe(1) == b"done"


async def test_a_writer_that_lost_its_lock_cannot_overwrite_newer_state(
        setup: Setup, logs: Logs) -> None:
    lease = 0.2
    other = replica_of(setup, lease)
    await setup.state.set_state("SubmitStates:document")
    start = len(logs.capture.records)

    async def cancel(_event: Any, data: dict[str, Any]) -> None:
        await data["state"].clear()

    async def stale_step(_event: Any, data: dict[str, Any]) -> None:
        # The loop stalls (no heartbeat) past the lease; meanwhile the user's /cancel is
        # handled by the other replica.
        time.sleep(3 * lease)  # noqa: ASYNC251 - the stall is the point
        await other.run(cancel)
        await data["state"].set_state("SubmitStates:note")
        await data["state"].update_data(staged="late")

    await setup.run(stale_step)
    assert await setup.state.get_state() is None
    assert await setup.state.get_data() == {}
    assert "fsm_write_refused" in {e.get("event") for e in logs.capture.events(start)}


async def test_an_update_out_of_time_is_released_for_redelivery(setup: Setup) -> None:
    """The wait for a user's lock counts against the update's deadline: answered "retry
    later", and the redelivery is handled once the lock is free."""
    deadline = DeadlineMiddleware(0.5, RedeliveryBudget(5, setup.redis))
    lock = setup.storage.key_builder.build(setup.state.key, "lock")
    await setup.redis.set(lock, "someone-else", px=60_000)
    update, data = _update(1), _data(setup)

    async def through_gate(event: Any, inner: dict[str, Any]) -> Any:
        async def through_fsm(event: Any, inner: dict[str, Any]) -> Any:
            return await setup.fsm(_answer, event, inner)
        return await setup.gate(through_fsm, event, inner)

    started = time.monotonic()
    with pytest.raises(TooSlow):
        await deadline(through_gate, update, data)
    assert time.monotonic() - started < 1.5
    assert await setup.dedupe(1) is None  # released: the redelivery may go through
    await setup.redis.delete(lock)
    assert await deadline(through_gate, update, _data(setup)) == "answered"
    assert await setup.dedupe(1) == b"done"


async def _unreachable(_event: Any, _data: dict[str, Any]) -> None:
    raise AssertionError("handled twice")


async def _answer(_event: Any, _data: dict[str, Any]) -> str:
    return "answered"


def _update(update_id: int) -> Update:
    return Update(update_id=update_id, message=Message(
        message_id=1, date=datetime.now(UTC), chat=CHAT, from_user=ALICE, text="hi"))


def _data(setup: Setup) -> dict[str, Any]:
    return {"bot": setup.bot, EVENT_CONTEXT_KEY: EventContext(chat=CHAT, user=ALICE),
            "event_from_user": ALICE, "event_chat": CHAT}
