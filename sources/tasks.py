"""Link health tasks: thin, id-based and safe to run twice (the lease makes them idempotent).

`dispatch_due_links` runs from celery beat (schedule created by migration, editable in admin);
it leases due links in bounded batches and hands each batch to `check_links`.
"""

from typing import Any

from celery import shared_task
from django.conf import settings

from sources import services

LEASE = settings.LINKCHECK_LEASE_SECONDS
# A batch must finish (or be stopped) before its lease runs out, or a second worker could take
# the same links while the first still writes them.
CHECK_LIMITS: dict[str, Any] = {
    "soft_time_limit": int(LEASE * 0.85),
    "time_limit": int(LEASE * 0.95),
}


@shared_task(acks_late=True, ignore_result=True, **CHECK_LIMITS)
def check_links(link_ids: list[int], lease_token: str = "") -> dict[str, int]:
    """Check the given links. Without a lease token (a new link, "recheck now") the links are
    leased here first; links another worker holds are left to it."""
    quick = bool(check_links.request.is_eager)
    if not lease_token:
        lease_token, _ = services.links_claim(
            limit=len(link_ids), link_ids=link_ids, due_only=False
        )
        if not lease_token:
            return {}
    summary = services.links_check(
        lease_token=lease_token,
        config=services.fetch_config(quick=quick),
        politeness=services.politeness_factory(),
    )
    return dict(summary)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=150)
def dispatch_due_links() -> int:
    """Lease due links in batches of LINKCHECK_BATCH_SIZE (at most LINKCHECK_BATCHES_PER_RUN
    batches per run) and enqueue a check for each batch. Returns the number of links leased."""
    leased = 0
    for _ in range(settings.LINKCHECK_BATCHES_PER_RUN):
        token, ids = services.links_claim(limit=settings.LINKCHECK_BATCH_SIZE)
        if not ids:
            break
        leased += len(ids)
        check_links.delay(ids, token)
    return leased


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def find_archives(link_ids: list[int]) -> int:
    """Look up archived copies of failing links (rate-limited, at most weekly per link)."""
    return services.links_find_archives(
        link_ids=link_ids, quick=bool(find_archives.request.is_eager)
    )
