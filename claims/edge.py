"""Purging a CDN's or caching proxy's copies of public pages when their claims change.

Every public page an anonymous reader may keep (claims.pagecache.for_the_edge) names what it
shows in a `Surrogate-Key` header (Fastly, Varnish) and the same keys in `Cache-Tag`
(Cloudflare): `claim-<id>` for the pages about one claim (its page, share cards, embed, feed),
`lists` for every other page (lists, home, speakers, sources, corrections, feeds, sitemap,
methodology: which of them show a claim depends on filters and pages, and a new verdict moves
every page after it), and `claimtrack` for all of them.

When claims.dependents says the public face of some claims changed, and PUBLIC_CACHE_PURGE_URLS
names proxies, one `PURGE` request per proxy carries the keys of those claims that were public
before the change or are after it, and `lists`, in its `Surrogate-Key` header. It is sent by a
task after the commit, through the outbox (tracker.outbox: written with the edit, retried by
resending until the proxies answer), so the editor's request never waits for a proxy. One
message per transaction, however many rows the edit saved. A draft's edits purge nothing.

With a read replica (tracker.replica), the purge waits until the replica has replayed the edit
(or the replica's lag bound has passed, after which readers read the primary): a proxy refilled
from a replica that is behind would keep the old page again.
"""

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.http import HttpRequest, HttpResponse

from claims.models import PublishedClaim
from tracker import outbox
from tracker.models import OutboxMessage

log = logging.getLogger(__name__)

TASK = "claims.purge_edge"
ALL, LISTS = "claimtrack", "lists"
# The pages about one claim (URL names), keyed by their `pk`.
CLAIM_PAGES = frozenset(
    {"claim-detail", "claim-detail-short", "claim-card", "claim-embed", "claim-feed"}
)
KEYS_PER_REQUEST = 100  # a header of about 1.5 KB: proxies accept 8 KB
REPLICA = "replica"


def claim_key(claim_id: int) -> str:
    return f"claim-{claim_id}"


def keys_of(request: HttpRequest) -> list[str]:
    match = request.resolver_match
    if match is not None and match.url_name in CLAIM_PAGES and "pk" in match.kwargs:
        return [ALL, claim_key(match.kwargs["pk"])]
    return [ALL, LISTS]


def label(request: HttpRequest, response: HttpResponse) -> None:
    """Name what an anonymous reader's page shows, for a purge by key."""
    keys = keys_of(request)
    response.headers["Surrogate-Key"] = " ".join(keys)
    response.headers["Cache-Tag"] = ",".join(keys)


def purging() -> bool:
    return bool(settings.PUBLIC_CACHE_PURGE_URLS)


def public_among(claim_ids: Iterable[int]) -> set[int]:
    """Which of these claims the read model holds as public now."""
    ids = list(claim_ids)
    if not ids:
        return set()
    return set(PublishedClaim.objects.filter(claim_id__in=ids).values_list("claim_id", flat=True))


class _Pending:
    """The purge this transaction will send: its outbox message and the keys so far. It sits in
    the connection's on-commit list, so a rollback forgets it with the message."""

    def __init__(self, message: OutboxMessage, keys: set[str]) -> None:
        self.message, self.keys = message, keys

    def __call__(self) -> None:
        """Nothing to do at the commit: outbox.enqueue relays the message."""


def purge_after_commit(claim_ids: Iterable[int]) -> None:
    """Purge the pages of these claims (public before or after the change: the caller says
    which) and every list, once this transaction commits."""
    keys = {claim_key(pk) for pk in claim_ids}
    if keys:
        _after_commit(keys | {LISTS})


def purge_lists_after_commit() -> None:
    """Every list and page but the claims' own (the rating scale changed: methodology, legends,
    filters)."""
    _after_commit({LISTS})


def _after_commit(keys: set[str]) -> None:
    """One outbox message per transaction: later keys are added to the message written first."""
    if not purging():
        return
    if not connection.in_atomic_block:
        outbox.enqueue(TASK, sorted(keys), now=True)
        return
    for _, callback, *_ in connection.run_on_commit:
        if isinstance(callback, _Pending):
            if not keys <= callback.keys:
                callback.keys |= keys
                OutboxMessage.objects.filter(pk=callback.message.pk).update(
                    args=[sorted(callback.keys)]
                )
            return
    message = outbox.enqueue(TASK, sorted(keys))
    assert message is not None, "recorded: not asked for once"
    transaction.on_commit(_Pending(message, keys))


class PurgeFailed(Exception):
    pass


def wait_for_replica() -> None:
    """Until the replica has replayed what the primary has written now (this task runs after
    the edit's commit), at most the replica's lag bound and a check: by then readers read the
    primary anyway (tracker.replica). A replica that does not answer is not waited for."""
    if REPLICA not in connections.databases:
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (written,) = cursor.fetchone()
    deadline = time.monotonic() + (
        settings.DATABASE_REPLICA_MAX_LAG_SECONDS + settings.DATABASE_REPLICA_CHECK_SECONDS
    )
    while True:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
                (caught_up,) = cursor.fetchone()
        except DatabaseError:
            connections[REPLICA].close()
            return
        if caught_up or time.monotonic() >= deadline:
            return
        time.sleep(0.1)


def send(keys: list[str]) -> list[str]:
    """PURGE every proxy of PUBLIC_CACHE_PURGE_URLS with these keys; the failures, as text."""
    failures = []
    for base in settings.PUBLIC_CACHE_PURGE_URLS:
        for start in range(0, len(keys), KEYS_PER_REQUEST):
            batch = " ".join(keys[start : start + KEYS_PER_REQUEST])
            request = urllib.request.Request(base, method="PURGE", headers={"Surrogate-Key": batch})
            try:
                with urllib.request.urlopen(
                    request, timeout=settings.PUBLIC_CACHE_PURGE_TIMEOUT_SECONDS
                ):
                    pass
            except (urllib.error.URLError, OSError) as error:
                failures.append(f"{base}: {error}")
    return failures


@shared_task(name=TASK, bind=True)
def purge_edge(self, keys: list[str]) -> None:
    """Purge these keys from every proxy. A proxy that did not answer fails the task, and the
    outbox sends it again (OUTBOX_RESEND_SECONDS later, OUTBOX_MAX_SENDS times at most):
    purging a key twice is harmless. Run eagerly (no broker), a failure is only logged."""
    wait_for_replica()
    failures = send(keys)
    if not failures:
        return
    if self.request.is_eager:
        log.warning("Could not purge the edge cache of %s: %s", keys, "; ".join(failures))
        return
    raise PurgeFailed("; ".join(failures))
