"""Background work on claims: thin tasks calling the modules that hold the rules."""

from celery import shared_task
from django.db import transaction

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


@shared_task(name="claims.refresh_claims_showing")
def refresh_claims_showing(kind: str, claim_ids: list[int], fields: list[str] | None) -> None:
    """Touch many claims after an edit they all show (claims.dependents), with their search text
    and the faces_changed signal; their cached pages were retired by the edit itself."""
    from claims import dependents, pagecache

    model, changed = dependents.from_task(kind, fields)
    with transaction.atomic():
        dependents.touch(model, claim_ids, changed)
        pagecache.invalidate_now_and_on_commit()


@shared_task(name="claims.refresh_claims_shown_by")
def refresh_claims_shown_by(
    kind: str, pks: list[int], fields: list[str] | None, also: list[int]
) -> None:
    """Read which claims show these rows (too many to read in the editor's request) and hand
    them to refresh_claims_showing in batches (claims.dependents)."""
    from claims import dependents

    model, changed = dependents.from_task(kind, fields)
    ids = sorted(dependents.claim_ids_showing(model, pks) | set(also))
    dependents.hand_on(model, ids, changed, now=True)
