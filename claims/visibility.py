"""What the public may see: the published record, and nothing else.

`Claim.objects.published()` is the rule; everything here derives from it, so the site, the API,
the feeds and the sitemap agree on what is public.
"""

from django.db.models import QuerySet

from claims.models import Claim, Review
from tracker.api import sees_everything


def visible_claims(user) -> QuerySet[Claim]:
    return Claim.objects.all() if sees_everything(user, Claim) else Claim.objects.published()


def public_reviews() -> QuerySet[Review]:
    """Published and superseded verdicts of published claims: the public record."""
    return Review.objects.filter(
        claim__in=Claim.objects.published(),
        state__in=[Review.State.PUBLISHED, Review.State.SUPERSEDED],
    )


def reviews_for(user) -> QuerySet[Review]:
    return Review.objects.all() if sees_everything(user, Review) else public_reviews()
