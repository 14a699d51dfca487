"""Link health writes: registering cited URLs, leasing due links, recording checks, archives.

The network side lives in sources/linkcheck/ (plain Python); this module turns settings into
its configuration and its results into rows.
"""

import datetime
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from sources.events import link_health_changed
from sources.linkcheck import classify as rules
from sources.linkcheck.archive import ArchiveQuery, find_snapshots
from sources.linkcheck.fetch import FetchConfig, FetchResult, Target, iter_results
from sources.linkcheck.normalize import normalize_url
from sources.linkcheck.politeness import LocalPoliteness, Politeness, RedisPoliteness
from sources.linkcheck.schedule import next_check
from sources.models import Link, LinkCheck, Source

FAILING = [
    Link.Status.SOFT_404,
    Link.Status.BROKEN,
    Link.Status.UNREACHABLE,
    Link.Status.DEAD,
]
# What the "broken evidence" report lists: unreachable is often passing, so it is left out.
REPORTED = [Link.Status.BROKEN, Link.Status.SOFT_404, Link.Status.DEAD]
ARCHIVE_ASK_AGAIN = datetime.timedelta(days=7)
RECORD_EVERY = 200  # results written per transaction
RECORD_AT_LEAST_EVERY = 1.0  # seconds, so progress is saved even when checks are slow


# Configuration --------------------------------------------------------------------------------


def fetch_config(*, quick: bool = False, concurrency: int | None = None) -> FetchConfig:
    """The checker's settings. `quick` bounds a check that runs inside a web request (eager
    mode, no broker): a short total timeout and no waiting out Retry-After."""
    total = settings.LINKCHECK_TOTAL_TIMEOUT
    return FetchConfig(
        allowed_networks=tuple(settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS),
        user_agent=settings.LINKCHECK_USER_AGENT,
        connect_timeout=min(settings.LINKCHECK_CONNECT_TIMEOUT, 3 if quick else total),
        read_timeout=min(settings.LINKCHECK_READ_TIMEOUT, 5 if quick else total),
        total_timeout=min(total, 5) if quick else total,
        max_bytes=settings.LINKCHECK_MAX_BYTES,
        concurrency=concurrency or settings.LINKCHECK_CONCURRENCY,
        retry_after_max=0 if quick else settings.LINKCHECK_RETRY_AFTER_MAX,
    )


def _redis_url() -> str:
    for url in (settings.CACHE_URL, settings.CELERY_BROKER_URL):
        if url.startswith(("redis://", "rediss://")):
            return url
    return ""


def politeness_factory(
    per_host: int | None = None, interval_ms: int | None = None
) -> Callable[[], Politeness]:
    """Per-host limits shared through Redis when workers run against a broker, kept in the
    process otherwise. Zero for both turns politeness off (benchmarks only)."""
    per_host = settings.LINKCHECK_PER_HOST_CONCURRENCY if per_host is None else per_host
    interval_ms = settings.LINKCHECK_PER_HOST_INTERVAL_MS if interval_ms is None else interval_ms
    if not per_host and not interval_ms:
        return Politeness
    redis_url = _redis_url()
    if settings.CELERY_BROKER_URL and redis_url:
        return lambda: RedisPoliteness(redis_url, per_host, interval_ms)
    return lambda: LocalPoliteness(per_host, interval_ms)


def classify_rules() -> rules.Rules:
    return rules.Rules(change_threshold=settings.LINKCHECK_CHANGE_THRESHOLD / 100)


# Registration ---------------------------------------------------------------------------------


def link_register(*, url: str) -> Link | None:
    """The Link for `url` (created if new, its first check enqueued on commit); None when the
    URL cannot be a link (no host)."""
    from sources import tasks

    try:
        normalised = normalize_url(url)
    except ValueError:
        return None
    if len(normalised) > Link._meta.get_field("url").max_length:
        return None  # percent-encoding made it longer than any real citation
    link, created = Link.objects.get_or_create(
        url=normalised,
        defaults={
            "host": (urlsplit(normalised).hostname or "")[:255],
            "next_check_at": timezone.now(),
        },
    )
    if created:
        transaction.on_commit(lambda: tasks.check_links.delay([link.pk]))
    return link


def source_link_sync(*, source: Source) -> Link | None:
    """Point `source.link` at the Link for its URL (or at nothing when it has none)."""
    link = link_register(url=source.url) if source.url.strip() else None
    link_id = link.pk if link else None
    if source.link_id != link_id:
        previous = source.link_id
        # A queryset update: no second save, no second history row, no signal loop.
        Source.objects.filter(pk=source.pk).update(link=link)
        source.link = link
        if previous is not None:
            link_forget_if_uncited(link_id=previous)
    return link


def link_forget_if_uncited(*, link_id: int) -> bool:
    """Delete a link (and its checks) that no source cites any more: nobody needs its health,
    and checking it would only cost the site requests."""
    deleted, _ = Link.objects.filter(pk=link_id, sources__isnull=True).delete()
    return bool(deleted)


