"""Archived copies of failing links: looked up at most once a week each."""

import datetime
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sources.events import link_health_changed
from sources.linkcheck.archive import ArchiveQuery, find_snapshots
from sources.models import Link

FAILING = [
    Link.Status.SOFT_404,
    Link.Status.BROKEN,
    Link.Status.UNREACHABLE,
    Link.Status.DEAD,
]

ARCHIVE_ASK_AGAIN = datetime.timedelta(days=7)


def archive_due(link: Link, now: datetime.datetime | None = None) -> bool:
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
        if archive_due(link, now)
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


@shared_task(
    name="sources.tasks.find_archives",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def find_archives(link_ids: list[int]) -> int:
    """Look up archived copies of failing links, as a task (rate-limited, at most weekly per
    link)."""
    return links_find_archives(link_ids=link_ids, quick=bool(find_archives.request.is_eager))
