"""Fetch many URLs concurrently with aiohttp, safely and politely, and report what happened.

Plain Python, no Django: callers give `Target`s and a `FetchConfig` and get `FetchResult`s back,
one at a time, from `iter_results()`, which runs the event loop in its own thread so the caller
(a Celery task, a management command) can write each result to the database as it arrives.

Safety: every hop is checked by the SSRF guard before it is requested and the connector checks
every address it connects to; redirects are followed here, never by aiohttp; bodies are read up
to `max_bytes` after decompression (done here, in bounded steps, so a gzip bomb cannot grow);
TLS is always verified; no cookies, credentials or proxy settings are used.
"""

import asyncio
import concurrent.futures
import contextlib
import datetime
import email.utils
import hashlib
import queue
import secrets
import ssl
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import aiohttp
from yarl import URL

from sources.linkcheck import content
from sources.linkcheck.guard import Network, Refused, check_url, guarded_connector
from sources.linkcheck.politeness import Politeness

REDIRECT_CODES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECT_CODES = {301, 308}
SLOW_DOWN_CODES = {429, 503}
CHUNK = 64 * 1024


class ErrorKind(StrEnum):
    BLOCKED = "blocked"
    DNS = "dns"
    CONNECTION = "connection"
    TLS = "tls"
    TIMEOUT = "timeout"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    PROTOCOL = "protocol"
    INVALID_URL = "invalid_url"


@dataclass(frozen=True)
class FetchConfig:
    allowed_networks: tuple[Network, ...] = ()
    user_agent: str = "ClaimtrackLinkChecker/1.0"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 10
    concurrency: int = 50
    retry_after_max: float = 30.0
    backoff_seconds: float = 10.0
    probe_soft_404: bool = True


@dataclass(frozen=True)
class Target:
    url: str
    key: Any = None
    # Content hashes of the last good check and of the first good capture: a page that still
    # matches one of them needs neither a soft-404 probe nor a new text fingerprint.
    known_hash: str = ""
    baseline_hash: str = ""


@dataclass
class Hop:
    url: str
    status: int


@dataclass
class FetchResult:
    url: str
    key: Any = None
    checked_at: datetime.datetime = field(
        default_factory=lambda: datetime.datetime.now(datetime.UTC)
    )
    final_url: str = ""
    status_code: int | None = None
    hops: list[Hop] = field(default_factory=list)
    latency_ms: int = 0
    ip: str = ""
    content_type: str = ""
    content_hash: str = ""
    content_length: int = 0
    truncated: bool = False
    fingerprint: list[int] = field(default_factory=list)
    error_kind: str = ""
    error: str = ""
    retry_after: float | None = None
    probe: "FetchResult | None" = None
    # The body of a text page, until fingerprinted (only when it differs from what is known).
    body: bytes = field(default=b"", repr=False)

    @property
    def permanent_move(self) -> bool:
        """Did a permanent redirect (301/308) take us somewhere else?"""
        return any(hop.status in PERMANENT_REDIRECT_CODES for hop in self.hops[:-1])


@dataclass
class _Response:
    status: int
    location: str = ""
    content_type: str = ""
    retry_after: float | None = None
    ip: str = ""
    body: bytes = b""
    truncated: bool = False


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _error_kind(exc: BaseException) -> tuple[str, str]:
    """Sort a failure into an ErrorKind with a short message for editors."""
    if isinstance(exc, Refused):
        return ErrorKind.BLOCKED, exc.reason
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return ErrorKind.TIMEOUT, "no answer within the time limit"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return ErrorKind.TLS, f"certificate not valid: {exc.certificate_error}"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return ErrorKind.TLS, f"TLS failed: {exc}"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return ErrorKind.DNS, f"host name not found: {exc.os_error}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ErrorKind.CONNECTION, f"could not connect: {exc.os_error}"
    if isinstance(exc, aiohttp.InvalidURL | ValueError):
        return ErrorKind.INVALID_URL, f"not a valid URL: {exc}"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return ErrorKind.PROTOCOL, f"the server broke off: {exc}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return ErrorKind.PROTOCOL, f"not a valid HTTP answer: {exc.message}"
    if isinstance(exc, aiohttp.ClientError | OSError):
        return ErrorKind.CONNECTION, f"{type(exc).__name__}: {exc}"
    return ErrorKind.PROTOCOL, f"{type(exc).__name__}: {exc}"


