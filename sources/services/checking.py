"""Checking links: leasing due ones (two workers never hold the same link), then checking them."""

import datetime
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from sources.linkcheck.fetch import Checker, FetchConfig, FetchResult, Target, iter_results
from sources.linkcheck.politeness import Politeness
from sources.metrics import count_checks
from sources.models import Link
from sources.services.archives import FAILING, archive_due, find_archives
from sources.services.config import fetch_config, politeness_factory
from sources.services.records import record_results
from tracker import outbox

# What the "broken evidence" report lists: unreachable is often passing, so it is left out.
REPORTED = [Link.Status.BROKEN, Link.Status.SOFT_404, Link.Status.DEAD]
RECORD_EVERY = 200  # results written per transaction
RECORD_AT_LEAST_EVERY = 1.0  # seconds, so progress is saved even when checks are slow


def links_claim(
    *,
    limit: int,
    lease_seconds: int | None = None,
    link_ids: Iterable[int] | None = None,
    host: str = "",
    due_only: bool = True,
    unchecked_since: datetime.datetime | None = None,
    run: str = "",
    now: datetime.datetime | None = None,
) -> tuple[str, list[int]]:
    """Lease up to `limit` links nobody holds (due ones, unless `due_only` is off; not checked
    since `unchecked_since` when given) and return the lease token with the ids actually
    leased. The UPDATE re-checks that each link is still free, so two workers can never hold
    the same link; a killed worker's lease just expires. The token starts with `run`, so a run
    of several processes can tell its own leases from a worker's."""
    now = now or timezone.now()
    lease_seconds = lease_seconds or settings.LINKCHECK_LEASE_SECONDS
    free = Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    candidates = Link.objects.filter(free)
    if due_only:
        candidates = candidates.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
    if unchecked_since is not None:
        candidates = candidates.filter(
            Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=unchecked_since)
        )
    if link_ids is not None:
        candidates = candidates.filter(pk__in=list(link_ids))
    if host:
        candidates = candidates.filter(host=host.lower())
    token = (run + uuid.uuid4().hex)[: Link._meta.get_field("lease_token").max_length]
    with transaction.atomic():
        ids = list(
            candidates.order_by(F("next_check_at").asc(nulls_first=True), "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return "", []
        Link.objects.filter(free, pk__in=ids).update(
            lease_token=token, leased_until=now + datetime.timedelta(seconds=lease_seconds)
        )
    return token, list(Link.objects.filter(lease_token=token).values_list("pk", flat=True))


def links_release(*, lease_token: str) -> int:
    """Give back what is left of a lease (after an error), so the next run picks it up."""
    return Link.objects.filter(lease_token=lease_token).update(lease_token="", leased_until=None)


def links_check(
    *,
    lease_token: str,
    config: FetchConfig | None = None,
    politeness: Callable[[], Politeness] | None = None,
    on_result: Callable[[Link], None] | None = None,
    archive_ids: list[int] | None = None,
    bulk: bool | None = None,
    checker: Checker | None = None,
) -> Counter:
    """Check every link held under `lease_token` and record each result as it arrives.
    Returns the count of new statuses. Safe to run twice: a second run finds the lease gone.

    Failing links due for an archive lookup are collected in `archive_ids` when given (the
    caller looks them up), otherwise a lookup task is enqueued on commit. `bulk` chooses how
    results are written (see `record_results`). A `checker` kept open across batches checks
    them (its config and politeness then apply); otherwise one is opened for this batch."""
    if not lease_token:
        return Counter()
    links = {
        link.pk: link
        for link in Link.objects.filter(lease_token=lease_token, leased_until__gt=timezone.now())
    }
    if not links:
        return Counter()
    targets = [
        Target(
            url=link.url,
            key=link.pk,
            known_hash=link.last_content_hash if link.status == Link.Status.OK else "",
            baseline_hash=link.baseline_hash,
        )
        for link in links.values()
    ]
    summary: Counter = Counter()
    pending: list[FetchResult] = []
    last_write = time.monotonic()
    failing: list[int] = []

    def flush() -> None:
        nonlocal last_write
        recorded: Counter = Counter()
        for link in record_results(links, pending, bulk=bulk):
            recorded[link.status] += 1
            if link.status in FAILING and archive_due(link):
                failing.append(link.pk)
            if on_result:
                on_result(link)
        pending.clear()
        summary.update(recorded)
        count_checks(recorded)
        last_write = time.monotonic()

    try:
        results = (
            checker.results(targets)
            if checker is not None
            else iter_results(targets, config or fetch_config(), politeness)
        )
        for result in results:
            pending.append(result)
            if (
                len(pending) >= RECORD_EVERY
                or time.monotonic() - last_write > RECORD_AT_LEAST_EVERY
            ):
                flush()
        flush()
    finally:
        links_release(lease_token=lease_token)
        if archive_ids is not None:
            archive_ids.extend(failing)
        elif failing:
            outbox.enqueue(find_archives.name, list(failing))
    return summary


# A batch must finish (or be stopped) before its lease runs out, or a second worker could take
# the same links while the first still writes them.
LEASE = settings.LINKCHECK_LEASE_SECONDS
CHECK_LIMITS: dict[str, Any] = {
    "soft_time_limit": int(LEASE * 0.85),
    "time_limit": int(LEASE * 0.95),
}


@shared_task(name="sources.tasks.check_links", acks_late=True, ignore_result=True, **CHECK_LIMITS)
def check_links(link_ids: list[int], lease_token: str = "") -> dict[str, int]:
    """Check the given links (a task, safe to run twice: the lease makes it idempotent).
    Without a lease token (a new link, "recheck now") the links are leased here first; links
    another worker holds are left to it."""
    quick = bool(check_links.request.is_eager)
    if not lease_token:
        lease_token, _ = links_claim(limit=len(link_ids), link_ids=link_ids, due_only=False)
        if not lease_token:
            return {}
    summary = links_check(
        lease_token=lease_token,
        config=fetch_config(quick=quick),
        politeness=politeness_factory(),
    )
    return dict(summary)
