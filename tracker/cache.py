"""The shared cache as an accelerator, never a single point of failure.

`ResilientRedisCache` is Django's RedisCache with short socket timeouts (settings) and a circuit
breaker: when Redis cannot be reached, a read answers "not cached" and a write is dropped, so
pages and the API are served uncached instead of failing. After CACHE_BREAKER_FAILURES errors in
a row the breaker opens: for CACHE_BREAKER_SECONDS no call goes to Redis at all (no request pays
a timeout), then one call tries again and closes it on success. There is one breaker per
process and Redis server, shared by the process's threads (Django gives each its own client).

What leans on the cache and how it degrades: docs/operations.md.
"""

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from tracker.env import redact

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class CircuitBreaker:
    """Open after `failures` errors in a row; closed again by the first success after
    `reset_seconds` (one caller at a time is let through to try)."""

    def __init__(self, *, failures: int, reset_seconds: float, name: str) -> None:
        self.threshold = failures
        self.reset_seconds = reset_seconds
        self.name = name
        self.failures = 0
        self.open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.failures >= self.threshold

    def allows(self) -> bool:
        if not self.is_open:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self.open_until:
                return False
            self.open_until = now + self.reset_seconds  # this caller tries; the others wait
            return True

    def succeeded(self) -> None:
        if self.failures:
            if self.is_open:
                log.warning("%s answers again: circuit closed", self.name)
            self.failures = 0

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            if self.failures == self.threshold:
                log.warning(
                    "%s unreachable (%s): circuit open, retried every %ss",
                    self.name,
                    error,
                    self.reset_seconds,
                )
            if self.is_open:
                self.open_until = time.monotonic() + self.reset_seconds


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(server: str, *, failures: int, reset_seconds: float) -> CircuitBreaker:
    """This process's breaker for the cache at `server`."""
    with _breakers_lock:
        breaker = _breakers.get(server)
        if breaker is None or (breaker.threshold, breaker.reset_seconds) != (
            failures,
            reset_seconds,
        ):
            name = f"The cache at {redact(server)}"
            breaker = _breakers[server] = CircuitBreaker(
                failures=failures, reset_seconds=reset_seconds, name=name
            )
        return breaker


Method = TypeVar("Method", bound=Callable[..., Any])


def _guarded(fallback: Callable[..., Any]) -> Callable[[Method], Method]:
    """Run the cache method unless the breaker is open; on an unreachable Redis, answer
    `fallback(*args, **kwargs)` instead (what a miss or a dropped write would answer)."""

    def decorate(method: Method) -> Method:
        @wraps(method)
        def guarded(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
            if not self.breaker.allows():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self.breaker.failed(error)
                return fallback(*args, **kwargs)
            self.breaker.succeeded()
            return result

        return guarded  # type: ignore[return-value]

    return decorate


def _default(key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _empty(*args: Any, **kwargs: Any) -> dict:
    return {}


def _all_failed(data: dict, *args: Any, **kwargs: Any) -> list:
    return list(data)


def _unavailable(key: str, *args: Any, **kwargs: Any) -> int:
    raise ValueError(f"Key '{key}' not found: the cache is unavailable")


class ResilientRedisCache(RedisCache):
    """RedisCache that treats an unreachable Redis as an empty cache that stores nothing.

    OPTIONS take BREAKER_FAILURES and BREAKER_SECONDS besides redis-py's connection options."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        failures = int(options.pop("BREAKER_FAILURES", 3))
        seconds = float(options.pop("BREAKER_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = breaker_for(server, failures=failures, reset_seconds=seconds)

    def available(self) -> bool:
        """False while the breaker is open: callers with a fallback may take it at once."""
        return not self.breaker.is_open

    def ping(self) -> bool:
        """Ask Redis itself (for /health/), through the breaker."""
        return bool(self._ping())

    @_guarded(_false)
    def _ping(self) -> bool:
        return self._cache.get_client(write=False).ping()  # type: ignore[attr-defined]

    add = _guarded(_false)(RedisCache.add)
    get = _guarded(_default)(RedisCache.get)
    set = _guarded(_none)(RedisCache.set)
    touch = _guarded(_false)(RedisCache.touch)
    delete = _guarded(_false)(RedisCache.delete)
    get_many = _guarded(_empty)(RedisCache.get_many)
    has_key = _guarded(_false)(RedisCache.has_key)
    incr = _guarded(_unavailable)(RedisCache.incr)
    set_many = _guarded(_all_failed)(RedisCache.set_many)
    delete_many = _guarded(_none)(RedisCache.delete_many)
    clear = _guarded(_false)(RedisCache.clear)


def shared_cache_available(alias: str = "default") -> bool:
    """Whether the shared cache is believed reachable (its breaker is closed); a cache without a
    breaker (locmem) always is."""
    backend = caches[alias]
    return bool(getattr(backend, "available", lambda: True)())
