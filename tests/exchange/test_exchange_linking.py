"""External reviews are matched to our claims (appearance URL, then text); an editor confirms
or rejects each link; readers and API consumers see confirmed links only, on published claims;
a claim in research shows the desk its candidates."""

import io
import json

import pytest
from django.urls import reverse

from exchange.importing import import_claimreview
from exchange.matching import link_reviews
from exchange.models import ExternalReview, ReviewLink
from exchange.services import review_link_decide
from tests.api_support import client_for
from tests.exchange_support import claim_review
from tests.factories import SourceFactory
from tests.site_data import add_appearance, fresh_page_cache, plain_static_storage  # noqa: F401

pytestmark = pytest.mark.django_db


def imported(*items) -> list[ExternalReview]:
    import_claimreview(io.BytesIO(json.dumps(list(items)).encode()))
    reviews = list(ExternalReview.objects.filter(url__in=[i["url"] for i in items]))
    link_reviews([r.pk for r in reviews])
    return reviews


def test_a_review_citing_the_url_where_our_claim_appeared_is_linked_by_url(make_claim):
    claim = make_claim("researching", text="Completely unrelated wording", translation="")
    add_appearance(
        claim, source=SourceFactory(url="https://news.example.com/interview?utm_source=x")
    )
    other = make_claim("researching", text="Another claim", translation="")
    add_appearance(other, source=SourceFactory(url="https://news.example.com/elsewhere"))

    [review] = imported(
        claim_review(
            1,
            itemReviewed={
                "@type": "Claim",
                "appearance": [{"url": "https://NEWS.example.com/interview#top"}],
            },
        )
    )

    [link] = ReviewLink.objects.filter(external_review=review)
    assert (link.claim_id, link.basis, link.state) == (claim.pk, "appearance_url", "candidate")


def test_a_review_of_the_same_statement_is_linked_by_text_in_any_language_and_accents(
    make_claim,
):
    same = make_claim(
        "published",
        text="Trung Quốc có hơn 200 mô hình ngôn ngữ lớn",
        translation="China has more than 200 large language models",
    )
    make_claim("published", text="Giá lúa gạo tăng gấp đôi", translation="Rice prices doubled")

    [english] = imported(
        claim_review(1, claimReviewed="China has more than 200 large language models (LLMs)")
    )
    [vietnamese] = imported(
        claim_review(2, claimReviewed="trung quoc co hon 200 mo hinh ngon ngu lon")
    )
    [unrelated] = imported(claim_review(3, claimReviewed="The bridge cost twice its budget"))

    for review in (english, vietnamese):
        [link] = ReviewLink.objects.filter(external_review=review)
        assert (link.claim_id, link.basis) == (same.pk, "text")
        assert link.score >= 0.5
    assert not ReviewLink.objects.filter(external_review=unrelated).exists()


def test_linking_twice_keeps_the_editors_decision(make_claim, editor):
    claim = make_claim("published", text="Rice prices doubled last year", translation="")
    [review] = imported(claim_review(1, claimReviewed="Rice prices doubled last year"))
    link = ReviewLink.objects.get(external_review=review)
    review_link_decide(link=link, state="rejected", by=editor)

    assert link_reviews([review.pk]) == 0
    assert ReviewLink.objects.get(pk=link.pk).state == "rejected"
    assert ReviewLink.objects.get(pk=link.pk).claim == claim


def test_only_editors_decide_and_each_decision_is_kept_in_history(make_claim, checker, editor):
    from tracker.refusals import NotPermitted

    make_claim("published", text="Rice prices doubled last year", translation="")
    [review] = imported(claim_review(1, claimReviewed="Rice prices doubled last year"))
    link = ReviewLink.objects.get(external_review=review)

    with pytest.raises(NotPermitted):
        review_link_decide(link=link, state="confirmed", by=checker)
    review_link_decide(link=link, state="confirmed", by=editor)

    link.refresh_from_db()
    assert (link.state, link.decided_by) == ("confirmed", editor)
    assert [h.history_user for h in link.history.order_by("history_id")][-1] == editor


