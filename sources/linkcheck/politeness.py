"""Per-host politeness: at most N requests at once and at least M ms between request starts.

`LocalPoliteness` keeps the counters in the process (the embedded default, one process);
`RedisPoliteness` keeps them in Redis so every worker on every machine shares them. Both honour
a host penalty (`slow_down`) set after a 429/503, so one worker's Retry-After pauses all.
"""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


@dataclass
class _HostState:
    active: int = 0
    next_start: float = 0.0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class Politeness:
    """The interface the fetcher uses; the base class imposes no limit (benchmarks)."""

    async def slot(self, host: str) -> contextlib.AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()

    async def slow_down(self, host: str, seconds: float) -> None:
        """Start no request to `host` for `seconds` (after a 429 or 503)."""

    async def close(self) -> None:
        pass


class LocalPoliteness(Politeness):
    def __init__(self, per_host: int, interval_ms: int):
        self.per_host = per_host
        self.interval = interval_ms / 1000
        self._hosts: dict[str, _HostState] = {}

    def _state(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _HostState()
        return state

    async def slot(self, host: str) -> contextlib.AbstractAsyncContextManager[None]:
        return self._hold(host)

    @contextlib.asynccontextmanager
    async def _hold(self, host: str) -> AsyncIterator[None]:
        state = self._state(host)
        async with state.changed:
            while True:
                if self.per_host and state.active >= self.per_host:
                    await state.changed.wait()
                    continue
                wait = state.next_start - time.monotonic()
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(state.changed.wait(), wait)
                    continue
                break
            state.active += 1
            state.next_start = time.monotonic() + self.interval
        try:
            yield
        finally:
            async with state.changed:
                state.active -= 1
                state.changed.notify_all()

    async def slow_down(self, host: str, seconds: float) -> None:
        state = self._state(host)
        async with state.changed:
            state.next_start = max(state.next_start, time.monotonic() + seconds)


# Atomically: drop expired holders; grant a slot if fewer than N hold one and the host's next
# start time has passed; otherwise say how many ms to wait. Redis's clock is the only clock, so
# workers on different machines agree.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max_active = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local hold = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if max_active > 0 and redis.call('ZCARD', KEYS[1]) >= max_active then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(5, math.min(50, tonumber(first[2]) - now))
end
local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
if next_start > now then
  return next_start - now
end
redis.call('ZADD', KEYS[1], now + hold, ARGV[3])
redis.call('PEXPIRE', KEYS[1], hold)
if interval > 0 then
  redis.call('SET', KEYS[2], now + interval, 'PX', interval + 1000)
end
return 0
"""

_SLOW_DOWN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 1000)
end
return 0
"""


class RedisPoliteness(Politeness):
    """Politeness shared by every worker through Redis. A holder that dies without releasing
    its slot is forgotten after `hold_ms` (longer than any single request may take)."""

    def __init__(
        self,
        redis_url: str,
        per_host: int,
        interval_ms: int,
        *,
        hold_ms: int = 60_000,
        prefix: str = "claimtrack:linkcheck",
    ):
        import redis.asyncio

        self.redis = redis.asyncio.from_url(redis_url)
        self.per_host = per_host
        self.interval_ms = interval_ms
        self.hold_ms = hold_ms
        self.prefix = prefix
        self._acquire = self.redis.register_script(_ACQUIRE)
        self._slow_down = self.redis.register_script(_SLOW_DOWN)

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}:active:{host}", f"{self.prefix}:next:{host}"]

    async def slot(self, host: str) -> contextlib.AbstractAsyncContextManager[None]:
        return self._hold(host)

    @contextlib.asynccontextmanager
    async def _hold(self, host: str) -> AsyncIterator[None]:
        keys = self._keys(host)
        holder = uuid.uuid4().hex
        while True:
            wait_ms = await self._acquire(
                keys=keys, args=[self.per_host, self.interval_ms, holder, self.hold_ms]
            )
            if int(wait_ms) <= 0:
                break
            await asyncio.sleep(int(wait_ms) / 1000)
        try:
            yield
        finally:
            await self.redis.zrem(keys[0], holder)

    async def slow_down(self, host: str, seconds: float) -> None:
        await self._slow_down(keys=[self._keys(host)[1]], args=[max(1, int(seconds * 1000))])

    async def close(self) -> None:
        await self.redis.aclose()