def _decompressor(encoding: str):
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(wbits=zlib.MAX_WBITS)
    return None


def _peer_ip(response: aiohttp.ClientResponse) -> str:
    """The address we are connected to. A small body may already have released the connection
    back to the pool, so fall back on the protocol, which keeps its transport."""
    for holder in (response.connection, getattr(response, "_protocol", None)):
        transport = getattr(holder, "transport", None)
        peer = transport.get_extra_info("peername") if transport else None
        if peer:
            return str(peer[0])
    return ""


class Fetcher:
    """Checks targets on one aiohttp session; use `run()` inside an event loop."""

    def __init__(self, config: FetchConfig, politeness: Politeness | None = None):
        self.config = config
        self.politeness = politeness or Politeness()
        self._probes: dict[tuple[str, str], asyncio.Future] = {}

    def _session(self) -> aiohttp.ClientSession:
        cfg = self.config
        return aiohttp.ClientSession(
            connector=guarded_connector(
                cfg.allowed_networks, limit=cfg.concurrency, ttl_dns_cache=300
            ),
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={
                "User-Agent": cfg.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Encoding": "gzip, deflate",
            },
            auto_decompress=False,
            trust_env=False,
            timeout=aiohttp.ClientTimeout(
                total=None,
                connect=cfg.connect_timeout,
                sock_connect=cfg.connect_timeout,
                sock_read=cfg.read_timeout,
            ),
        )

    async def run(self, targets: Iterable[Target], deliver: Callable[[FetchResult], None]) -> None:
        """Check every target, at most `concurrency` at once, calling `deliver` with each
        result as soon as it is known. Targets are interleaved by host so one busy host does
        not hold every worker."""
        pending: asyncio.Queue[Target] = asyncio.Queue()
        for target in _interleave_by_host(targets):
            pending.put_nowait(target)
        async with self._session() as session:

            async def worker() -> None:
                while True:
                    try:
                        target = pending.get_nowait()
                    except asyncio.QueueEmpty:
                        return
                    try:
                        result = await self.check(session, target)
                    except Exception as exc:  # a bug must cost one link, not the batch
                        result = FetchResult(url=target.url, key=target.key)
                        result.error_kind, result.error = _error_kind(exc)
                    deliver(result)

            workers = max(1, min(self.config.concurrency, pending.qsize()))
            await asyncio.gather(*(worker() for _ in range(workers)))

    async def check(self, session: aiohttp.ClientSession, target: Target) -> FetchResult:
        result = await self._follow(session, target.url, key=target.key)
        if result.content_hash not in (target.known_hash, target.baseline_hash):
            result.fingerprint = _fingerprint(result)
        result.body = b""
        if (
            self.config.probe_soft_404
            and result.status_code == 200
            and result.content_hash != target.known_hash
            and URL(result.final_url).path not in ("", "/")
        ):
            result.probe = await self._probe(session, result.final_url)
        return result

    async def _probe(self, session: aiohttp.ClientSession, url: str) -> FetchResult:
        """Fetch a random sibling of `url` (same host and folder) to see what "not found" looks
        like on this site; one probe per folder per run."""
        parsed = URL(url)
        folder = parsed.path.rsplit("/", 1)[0] + "/"
        key = (str(parsed.origin()), folder)
        future = self._probes.get(key)
        if future is None:
            future = self._probes[key] = asyncio.get_running_loop().create_future()
            sibling = str(parsed.origin().with_path(f"{folder}claimtrack-{secrets.token_hex(8)}"))
            try:
                probe = await self._follow(session, sibling)
                probe.fingerprint = _fingerprint(probe)
                probe.body = b""
                future.set_result(probe)
            except asyncio.CancelledError:
                future.cancel()
                raise
        return await asyncio.shield(future)

    async def _follow(self, session: aiohttp.ClientSession, url: str, key: Any = None):
        """Request `url`, following redirects ourselves so the guard sees every hop."""
        result = FetchResult(url=url, key=key)
        started = time.perf_counter()
        current = url
        visited: set[str] = set()
        try:
            while True:
                check_url(current, self.config.allowed_networks)
                visited.add(current)
                response = await self._get(session, current)
                result.hops.append(Hop(current, response.status))
                result.ip = response.ip or result.ip
                if response.status in REDIRECT_CODES and response.location:
                    following = str(URL(current).join(URL(response.location)).with_fragment(None))
                    if following in visited:
                        raise _RedirectError(
                            ErrorKind.REDIRECT_LOOP, f"redirect loop at {following}"
                        )
                    if len(result.hops) > self.config.max_redirects:
                        raise _RedirectError(
                            ErrorKind.TOO_MANY_REDIRECTS,
                            f"more than {self.config.max_redirects} redirects",
                        )
                    current = following
                    continue
                self._finish(result, current, response)
                break
        except _RedirectError as exc:
            result.final_url = current
            result.error_kind, result.error = exc.kind, exc.message
        except Exception as exc:  # every failure is a result, never a crashed batch
            result.final_url = current
            result.error_kind, result.error = _error_kind(exc)
        result.latency_ms = round((time.perf_counter() - started) * 1000)
        return result

    def _finish(self, result: FetchResult, url: str, response: _Response) -> None:
        result.final_url = url
        result.status_code = response.status
        result.content_type = response.content_type
        result.retry_after = response.retry_after
        if 200 <= response.status < 300:
            result.content_hash = hashlib.sha256(response.body).hexdigest()
            result.content_length = len(response.body)
            result.truncated = response.truncated
            if "html" in response.content_type or response.content_type.startswith("text/"):
                result.body = response.body

    async def _get(self, session: aiohttp.ClientSession, url: str) -> _Response:
        """One GET, within a politeness slot; a 429/503 slows the host down for every worker,
        and a Retry-After no longer than `retry_after_max` is waited out and retried once."""
        host = URL(url).host or ""
        for attempt in (1, 2):
            async with await self.politeness.slot(host), asyncio.timeout(self.config.total_timeout):
                response = await self._request(session, url)
            if response.status not in SLOW_DOWN_CODES:
                return response
            pause = response.retry_after
            await self.politeness.slow_down(
                host, min(pause if pause is not None else self.config.backoff_seconds, 3600)
            )
            if attempt == 2 or pause is None or pause > self.config.retry_after_max:
                return response
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request(self, session: aiohttp.ClientSession, url: str) -> _Response:
        async with session.get(url, allow_redirects=False) as raw:
            response = _Response(
                status=raw.status,
                location=raw.headers.get("Location", ""),
                content_type=raw.headers.get("Content-Type", "").split(";")[0].strip().lower(),
                ip=_peer_ip(raw),
            )
            if raw.status in SLOW_DOWN_CODES:
                response.retry_after = parse_retry_after(raw.headers.get("Retry-After"))
            if 200 <= raw.status < 300:
                response.body, response.truncated = await self._read(raw)
            return response

    async def _read(self, raw: aiohttp.ClientResponse) -> tuple[bytes, bool]:
        """At most `max_bytes` of body, decompressed in bounded steps."""
        limit = self.config.max_bytes
        decompressor = _decompressor(raw.headers.get("Content-Encoding", ""))
        body = bytearray()
        received = 0
        async for chunk in raw.content.iter_chunked(CHUNK):
            received += len(chunk)
            room = limit - len(body)
            if decompressor is None:
                body += chunk[:room]
                if len(chunk) > room:
                    return bytes(body), True
            else:
                try:
                    body += decompressor.decompress(chunk, room)
                except zlib.error:
                    return bytes(body), False
                if decompressor.unconsumed_tail:
                    return bytes(body), True
            if len(body) >= limit or received >= limit:
                return bytes(body), True
        if decompressor is not None:
            with contextlib.suppress(zlib.error):
                body += decompressor.flush()[: limit - len(body)]
        return bytes(body), False


