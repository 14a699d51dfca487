from claims.models import Claim
from public.details import with_public_details
from public.jsonld import CLAIM_REVIEWED_MAX, claim_review
from tests.factories import AppearanceFactory


def test_it_describes_a_published_verdict_as_claimreview(make_claim):
    claim = make_claim("published", rating="mostly-false", text="x " * 80)
    AppearanceFactory(claim=claim)
    claim = with_public_details(Claim.objects.published()).get(pk=claim.pk)

    data = claim_review(claim)

    assert data["@type"] == "ClaimReview"
    assert len(data["claimReviewed"]) < CLAIM_REVIEWED_MAX
    assert data["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert data["itemReviewed"]["firstAppearance"] == data["itemReviewed"]["appearance"][0]
    assert data["url"].startswith("https://claimtrack.example.org/claims/")


def test_an_off_scale_verdict_carries_only_its_name(make_claim):
    claim = make_claim("published", rating="misleading")
    claim = with_public_details(Claim.objects.published()).get(pk=claim.pk)

    assert claim_review(claim)["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}
