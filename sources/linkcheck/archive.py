"""Find an archived copy of a failing page with the Wayback Machine availability API.

The endpoint is the operator's setting (ARCHIVE_AVAILABILITY_URL), not a user's URL, so it is
not put through the SSRF guard; only the snapshot's address is stored, never fetched.
Lookups go one at a time at most every `interval_ms`: the archive is a shared public service.
"""

import asyncio
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import aiohttp
from yarl import URL

from sources.linkcheck.politeness import LocalPoliteness, Politeness
from tracker import bounded_json

MAX_ANSWER_BYTES = 64 * 1024  # an availability answer is a few hundred bytes


@dataclass(frozen=True)
class Snapshot:
    url: str
    taken_at: datetime.datetime


@dataclass(frozen=True)
class ArchiveQuery:
    key: object
    url: str
    near: datetime.datetime | None = None  # when the page was last known good


def _parse(payload: object) -> Snapshot | None:
    try:
        closest = payload["archived_snapshots"]["closest"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    if not isinstance(closest, dict) or not closest.get("available") or not closest.get("url"):
        return None
    if str(closest.get("status", "200"))[:1] not in ("2", "3"):
        return None
    try:
        taken_at = datetime.datetime.strptime(str(closest["timestamp"]), "%Y%m%d%H%M%S").replace(
            tzinfo=datetime.UTC
        )
    except (KeyError, ValueError):
        return None
    url = str(closest["url"])
    if url.startswith("http://web.archive.org/"):
        url = "https://" + url.removeprefix("http://")
    return Snapshot(url=url, taken_at=taken_at)


async def _lookup_all(
    queries: list[ArchiveQuery],
    endpoint: str,
    *,
    user_agent: str,
    timeout: float,
    limiter: Politeness,
) -> dict[object, Snapshot | None]:
    found: dict[object, Snapshot | None] = {}
    host = URL(endpoint).host or ""
    async with aiohttp.ClientSession(
        headers={"User-Agent": user_agent},
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        timeout=aiohttp.ClientTimeout(total=timeout),
    ) as session:
        for query in queries:
            params = {"url": query.url}
            if query.near:
                params["timestamp"] = query.near.strftime("%Y%m%d%H%M%S")
            try:
                async with (
                    await limiter.slot(host),
                    session.get(endpoint, params=params) as response,
                ):
                    if response.status == 429:
                        await limiter.slow_down(host, 60)
                        continue
                    if response.status != 200:
                        continue
                    body = await response.content.read(MAX_ANSWER_BYTES + 1)
                    if len(body) > MAX_ANSWER_BYTES:
                        continue  # no availability answer is this long
                    payload = bounded_json.loads(body)
            except (aiohttp.ClientError, TimeoutError, ValueError):  # BadJSON is a ValueError
                continue  # not found this time; the next failing check asks again
            found[query.key] = _parse(payload)
    return found


def find_snapshots(
    queries: Iterable[ArchiveQuery],
    endpoint: str,
    *,
    user_agent: str = "ClaimtrackLinkChecker/1.0",
    timeout: float = 20.0,
    interval_ms: int = 1000,
    politeness: Callable[[], Politeness] | None = None,
) -> dict[object, Snapshot | None]:
    """For each query that got an answer: its nearest snapshot, or None when the archive has
    none. Queries whose lookup failed are missing from the result (ask again later)."""

    async def run() -> dict[object, Snapshot | None]:
        limiter = politeness() if politeness else LocalPoliteness(1, interval_ms)
        try:
            return await _lookup_all(
                list(queries), endpoint, user_agent=user_agent, timeout=timeout, limiter=limiter
            )
        finally:
            await limiter.close()

    return asyncio.run(run())