@pytest.fixture
def linked(make_claim, editor):
    """A published claim with one confirmed, one rejected and one candidate external review."""
    claim = make_claim("published", text="Rice prices doubled last year", translation="")
    reviews = imported(
        claim_review(1, claimReviewed="Rice prices doubled last year"),
        claim_review(
            2,
            claimReviewed="Rice prices doubled last year",
            author={"@type": "Organization", "name": "Rejected Desk"},
        ),
        claim_review(
            3,
            claimReviewed="Rice prices doubled last year",
            author={"@type": "Organization", "name": "Candidate Desk"},
        ),
    )
    by_url = {r.url: r for r in reviews}
    for n, state in ((1, "confirmed"), (2, "rejected")):
        link = ReviewLink.objects.get(
            external_review=by_url[f"https://factcheck.example.org/reviews/{n}"]
        )
        review_link_decide(link=link, state=state, by=editor)
    claim.refresh_from_db()
    return claim


def test_the_claim_page_shows_confirmed_links_only(client, linked):
    body = client.get(linked.get_absolute_url()).content.decode()

    assert "Other fact-checkers" in body
    assert "Example Checks" in body
    assert "Mostly false (2/5)" in body
    assert "https://factcheck.example.org/reviews/1" in body
    assert "Rejected Desk" not in body and "Candidate Desk" not in body


def test_the_api_claim_carries_confirmed_links_only(linked):
    data = client_for().get(f"/api/v1/claims/{linked.pk}/").json()

    assert data["other_fact_checkers"] == [
        {
            "publisher": "Example Checks",
            "publisher_url": "https://factcheck.example.org/",
            "url": "https://factcheck.example.org/reviews/1",
            "published_on": "2024-06-01",
            "language": "en",
            "rating": "Mostly false (2/5)",
            "rating_value": "2",
            "best_rating": "5",
            "worst_rating": "1",
            "rating_name": "Mostly false",
            "our_rating": "mostly-false",
            "rating_mapped": True,
        }
    ]


def test_a_confirmed_link_on_an_unpublished_claim_is_not_public(client, make_claim, editor):
    claim = make_claim("researching", text="Rice prices doubled last year", translation="")
    [review] = imported(claim_review(1, claimReviewed="Rice prices doubled last year"))
    review_link_decide(
        link=ReviewLink.objects.get(external_review=review), state="confirmed", by=editor
    )

    assert client.get(f"/claims/{claim.pk}/").status_code == 404
    assert client_for().get(f"/api/v1/claims/{claim.pk}/").status_code == 404
    assert (
        "factcheck.example.org" not in client.get("/api/v1/claimreview/feed/").getvalue().decode()
    )


def test_confirming_renews_the_claims_etag_and_cached_page(
    client, make_claim, editor, django_capture_on_commit_callbacks
):
    claim = make_claim("published", text="Rice prices doubled last year", translation="")
    [review] = imported(claim_review(1, claimReviewed="Rice prices doubled last year"))
    api = client_for()
    etag = api.get(f"/api/v1/claims/{claim.pk}/")["ETag"]
    assert "Example Checks" not in client.get(claim.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        review_link_decide(
            link=ReviewLink.objects.get(external_review=review), state="confirmed", by=editor
        )

    assert api.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert "Example Checks" in client.get(claim.get_absolute_url()).content.decode()


def test_the_desk_sees_candidates_on_a_claim_in_research_and_an_editor_confirms(
    client, make_claim, editor, checker
):
    claim = make_claim("researching", text="Rice prices doubled last year", translation="")
    [review] = imported(claim_review(1, claimReviewed="Rice prices doubled last year"))
    link = ReviewLink.objects.get(external_review=review)
    change = reverse("admin:claims_claim_change", args=[claim.pk])

    client.force_login(checker)
    page = client.get(change).content.decode()
    assert "Example Checks" in page and "Similar text" in page
    assert "Confirm: same claim" not in page

    client.force_login(editor)
    assert "Confirm: same claim" in client.get(change).content.decode()
    response = client.post(
        reverse("admin:exchange_reviewlink_decide", args=[link.pk]), {"state": "confirmed"}
    )
    assert response.status_code == 302
    assert ReviewLink.objects.get(pk=link.pk).state == "confirmed"


def test_a_fact_checker_cannot_decide_through_the_admin_url(client, make_claim, checker):
    make_claim("researching", text="Rice prices doubled last year", translation="")
    [review] = imported(claim_review(1, claimReviewed="Rice prices doubled last year"))
    link = ReviewLink.objects.get(external_review=review)
    client.force_login(checker)

    response = client.post(
        reverse("admin:exchange_reviewlink_decide", args=[link.pk]), {"state": "confirmed"}
    )

    assert response.status_code in (302, 403)
    assert ReviewLink.objects.get(pk=link.pk).state == "candidate"
