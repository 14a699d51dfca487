"""Fetch many URLs concurrently with aiohttp, safely and politely, and report what happened.

Plain Python, no Django: callers give `Target`s and a `FetchConfig` and get `FetchResult`s back,
one at a time, from `iter_results()` (one batch), or from `Checker.results()`, batch after batch
on one session whose connections, DNS cache and soft-404 probes serve them all. Either runs the
event loop in its own thread so the caller (a Celery task, a management command) can write each
result to the database as it arrives. How one URL is checked: sources/linkcheck/session.py.
"""

import asyncio
import concurrent.futures
import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

from sources.linkcheck.politeness import Politeness
from sources.linkcheck.results import (
    PERMANENT_REDIRECT_CODES,
    REDIRECT_CODES,
    SLOW_DOWN_CODES,
    ErrorKind,
    FetchConfig,
    FetchResult,
    Hop,
    Target,
    parse_retry_after,
)
from sources.linkcheck.session import Fetcher

__all__ = [
    "PERMANENT_REDIRECT_CODES",
    "REDIRECT_CODES",
    "SLOW_DOWN_CODES",
    "Checker",
    "ErrorKind",
    "FetchConfig",
    "FetchResult",
    "Hop",
    "Target",
    "fetch_all",
    "iter_results",
    "parse_retry_after",
]


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop (libuv, in C) where it is installed: the event loop's own work per
    request (transports, timers, callbacks) was a fifth of a check's CPU on asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


_DONE = object()
HAND_OVER_EVERY = 32
HAND_OVER_AT_LEAST_EVERY = 0.05  # seconds, so slow checks are not held back
CLOSE_WITHIN = 10  # seconds a stuck check may hold the caller when it stops early


class Checker:
    """An event loop in a background thread with one open `Fetcher`, for batch after batch:

        with Checker(config, politeness) as checker:
            for result in checker.results(targets): ...

    Each `results()` call checks one batch; closing its iterator early (an error, a time
    limit) cancels that batch's checks in flight and leaves the checker ready for the next."""

    def __init__(self, config: FetchConfig, politeness: Callable[[], Politeness] | None = None):
        self.config = config
        self._politeness = politeness or Politeness
        self._loop = new_event_loop()
        # DNS lookups run in this pool; it is shut down without waiting, so a stuck resolver
        # cannot hold the caller beyond the check's own time limits.
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=8, thread_name_prefix="linkdns"
        )
        self._loop.set_default_executor(self._executor)
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="linkcheck-loop", daemon=True
        )
        self._fetcher: Fetcher | None = None

    def __enter__(self) -> "Checker":
        self._thread.start()
        try:
            self._fetcher = self._call(self._open())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        with contextlib.suppress(Exception):
            self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(CLOSE_WITHIN)
        if not self._thread.is_alive():
            self._loop.close()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(CLOSE_WITHIN)

    async def _open(self) -> Fetcher:
        return await Fetcher(self.config, self._politeness()).__aenter__()

    async def _close(self) -> None:
        if self._fetcher is not None:
            try:
                await self._fetcher.__aexit__(None, None, None)
            finally:
                await self._fetcher.politeness.close()
        await self._loop.shutdown_asyncgens()

    def results(self, targets: Iterable[Target]) -> Iterator[FetchResult]:
        """Check `targets` and yield each result as it comes."""
        assert self._fetcher is not None, "use the Checker in a with block"
        fetcher = self._fetcher
        targets = list(targets)
        results: queue.Queue = queue.Queue()
        finished = threading.Event()
        task: list[asyncio.Task] = []

        # Results cross to the caller's thread in small groups: a hand-over per result (a
        # lock, a wake-up, a GIL switch) cost more than classifying the result.
        group: list[FetchResult] = []

        def hand_over() -> None:
            if group:
                results.put(group.copy())
                group.clear()

        def deliver(result: FetchResult) -> None:
            group.append(result)
            if len(group) >= HAND_OVER_EVERY:
                hand_over()

        async def batch() -> None:
            ticker = asyncio.create_task(hand_over_regularly())
            try:
                await fetcher.run(targets, deliver)
            finally:
                ticker.cancel()
                hand_over()

        async def hand_over_regularly() -> None:
            while True:
                await asyncio.sleep(HAND_OVER_AT_LEAST_EVERY)
                hand_over()

        def ended(done: asyncio.Task) -> None:
            if not done.cancelled() and done.exception() is not None:
                results.put(done.exception())
            results.put(_DONE)
            finished.set()

        def start() -> None:
            task.append(self._loop.create_task(batch()))
            task[0].add_done_callback(ended)

        self._loop.call_soon_threadsafe(start)
        try:
            while True:
                item = results.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield from item
        finally:
            if not finished.is_set():
                self._loop.call_soon_threadsafe(lambda: task[0].cancel())
                finished.wait(CLOSE_WITHIN)


def iter_results(
    targets: Iterable[Target],
    config: FetchConfig,
    politeness: Callable[[], Politeness] | None = None,
) -> Iterator[FetchResult]:
    """Check `targets` on an event loop in a background thread and yield each result as it
    comes. Closing the iterator early (an error, a time limit) cancels the checks in flight."""
    with Checker(config, politeness) as checker:
        yield from checker.results(targets)


def fetch_all(
    targets: Iterable[Target],
    config: FetchConfig,
    politeness: Callable[[], Politeness] | None = None,
) -> list[FetchResult]:
    """Every result, in the order the targets were given."""
    targets = list(targets)
    position = {t.url: i for i, t in enumerate(targets)}
    return sorted(iter_results(targets, config, politeness), key=lambda r: position[r.url])
