"""Which of our claims an external review may concern: the same appearance URL first, then
similar text. Links are proposed as candidates; an editor confirms or rejects them."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from claims.models import Appearance
from exchange.models import ExternalReview, ReviewLink
from sources.linkcheck.normalize import normalize_url

TEXT_THRESHOLD = 0.5


def similar_claims(text: str, *, limit: int = 5) -> list[tuple[int, float]]:
    """Our claims closest to `text` (any language we store, any state), best first, with a
    0–1 score: intake's matcher, the ranking the intake desk and claims/match/ use too."""
    from intake.matching import match_claims

    matches = match_claims(text, newsroom=True, limit=limit)
    return [(match.claim_id, match.score) for match in matches]


def link_reviews(review_ids: Iterable[int]) -> int:
    """Propose links for these external reviews; returns how many new candidates there are.
    Safe to run twice: a link that exists (and an editor's decision on it) is left alone."""
    reviews = list(ExternalReview.objects.filter(pk__in=list(review_ids)))
    by_url: dict[str, list[ExternalReview]] = {}
    for review in reviews:
        for url in review.appearance_urls:
            try:
                by_url.setdefault(normalize_url(url), []).append(review)
            except ValueError:  # kept as published; it just cannot match
                continue
    proposals: dict[tuple[int, int], tuple[str, float]] = {}
    if by_url:
        said = Appearance.objects.filter(source__link__url__in=list(by_url)).values_list(
            "claim_id", "source__link__url"
        )
        for claim_id, url in said:
            for review in by_url[url]:
                proposals[(review.pk, claim_id)] = (ReviewLink.Basis.APPEARANCE_URL, 1.0)
    for review in reviews:
        for claim_id, score in similar_claims(review.claim_reviewed):
            if score >= TEXT_THRESHOLD:
                proposals.setdefault((review.pk, claim_id), (ReviewLink.Basis.TEXT, score))
    created = 0
    for (review_id, claim_id), (basis, score) in proposals.items():
        try:
            with transaction.atomic():
                _, new = ReviewLink.objects.get_or_create(
                    external_review_id=review_id,
                    claim_id=claim_id,
                    defaults={"basis": basis, "score": score},
                )
        except IntegrityError:  # another worker proposed it meanwhile
            continue
        created += new
    return created
