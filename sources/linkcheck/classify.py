"""Turn one fetch result, and what we knew about the link before, into its health status.

Plain Python: the status names are the same strings as `sources.models.Link.Status`.
"""

import datetime
from dataclasses import dataclass, field

from yarl import URL

from sources.linkcheck.content import similarity
from sources.linkcheck.fetch import ErrorKind, FetchResult

UNCHECKED = "unchecked"
OK = "ok"
REDIRECTED = "redirected"
SOFT_404 = "soft_404"
CHANGED = "changed"
BROKEN = "broken"
UNREACHABLE = "unreachable"
BLOCKED = "blocked"
DEAD = "dead"

HEALTHY = {OK, REDIRECTED, CHANGED}
# Bot blockers answer these to crawlers while readers see the page: never evidence of death.
INCONCLUSIVE_CODES = {401, 403, 429}
UNREACHABLE_KINDS = {
    ErrorKind.DNS,
    ErrorKind.CONNECTION,
    ErrorKind.TLS,
    ErrorKind.TIMEOUT,
    ErrorKind.PROTOCOL,
}

# A page at least this much like a random sibling on its site is that site's "not found" page.
SOFT_404_SIMILARITY = 0.85


@dataclass(frozen=True)
class Rules:
    change_threshold: float = 0.5  # "changed" below this similarity with the first capture
    dead_after_failures: int = 3
    dead_after: datetime.timedelta = datetime.timedelta(days=3)


@dataclass(frozen=True)
class Known:
    """What we knew about the link before this check."""

    status: str = UNCHECKED
    failure_count: int = 0
    failing_since: datetime.datetime | None = None
    baseline: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    failing: bool = False  # counts towards "dead"
    failure_count: int = 0
    failing_since: datetime.datetime | None = None
    similarity: float | None = None
    new_baseline: bool = False  # this capture becomes the reference for "changed"


def _same_document(a: str, b: str) -> bool:
    """True when a redirect only tidied the URL: http→https, www., a trailing slash."""
    try:
        ua, ub = URL(a), URL(b)
    except ValueError:
        return False

    def key(u: URL) -> tuple:
        host = (u.host or "").removeprefix("www.")
        return host, u.path.rstrip("/") or "/", u.query_string

    return key(ua) == key(ub)


def _is_root(url: str) -> bool:
    try:
        parsed = URL(url)
    except ValueError:
        return False
    return parsed.path in ("", "/") and not parsed.query_string


def _status_for(result: FetchResult, known: Known, rules: Rules) -> Verdict:
    """The status from this check alone (deadness is decided by the caller)."""
    code = result.status_code
    if result.error_kind == ErrorKind.BLOCKED:
        return Verdict(BLOCKED, f"not checked: {result.error}")
    if result.error_kind in UNREACHABLE_KINDS:
        return Verdict(UNREACHABLE, result.error, failing=True)
    if result.error_kind:
        return Verdict(BROKEN, result.error, failing=True)
    if code in INCONCLUSIVE_CODES:
        reason = f"the site refused the checker ({code}); readers may still see the page"
        return Verdict(known.status if known.status in HEALTHY else BROKEN, reason)
    if code is None or code >= 300:
        return Verdict(BROKEN, f"the server answered {code}", failing=True)

    if len(result.hops) > 1 and _is_root(result.final_url) and not _is_root(result.url):
        return Verdict(SOFT_404, "redirects to the site's home page", failing=True)
    probe = result.probe
    if probe is not None and probe.status_code == 200 and result.fingerprint:
        like_missing = similarity(result.fingerprint, probe.fingerprint)
        same_landing = len(result.hops) > 1 and probe.final_url == result.final_url
        if like_missing >= SOFT_404_SIMILARITY or same_landing:
            return Verdict(
                SOFT_404,
                f"looks like the site's page for a missing address ({like_missing:.0%} alike)",
                failing=True,
            )

    if known.baseline and result.fingerprint:
        alike = similarity(known.baseline, result.fingerprint)
        if alike < rules.change_threshold:
            return Verdict(CHANGED, f"text is {alike:.0%} like the first capture", similarity=alike)
        like_before = alike
    else:
        like_before = None

    if result.permanent_move and not _same_document(result.url, result.final_url):
        return Verdict(
            REDIRECTED, f"moved permanently to {result.final_url}", similarity=like_before
        )
    return Verdict(
        OK,
        f"answered {code}",
        similarity=like_before,
        new_baseline=not known.baseline and bool(result.fingerprint),
    )


def classify(result: FetchResult, known: Known, rules: Rules | None = None, now=None) -> Verdict:
    """The link's new status. A failing link becomes `dead` only after
    `dead_after_failures` failing checks in a row spread over at least `dead_after`."""
    rules = rules or Rules()
    now = now or result.checked_at
    verdict = _status_for(result, known, rules)
    if verdict.status == BLOCKED or (not verdict.failing and verdict.status not in HEALTHY):
        # Blocked and inconclusive checks say nothing about the site: keep the counters.
        return Verdict(
            verdict.status,
            verdict.reason,
            failure_count=known.failure_count,
            failing_since=known.failing_since,
        )
    if not verdict.failing:
        return verdict
    count = known.failure_count + 1
    since = known.failing_since or now
    if count >= rules.dead_after_failures and now - since >= rules.dead_after:
        days = (now - since).days
        return Verdict(
            DEAD,
            f"failing on {count} checks over {days} days; last: {verdict.reason}",
            failing=True,
            failure_count=count,
            failing_since=since,
        )
    return Verdict(
        verdict.status,
        verdict.reason,
        failing=True,
        failure_count=count,
        failing_since=since,
    )
