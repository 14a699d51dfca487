"""Background work on claims: thin tasks calling the modules that hold the rules."""

from celery import shared_task

from claims.recheck import recheck_sweep


@shared_task(name="claims.recheck_sweep")
def daily_recheck_sweep() -> dict[str, int]:
    return recheck_sweep()
