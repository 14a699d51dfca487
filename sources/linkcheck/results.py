"""What a link check is given and what it reports: configuration, targets, results, and the
sorting of failures into kinds an editor can read. Plain Python, no Django, no network."""

import datetime
import email.utils
import ssl
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import aiohttp

from sources.linkcheck.guard import Network, Refused

REDIRECT_CODES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECT_CODES = {301, 308}
SLOW_DOWN_CODES = {429, 503}


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
    keep_body: bool = (
        False  # every body, kept: for callers that read the document (intake, ClaimReview)
    )


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
    charset: str = ""  # as the server declared it in Content-Type, if it did
    content_hash: str = ""
    content_length: int = 0
    truncated: bool = False
    fingerprint: list[int] = field(default_factory=list)
    error_kind: str = ""
    error: str = ""
    retry_after: float | None = None
    probe: "FetchResult | None" = None
    # The body of a text page, until fingerprinted (only when it differs from what is known);
    # of any page with FetchConfig.keep_body.
    body: bytes = field(default=b"", repr=False)

    @property
    def permanent_move(self) -> bool:
        """Did a permanent redirect (301/308) take us somewhere else?"""
        return any(hop.status in PERMANENT_REDIRECT_CODES for hop in self.hops[:-1])


@dataclass
class Response:
    status: int
    location: str = ""
    content_type: str = ""
    charset: str = ""
    retry_after: float | None = None
    ip: str = ""
    body: bytes = b""
    truncated: bool = False


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # not "²", which float() refuses
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def error_kind(exc: BaseException) -> tuple[str, str]:
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
