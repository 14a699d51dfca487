"""Background work on claims run by celery beat. Tasks that an edit hands on sit beside the
logic that hands them on (claims.dependents, claims.stats), so no module imports back."""

from celery import shared_task

from claims.recheck import recheck_sweep


@shared_task(name="claims.recheck_sweep")
def daily_recheck_sweep() -> dict[str, int]:
    return recheck_sweep()
