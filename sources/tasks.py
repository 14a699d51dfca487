"""Link health's beat task: `dispatch_due_links` runs from celery beat (schedule created by
migration, editable in admin); it leases due links in bounded batches and hands each batch to
the check task, which sits beside the checking logic (sources.services.checking.check_links)."""

from celery import shared_task
from django.conf import settings

from sources import services


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
        services.check_links.delay(ids, token)
    return leased
