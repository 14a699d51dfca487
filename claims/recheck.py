"""Verdicts that age: which published claims are due for a re-check, and the daily sweep that
flags those whose evidence died (a dead link with no archived copy)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from claims import dependents
from claims.events import claim_announced
from claims.models import Claim, Evidence, Review
from claims.workflow import Status
from sources.models import Link


def default_recheck_after(claim: Claim, today: datetime.date) -> datetime.date | None:
    """The re-check date a verdict gets from its topics when the editor gives none."""
    months = claim.topics.aggregate(least=Min("recheck_months"))["least"]
    return today + relativedelta(months=months) if months else None


def due_for_recheck(today: datetime.date | None = None) -> QuerySet[Claim]:
    """Published claims (not already reopened) whose verdict is due for a re-check."""
    today = today or timezone.localdate()
    # Two index scans joined by UNION: one OR across the claim and its review read every claim
    # (3.7 s at a million claims, for the admin's "Due for re-check" link).
    published = Claim.objects.filter(status=Status.PUBLISHED).order_by()
    dated = published.filter(published_review__recheck_after__lte=today).values("pk")
    dead = published.filter(evidence_dead_since__isnull=False).values("pk")
    return Claim.objects.filter(pk__in=dated.union(dead))


def with_dead_evidence() -> QuerySet[Claim]:
    """Published claims whose published verdict cites a dead link that has no archived copy.

    Read from the dead links outwards (their sources, the evidence citing those): dead links
    are few, so this is a few index lookups, where joining every claim to its evidence made
    PostgreSQL plan (and JIT-compile) a scan of all evidence (60 ms at 100,000 claims)."""
    dead = Link.objects.filter(status=Link.Status.DEAD, archive_url="").values("pk")
    citing = Evidence.objects.filter(
        source__link__in=dead, review__state=Review.State.PUBLISHED
    ).values("review__claim_id")
    return Claim.objects.filter(status=Status.PUBLISHED, pk__in=citing)


def recheck_sweep(today: datetime.date | None = None) -> dict[str, int]:
    """Flag claims whose evidence died, unflag those whose evidence came back or was archived,
    and renew the claims whose re-check date is today (their pages and ETags change). Safe to
    run twice on the same day."""
    today = today or timezone.localdate()
    with transaction.atomic():
        dead = set(with_dead_evidence().values_list("pk", flat=True))
        flagged = Claim.objects.filter(pk__in=dead, evidence_dead_since__isnull=True)
        cleared = Claim.objects.filter(evidence_dead_since__isnull=False).exclude(pk__in=dead)
        became_due = Claim.objects.filter(
            status=Status.PUBLISHED, published_review__recheck_after=today
        )
        became_due_ids = set(became_due.values_list("pk", flat=True))
        touched = (
            set(flagged.values_list("pk", flat=True))
            | set(cleared.values_list("pk", flat=True))
            | became_due_ids
        )
        counts = {
            "flagged": flagged.update(evidence_dead_since=today),
            "cleared": cleared.update(evidence_dead_since=None),
            "due_today": len(became_due_ids),
        }
        # Their pages, search text and ETags follow, as for any edit of what a claim shows.
        dependents.refresh(Claim, touched)
        for claim_id in touched:
            claim_announced.send(sender=Claim, claim_id=claim_id, event="claim.updated")
    return counts