# Leases -------------------------------------------------------------------------------------


def links_claim(
    *,
    limit: int,
    lease_seconds: int | None = None,
    link_ids: Iterable[int] | None = None,
    host: str = "",
    due_only: bool = True,
    now: datetime.datetime | None = None,
) -> tuple[str, list[int]]:
    """Lease up to `limit` links nobody holds (due ones, unless `due_only` is off) and return
    the lease token with the ids actually leased. The UPDATE re-checks that each link is still
    free, so two workers can never hold the same link; a killed worker's lease just expires."""
    now = now or timezone.now()
    lease_seconds = lease_seconds or settings.LINKCHECK_LEASE_SECONDS
    free = Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    candidates = Link.objects.filter(free)
    if due_only:
        candidates = candidates.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
    if link_ids is not None:
        candidates = candidates.filter(pk__in=list(link_ids))
    if host:
        candidates = candidates.filter(host=host.lower())
    token = uuid.uuid4().hex
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


# Checking -----------------------------------------------------------------------------------


def links_check(
    *,
    lease_token: str,
    config: FetchConfig | None = None,
    politeness: Callable[[], Politeness] | None = None,
    on_result: Callable[[Link], None] | None = None,
    archive_ids: list[int] | None = None,
) -> Counter:
    """Check every link held under `lease_token` and record each result as it arrives.
    Returns the count of new statuses. Safe to run twice: a second run finds the lease gone.

    Failing links due for an archive lookup are collected in `archive_ids` when given (the
    caller looks them up), otherwise a lookup task is enqueued on commit."""
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
        for link in _record(links, pending):
            summary[link.status] += 1
            if link.status in FAILING and _archive_due(link):
                failing.append(link.pk)
            if on_result:
                on_result(link)
        pending.clear()
        last_write = time.monotonic()

    try:
        for result in iter_results(targets, config or fetch_config(), politeness):
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
            from sources import tasks

            ids = list(failing)
            transaction.on_commit(lambda: tasks.find_archives.delay(ids))
    return summary


def _record(links: dict[int, Link], results: list[FetchResult]) -> list[Link]:
    """Write a group of results: one check row each, the links' new state, history trimmed."""
    if not results:
        return []
    history = settings.LINKCHECK_HISTORY
    recheck = datetime.timedelta(days=settings.LINKCHECK_RECHECK_DAYS)
    check_rules = classify_rules()
    checks: list[LinkCheck] = []
    changed: list[Link] = []
    moved: list[int] = []
    for result in results:
        link = links[result.key]
        known = rules.Known(
            status=link.status,
            failure_count=link.failure_count,
            failing_since=link.failing_since,
            baseline=link.baseline_fingerprint or [],
        )
        verdict = rules.classify(result, known, check_rules)
        checked_at = result.checked_at
        if verdict.status != link.status:
            moved.append(link.pk)
        link.status = verdict.status
        link.status_reason = verdict.reason[:500]
        link.last_checked_at = checked_at
        link.last_status_code = result.status_code
        link.final_url = result.final_url[:2000]
        link.check_count += 1
        link.failure_count = verdict.failure_count
        link.failing_since = verdict.failing_since
        if result.content_hash:
            link.last_content_hash = result.content_hash
        if verdict.status in rules.HEALTHY:
            link.last_good_at = checked_at
        if verdict.new_baseline:
            link.baseline_fingerprint = result.fingerprint
            link.baseline_hash = result.content_hash
            link.baseline_at = checked_at
        link.next_check_at = next_check(
            verdict.status,
            verdict.failure_count,
            checked_at,
            retry_after=result.retry_after,
            recheck=recheck,
            rng=random,
        )
        link.lease_token = ""
        link.leased_until = None
        changed.append(link)
        checks.append(
            LinkCheck(
                link=link,
                checked_at=checked_at,
                status=verdict.status,
                reason=verdict.reason[:500],
                http_status=result.status_code,
                final_url=result.final_url[:2000],
                redirect_chain=[{"url": hop.url, "status": hop.status} for hop in result.hops],
                latency_ms=result.latency_ms,
                content_hash=result.content_hash,
                content_length=result.content_length,
                ip=result.ip or None,
                error_kind=result.error_kind,
                error=result.error[:500],
            )
        )
    with transaction.atomic():
        _insert_checks(checks)
        _write_links(changed, RECORDED_FIELDS)
        over = [link.pk for link in changed if link.check_count > history]
        if over:
            ranked = LinkCheck.objects.filter(link_id__in=over).annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("link_id"),
                    order_by=[F("checked_at").desc(), F("id").desc()],
                )
            )
            old = [pk for pk, rank in ranked.values_list("pk", "rank") if rank > history]
            if old:
                LinkCheck.objects.filter(pk__in=old).delete()
    if moved:
        link_health_changed.send(sender=Link, link_ids=moved)
    return changed


