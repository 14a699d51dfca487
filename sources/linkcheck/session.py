"""One aiohttp session checking targets: every hop past the SSRF guard, redirects followed here,
bodies read within limits, text fingerprinted when it changed, soft-404 probes. The session
stays open across batches, so its connections, DNS cache and probes serve a whole run.

Safety: every hop is checked by the SSRF guard before it is requested and the connector checks
every address it connects to; redirects are followed here, never by aiohttp; bodies are read up
to `max_bytes` after decompression (done here, in bounded steps, so a gzip bomb cannot grow);
TLS is always verified; no cookies, credentials or proxy settings are used.
"""

import asyncio
import contextlib
import hashlib
import secrets
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp
from yarl import URL

from sources.linkcheck import content
from sources.linkcheck.guard import check_url, guarded_connector
from sources.linkcheck.politeness import Politeness
from sources.linkcheck.results import (
    REDIRECT_CODES,
    SLOW_DOWN_CODES,
    ErrorKind,
    FetchConfig,
    FetchResult,
    Hop,
    Response,
    Target,
    error_kind,
    parse_retry_after,
)

CHUNK = 64 * 1024
PROBES_KEPT = 10_000  # soft-404 probes remembered (one per site folder); the oldest go first


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
    """Checks targets on one aiohttp session; open it (`async with`) inside the event loop
    that runs it, then `run()` one batch after another."""

    def __init__(self, config: FetchConfig, politeness: Politeness | None = None):
        self.config = config
        self.politeness = politeness or Politeness()
        self._probes: dict[tuple[str, str], asyncio.Future] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Fetcher":
        cfg = self.config
        self._session = aiohttp.ClientSession(
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
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def run(self, targets: Iterable[Target], deliver: Callable[[FetchResult], None]) -> None:
        """Check every target, at most `concurrency` at once, calling `deliver` with each
        result as soon as it is known. Targets are interleaved by host so one busy host does
        not hold every worker."""
        pending = _interleave_by_host(targets)
        pending.reverse()  # popped from the end

        async def worker() -> None:
            while pending:
                target = pending.pop()
                try:
                    result = await self.check(target)
                except Exception as exc:  # a bug must cost one link, not the batch
                    result = FetchResult(url=target.url, key=target.key)
                    result.error_kind, result.error = error_kind(exc)
                deliver(result)

        workers = max(1, min(self.config.concurrency, len(pending)))
        await asyncio.gather(*(worker() for _ in range(workers)))

    async def check(self, target: Target) -> FetchResult:
        result = await self._follow(target.url, key=target.key)
        if result.content_hash not in (target.known_hash, target.baseline_hash):
            result.fingerprint = _fingerprint(result)
        if not self.config.keep_body:
            result.body = b""
        if (
            self.config.probe_soft_404
            and result.status_code == 200
            and result.content_hash != target.known_hash
            and URL(result.final_url).path not in ("", "/")
        ):
            result.probe = await self._probe(result.final_url)
        return result

    async def _probe(self, url: str) -> FetchResult:
        """Fetch a random sibling of `url` (same host and folder) to see what "not found" looks
        like on this site; one probe per folder for as long as the session is open."""
        parsed = URL(url)
        folder = parsed.path.rsplit("/", 1)[0] + "/"
        key = (str(parsed.origin()), folder)
        future = self._probes.get(key)
        if future is None:
            if len(self._probes) >= PROBES_KEPT:
                del self._probes[next(iter(self._probes))]
            future = self._probes[key] = asyncio.get_running_loop().create_future()
            sibling = str(parsed.origin().with_path(f"{folder}claimtrack-{secrets.token_hex(8)}"))
            try:
                probe = await self._follow(sibling)
                probe.fingerprint = _fingerprint(probe)
                probe.body = b""
                future.set_result(probe)
            except asyncio.CancelledError:
                future.cancel()
                self._probes.pop(key, None)  # a later batch probes this folder again
                raise
        return await asyncio.shield(future)

    async def _follow(self, url: str, key: Any = None) -> FetchResult:
        """Request `url`, following redirects ourselves so the guard sees every hop."""
        result = FetchResult(url=url, key=key)
        started = time.perf_counter()
        current = url
        visited: set[str] = set()
        try:
            while True:
                parsed = check_url(current, self.config.allowed_networks)
                visited.add(current)
                response = await self._get(parsed)
                result.hops.append(Hop(current, response.status))
                result.ip = response.ip or result.ip
                if response.status in REDIRECT_CODES and response.location:
                    following = str(parsed.join(URL(response.location)).with_fragment(None))
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
            result.error_kind, result.error = error_kind(exc)
        result.latency_ms = round((time.perf_counter() - started) * 1000)
        return result

    def _finish(self, result: FetchResult, url: str, response: Response) -> None:
        result.final_url = url
        result.status_code = response.status
        result.content_type = response.content_type
        result.charset = response.charset
        result.retry_after = response.retry_after
        if 200 <= response.status < 300:
            result.content_hash = hashlib.sha256(response.body).hexdigest()
            result.content_length = len(response.body)
            result.truncated = response.truncated
            text = "html" in response.content_type or response.content_type.startswith("text/")
            if text or self.config.keep_body:
                result.body = response.body

    async def _get(self, url: URL) -> Response:
        """One GET, within a politeness slot; a 429/503 slows the host down for every worker,
        and a Retry-After no longer than `retry_after_max` is waited out and retried once."""
        host = url.host or ""
        for attempt in (1, 2):
            async with await self.politeness.slot(host), asyncio.timeout(self.config.total_timeout):
                response = await self._request(url)
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

    async def _request(self, url: URL) -> Response:
        assert self._session is not None, "open the Fetcher first (async with)"
        async with self._session.get(url, allow_redirects=False) as raw:
            response = Response(
                status=raw.status,
                location=raw.headers.get("Location", ""),
                content_type=raw.headers.get("Content-Type", "").split(";")[0].strip().lower(),
                charset=raw.charset or "",
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
    # Decoded as UTF-8 whatever the page declares, on purpose: a fingerprint is only ever
    # compared with the link's earlier ones, and decoding the same bytes the same way keeps the
    # baselines recorded so far comparable (intake and exchange read pages with page_text).
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
