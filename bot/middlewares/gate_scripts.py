"""The gate's Redis scripts, each behind a typed function: ``enter``, ``lock``, ``renew``,
``leave``.

Each script is one Redis round trip that checks and writes together (atomically), which is
why they are Lua and not a handful of commands. KEYS and ARGV are positional in Lua; the
functions below are the only place that knows the positions, and each script names them
in its first lines, so neither side reads ``ARGV[7]``.

Every key the gate writes for an update carries a lease (``lease_ms``): the claim on the
update and the user's lock expire within seconds unless ``renew`` (the gate's heartbeat,
every few seconds while the update is handled) extends them. A replica that dies mid-update
blocks that update and that user only until the lease runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

DONE = "done"
# What a ``leave`` does with the FSM state or data (``FsmWrite.op``).
SET, DELETE, KEEP = "set", "del", ""

# The user's version key (``bot/user_changes.py``) is read here too, so that knowing the
# user costs no round trip of its own; ``version_key`` is the claim when not wanted.
# A ``/cancel`` also raises the cancel flag of the user's running upload (``running_key``
# holds its token; ``storage/signals.py``) first of all, before the claim: a redelivered or
# flooded ``/cancel`` raises the same flag again, and the upload holding the user's lock
# sees it while this update waits for the lock.
_ENTER = """
local claim, flood, lock, state_key, data_key, version_key, running_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local token, lease_ms, flood_ttl, flood_rate, done_ttl, want_lock, want_version =
  ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local cancel_prefix, cancel_ttl = ARGV[8], ARGV[9]
local flagged = 0
if cancel_prefix ~= '' then
  local running = redis.call('get', running_key)
  if running then
    redis.call('set', cancel_prefix .. running, '1', 'EX', cancel_ttl)
    flagged = 1
  end
end
if not redis.call('set', claim, token, 'NX', 'PX', lease_ms) then
  return {0, redis.call('get', claim) or '', 0, 0, false, false, false, flagged}
end
local count = 0
if flood_ttl ~= '0' then
  count = redis.call('incr', flood)
  if count == 1 then redis.call('expire', flood, flood_ttl) end
  if count > flood_rate then
    redis.call('set', claim, 'done', 'EX', done_ttl)
    return {1, '', count, 0, false, false, false, flagged}
  end
end
local version = false
if want_version == '1' then version = redis.call('get', version_key) or '0' end
if want_lock ~= '1' or not redis.call('set', lock, token, 'NX', 'PX', lease_ms) then
  return {1, '', count, 0, false, false, version, flagged}
end
return {1, '', count, 1, redis.call('get', state_key), redis.call('get', data_key), version,
        flagged}
"""

_LOCK = """
local lock, state_key, data_key = KEYS[1], KEYS[2], KEYS[3]
local token, lease_ms = ARGV[1], ARGV[2]
if redis.call('set', lock, token, 'NX', 'PX', lease_ms) then
  return {1, redis.call('get', state_key), redis.call('get', data_key)}
end
return {0, false, false}
"""

_RENEW = """
local claim, lock = KEYS[1], KEYS[2]
local token, lease_ms = ARGV[1], ARGV[2]
local function extend(key)
  if redis.call('get', key) == token then
    redis.call('pexpire', key, lease_ms)
    return 1
  end
  return 0
end
return {extend(claim), extend(lock)}
"""

# The FSM is written only while the lock is still ours: a handler that lost its lock (its
# lease ran out) must not overwrite what the update after it wrote.
_LEAVE = """
local claim, lock, state_key, data_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, outcome, done_ttl, release = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local state_op, state, state_ttl = ARGV[5], ARGV[6], ARGV[7]
local data_op, data, data_ttl = ARGV[8], ARGV[9], ARGV[10]
local function put(key, op, value, ttl)
  if op == 'set' then
    if ttl == '0' then redis.call('set', key, value)
    else redis.call('set', key, value, 'EX', ttl) end
  elseif op == 'del' then
    redis.call('del', key)
  end
