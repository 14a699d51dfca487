"""ClaimReview structured data (schema.org), built once for the public pages and the API."""

from typing import Any

from django.conf import settings
from django.db.models import Max, Min

from claims.models import Appearance, Claim, RatingLevel, Speaker
from claims.records import said_in_order

CLAIM_REVIEWED_MAX = 75


def rating_bounds() -> tuple[int, int]:
    """(worst, best) values of the on-scale ratings."""
    bounds = RatingLevel.objects.filter(value__isnull=False).aggregate(
        worst=Min("value"), best=Max("value")
    )
    return bounds["worst"] or 1, bounds["best"] or 5


def claim_reviewed_text(claim: Claim) -> str:
    """The claim as shown to the reader, shortened to fit Google's 75-character advice."""
    text = " ".join(claim.display_text.split())
    if len(text) < CLAIM_REVIEWED_MAX:
        return text
    return text[: CLAIM_REVIEWED_MAX - 2].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _speaker(speaker: Speaker) -> dict:
    kind = "Person" if speaker.kind == Speaker.Kind.PERSON else "Organization"
    data = {"@type": kind, "name": speaker.name}
    if speaker.role:
        data["jobTitle" if kind == "Person" else "description"] = speaker.role
    if speaker.same_as:
        data["sameAs"] = speaker.same_as
    return data


def _appearance(appearance: Appearance) -> dict:
    source = appearance.source
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "headline": source.title,
        "author": _speaker(appearance.speaker),
    }
    if source.url:
        work["url"] = source.url
    if appearance.date:
        work["datePublished"] = appearance.date.isoformat()
    outlet = source.outlet
    if outlet is not None:
        work["publisher"] = {"@type": "Organization", "name": outlet.name}
        if outlet.url:
            work["publisher"]["url"] = outlet.url
    return work


def claim_review(claim: Claim, *, bounds: tuple[int, int] | None = None) -> dict:
    """The ClaimReview object for a published claim's current verdict.

    Expects `claim` from `with_public_details(public_claims())` so that this runs no
    queries of its own (pass `bounds` from rating_bounds() when rendering many).
    """
    review = claim.published_review
    assert review is not None, "claim_review() is for published claims"
    rating = review.rating
    # A published review has its rating and date (the review_published_is_complete constraint).
    assert rating is not None and review.published_at is not None
    reviewed_rating: dict[str, Any] = {"@type": "Rating", "alternateName": rating.label}
    if rating.value is not None:
        worst, best = bounds or rating_bounds()
        reviewed_rating.update(ratingValue=rating.value, bestRating=best, worstRating=worst)

    appearances = said_in_order(claim.appearances.all())
    # schema.org: a ClaimReview's inLanguage is the review's (the language claimReviewed is
    # written in, which an importer then need not guess); its itemReviewed, a Claim, has its
    # own: the language the claim was made in.
    item: dict[str, Any] = {"@type": "Claim", "inLanguage": claim.language}
    if appearances:
        first = appearances[0]
        item["author"] = _speaker(first.speaker)
        if first.date:
            item["datePublished"] = first.date.isoformat()
        item["firstAppearance"] = _appearance(first)
        item["appearance"] = [_appearance(a) for a in appearances]

    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": settings.SITE_URL + claim.get_absolute_url(),
        "claimReviewed": claim_reviewed_text(claim),
        "inLanguage": claim.display_language,
        "datePublished": review.published_at.date().isoformat(),
        "author": {
            "@type": "Organization",
            "name": settings.PUBLISHER_NAME,
            "url": settings.PUBLISHER_URL,
        },
        "reviewRating": reviewed_rating,
        "itemReviewed": item,
    }
    if review.recheck_after:
        # schema.org `expires`: the date past which the verdict should no longer be relied on.
        data["expires"] = review.recheck_after.isoformat()
    return data