def _adapter(field: models.Field) -> Callable[[object], object]:
    """A value converter for `field` straight from the backend's adapters: Django's generic
    get_db_prep_save chain costs more than the rest of recording a check."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.GenericIPAddressField):
        return lambda value: ops.adapt_ipaddressfield_value(value) if value else None
    return lambda value: value


def _write_links(links: list[Link], field_names: list[str]) -> None:
    """One parametrised UPDATE run for every link (executemany): bulk_update's CASE WHEN per
    field costs seconds per thousand links, this costs milliseconds."""
    fields = [Link._meta.get_field(name) for name in field_names]
    adapters = [(field.attname, _adapter(field)) for field in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Link._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    rows = [[adapt(getattr(link, name)) for name, adapt in adapters] + [link.pk] for link in links]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_checks(checks: list[LinkCheck]) -> None:
    """The check rows in one executemany (their ids are not needed afterwards)."""
    fields = [f for f in LinkCheck._meta.concrete_fields if not f.primary_key]
    adapters = [(field.attname, _adapter(field)) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(LinkCheck._meta.db_table)} ({columns}) VALUES ({marks})"
    rows = [[adapt(getattr(check, name)) for name, adapt in adapters] for check in checks]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


RECORDED_FIELDS = [
    "status",
    "status_reason",
    "last_checked_at",
    "last_status_code",
    "final_url",
    "check_count",
    "failure_count",
    "failing_since",
    "last_content_hash",
    "last_good_at",
    "baseline_fingerprint",
    "baseline_hash",
    "baseline_at",
    "next_check_at",
    "lease_token",
    "leased_until",
]


def link_recheck_now(*, link_ids: Iterable[int]) -> int:
    """Make links due now and enqueue their check on commit (admin's "recheck now")."""
    from sources import tasks

    ids = list(link_ids)
    count = Link.objects.filter(pk__in=ids).update(next_check_at=timezone.now())
    transaction.on_commit(lambda: tasks.check_links.delay(ids))
    return count


def link_accept_content(*, link: Link) -> Link:
    """Take the page as it is now as the reference for "changed" (an editor read it)."""
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link.pk)
        link.baseline_fingerprint = []
        link.baseline_hash = ""
        link.baseline_at = None
        if link.status == Link.Status.CHANGED:
            link.status = Link.Status.UNCHECKED
            link.status_reason = "content accepted by an editor; rechecking"
        link.next_check_at = timezone.now()
        link.save()
    return link


# Archives -----------------------------------------------------------------------------------


def _archive_due(link: Link, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return link.archive_looked_up_at is None or link.archive_looked_up_at < now - ARCHIVE_ASK_AGAIN


def links_find_archives(*, link_ids: Iterable[int], quick: bool = False) -> int:
    """Look up the nearest archived copy of failing links (at most once a week each) and
    store it. Returns how many links have an archived copy afterwards. `quick` bounds a
    lookup that runs inside a web request (eager mode)."""
    now = timezone.now()
    links = [
        link
        for link in Link.objects.filter(pk__in=list(link_ids), status__in=FAILING)
        if _archive_due(link, now)
    ]
    if not links:
        return 0
    found = find_snapshots(
        [ArchiveQuery(key=link.pk, url=link.url, near=link.last_good_at) for link in links],
        settings.ARCHIVE_AVAILABILITY_URL,
        user_agent=settings.LINKCHECK_USER_AGENT,
        timeout=min(settings.LINKCHECK_TOTAL_TIMEOUT, 5 if quick else 60),
        interval_ms=settings.ARCHIVE_INTERVAL_MS,
    )
    archived: list[int] = []
    with transaction.atomic():
        for link in links:
            if link.pk not in found:
                continue
            snapshot = found[link.pk]
            updates: dict[str, object] = {"archive_looked_up_at": now}
            if snapshot is not None:
                updates.update(archive_url=snapshot.url[:2000], archived_at=snapshot.taken_at)
                if snapshot.url[:2000] != link.archive_url:
                    archived.append(link.pk)
            Link.objects.filter(pk=link.pk).update(**updates)
    if archived:
        link_health_changed.send(sender=Link, link_ids=archived)
    return Link.objects.filter(pk__in=[link.pk for link in links]).exclude(archive_url="").count()


# Reports ------------------------------------------------------------------------------------


def claims_with_failing_evidence(statuses: Iterable[str] = tuple(REPORTED)) -> models.QuerySet:
    """Claims whose current review (published, or the draft in the works) cites a source whose
    link is failing."""
    from claims.models import Claim, Review

    return (
        Claim.objects.filter(
            reviews__state__in=[Review.State.PUBLISHED, Review.State.DRAFT],
            reviews__evidence__source__link__status__in=list(statuses),
        )
        .distinct()
        .order_by("-updated_at", "-id")
    )
