"""Send one signed webhook request through the SSRF guard. Plain Python: no Django here.

Redirects are not followed (a consumer's endpoint answers, it does not move), so the guard's
check of the one destination is the whole story.
"""

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass

import aiohttp

from sources.linkcheck.guard import Network, Refused, check_url, guarded_connector
from tracker.characters import without_control_characters
from webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

USER_AGENT = "Claimtrack-Webhooks/1"
EXCERPT_BYTES = 500


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    error: str = ""
    refused: bool = False
    response_excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(secret: str, body: bytes, extra: dict[str, str]) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        **extra,
    }


def send(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allowed_networks: Iterable[Network],
    timeout: float,
) -> Outcome:
    """POST `body` to `url`; never raises for network trouble, it is part of the outcome."""
    return asyncio.run(_send(url, body, headers, tuple(allowed_networks), timeout))


def _refusal(exc: BaseException | None) -> Refused | None:
    while exc is not None:
        if isinstance(exc, Refused):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


async def _send(
    url: str, body: bytes, headers: dict[str, str], allowed: tuple, timeout: float
) -> Outcome:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_url(url, allowed)
        async with (
            aiohttp.ClientSession(
                connector=guarded_connector(allowed),
                timeout=aiohttp.ClientTimeout(total=timeout),
                trust_env=False,  # no proxy from the environment may route around the guard
            ) as session,
            session.post(url, data=body, headers=headers, allow_redirects=False) as response,
        ):
            excerpt = await response.content.read(EXCERPT_BYTES)
            # Whatever the receiver answers is kept as storable text (PostgreSQL refuses NUL).
            readable = without_control_characters(excerpt.decode(errors="replace"))
            return Outcome(response.status, elapsed(), response_excerpt=readable)
    except TimeoutError:
        return Outcome(None, elapsed(), error=f"No answer within {timeout:g} s")
    except Exception as exc:  # network failures of every kind are the outcome, not a crash
        refused = _refusal(exc)
        if refused is not None:
            return Outcome(None, elapsed(), error=f"Refused: {refused.reason}", refused=True)
        if isinstance(exc, aiohttp.ClientError | OSError | ValueError):
            return Outcome(None, elapsed(), error=f"{type(exc).__name__}: {exc}")
        raise