def _fingerprint(result: FetchResult) -> list[int]:
    """The fingerprint of a text page's main text ([] for anything else)."""
    if not result.body:
        return []
    text = content.main_text(result.body.decode("utf-8", errors="replace"), result.content_type)
    return content.fingerprint(text)


class _RedirectError(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def _interleave_by_host(targets: Iterable[Target]) -> list[Target]:
    by_host: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        try:
            host = URL(target.url).host or ""
        except ValueError:
            host = ""
        by_host[host].append(target)
    queues = [list(reversed(group)) for group in by_host.values()]
    ordered: list[Target] = []
    while queues:
        for group in queues:
            ordered.append(group.pop())
        queues = [group for group in queues if group]
    return ordered


_DONE = object()
HAND_OVER_EVERY = 32
HAND_OVER_AT_LEAST_EVERY = 0.05  # seconds, so slow checks are not held back


def iter_results(
    targets: Iterable[Target],
    config: FetchConfig,
    politeness: Callable[[], Politeness] | None = None,
) -> Iterator[FetchResult]:
    """Check `targets` on an event loop in a background thread and yield each result as it
    comes. Closing the iterator early (an error, a time limit) cancels the checks in flight."""
    targets = list(targets)
    results: queue.Queue = queue.Queue()
    loop = asyncio.new_event_loop()
    # DNS lookups run in this pool; it is shut down without waiting, so a stuck resolver
    # cannot hold the caller beyond the check's own time limits.
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="linkdns")
    loop.set_default_executor(executor)
    main: asyncio.Task | None = None

    # Results cross to the caller's thread in small groups: a hand-over per result (a lock,
    # a wake-up, a GIL switch) cost more than classifying the result.
    group: list[FetchResult] = []

    def hand_over() -> None:
        if group:
            results.put(group.copy())
            group.clear()

    def deliver(result: FetchResult) -> None:
        group.append(result)
        if len(group) >= HAND_OVER_EVERY:
            hand_over()

    async def hand_over_regularly() -> None:
        while True:
            await asyncio.sleep(HAND_OVER_AT_LEAST_EVERY)
            hand_over()

    async def run() -> None:
        limiter = politeness() if politeness else Politeness()
        ticker = asyncio.create_task(hand_over_regularly())
        try:
            await Fetcher(config, limiter).run(targets, deliver)
        finally:
            ticker.cancel()
            hand_over()
            await limiter.close()

    def thread_main() -> None:
        nonlocal main
        asyncio.set_event_loop(loop)
        main = loop.create_task(run())
        try:
            loop.run_until_complete(main)
        except BaseException as exc:
            results.put(exc)
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            executor.shutdown(wait=False, cancel_futures=True)
            loop.close()
            results.put(_DONE)

    thread = threading.Thread(target=thread_main, name="linkcheck-loop", daemon=True)
    thread.start()
    try:
        while True:
            item = results.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                if isinstance(item, asyncio.CancelledError):
                    continue
                raise item
            yield from item
    finally:
        if thread.is_alive():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(lambda: main and main.cancel())
            thread.join(10)


def fetch_all(
    targets: Iterable[Target],
    config: FetchConfig,
    politeness: Callable[[], Politeness] | None = None,
) -> list[FetchResult]:
    """Every result, in the order the targets were given."""
    targets = list(targets)
    position = {t.url: i for i, t in enumerate(targets)}
    return sorted(iter_results(targets, config, politeness), key=lambda r: position[r.url])
