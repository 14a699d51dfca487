"""What a public claim page or API response shows of each claim, loaded in a fixed number of
queries: its verdict and rating, topics, appearances with speakers and sources, the verdict's
evidence with link health, corrections, and the other desks' reviews an editor confirmed."""

from django.db.models import Prefetch, QuerySet

from claims.models import Appearance, Claim, Correction, Evidence
from exchange.models import ReviewLink


def with_public_details(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """`claims` (usually visibility.public_claims()) with everything readers see prefetched."""
    return claims.select_related("published_review__rating").prefetch_related(
        "topics",
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("speaker", "source__outlet", "source__link"),
        ),
        Prefetch(
            "published_review__evidence",
            queryset=Evidence.objects.select_related("source__outlet", "source__link"),
        ),
        Prefetch(
            "corrections",
            queryset=Correction.objects.select_related("review__rating", "previous_review__rating"),
        ),
        Prefetch(
            "external_links",
            queryset=ReviewLink.objects.confirmed(),
            to_attr="confirmed_external_links",
        ),
    )