end
local ours = release == '1' and redis.call('get', lock) == token
local written = 0
if outcome ~= '' then
  redis.call('set', claim, outcome, 'EX', done_ttl)
  if ours then
    put(state_key, state_op, state, state_ttl)
    put(data_key, data_op, data, data_ttl)
    written = 1
  end
elseif redis.call('get', claim) == token then
  redis.call('del', claim)
end
if ours then redis.call('del', lock) end
return written
"""


@dataclass(frozen=True)
class FsmKeys:
    """A user's lock, FSM state and FSM data keys in Redis."""

    lock: str
    state: str
    data: str


@dataclass(frozen=True)
class Entered:
    claimed: bool
    held: str | None  # what the claim holds when not claimed: "done" or another's token
    count: int  # the user's updates in this flood window (0: not counted)
    locked: bool
    state: str | None
    data: str | None
    user_version: str | None = None  # read when asked for (``version_key``)
    cancel_flagged: bool = False  # a running upload's cancel flag was raised (``cancel``)


@dataclass(frozen=True)
class CancelFlag:
    """For a ``/cancel``: the user's running-upload key, the flags' prefix and lifetime."""

    running_key: str
    prefix: str
    ttl: int


@dataclass(frozen=True)
class FsmWrite:
    op: str  # SET, DELETE or KEEP
    value: str = ""
    ttl: int = 0  # seconds, 0: none


class GateScripts:
    def __init__(self, redis: Redis) -> None:
        self._enter = redis.register_script(_ENTER)
        self._lock = redis.register_script(_LOCK)
        self._renew = redis.register_script(_RENEW)
        self._leave = redis.register_script(_LEAVE)

    async def enter(self, *, claim: str, flood: str, fsm: FsmKeys | None, token: str,
                    lease_ms: int, flood_ttl: int, flood_rate: int, done_ttl: int,
                    version_key: str | None = None, cancel: CancelFlag | None = None
                    ) -> Entered:
        """Claim the update, count it in the flood window, try the user's lock, read the
        user's version (with ``version_key``) and raise a running upload's cancel flag (with
        ``cancel``)."""
        keys = fsm or FsmKeys(claim, claim, claim)
        claimed, held, count, locked, state, data, version, flagged = await self._enter(
            keys=[claim, flood, keys.lock, keys.state, keys.data, version_key or claim,
                  cancel.running_key if cancel else claim],
            args=[token, lease_ms, flood_ttl, flood_rate, done_ttl, "1" if fsm else "0",
                  "1" if version_key else "0", cancel.prefix if cancel else "",
                  cancel.ttl if cancel else 0])
        return Entered(bool(claimed), text(held), int(count), bool(locked), text(state),
                       text(data), text(version), bool(flagged))

    async def lock(self, *, fsm: FsmKeys, token: str,
                   lease_ms: int) -> tuple[bool, str | None, str | None]:
        """Try the user's lock again: (locked, state, data)."""
        locked, state, data = await self._lock(keys=[fsm.lock, fsm.state, fsm.data],
                                               args=[token, lease_ms])
        return bool(locked), text(state), text(data)

    async def renew(self, *, claim: str, lock: str | None, token: str,
                    lease_ms: int) -> tuple[bool, bool]:
        """Extend the claim and the lock if still ours: (claim ours, lock ours)."""
        claim_ours, lock_ours = await self._renew(keys=[claim, lock or claim],
                                                  args=[token, lease_ms])
        return bool(claim_ours), bool(lock_ours) and lock is not None

    async def leave(self, *, claim: str, fsm: FsmKeys | None, token: str, handled: bool,
                    done_ttl: int, release_lock: bool, state: FsmWrite,
                    data: FsmWrite) -> bool:
        """Mark the update done (or release its claim), write the FSM if the lock is still
        ours and release it. True when the FSM was written."""
        keys = fsm or FsmKeys(claim, claim, claim)
        written = await self._leave(
            keys=[claim, keys.lock, keys.state, keys.data],
            args=[token, DONE if handled else "", done_ttl, "1" if release_lock else "0",
                  state.op, state.value, state.ttl, data.op, data.value, data.ttl])
        return bool(written)


def text(value: Any) -> str | None:
    if value is None or value is False:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)
