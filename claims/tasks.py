"""Background work on claims: thin tasks calling the modules that hold the rules."""

from celery import shared_task

from claims import search, stats
from claims.recheck import recheck_sweep


@shared_task(name="claims.recheck_sweep")
def daily_recheck_sweep() -> dict[str, int]:
    return recheck_sweep()


@shared_task(name="claims.refresh_search_text")
def refresh_search_text(claim_ids: list[int]) -> None:
    """Rebuild the search text of many claims after an edit they all show (claims.dependents)."""
    search.refresh(claim_ids)


@shared_task(name="claims.refresh_speaker_records")
def refresh_speaker_records(speaker_ids: list[int]) -> None:
    """Recount the rating counts of speakers with many claims after a publish (claims.stats)."""
    stats.recount_speakers(speaker_ids)
