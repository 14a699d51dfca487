import datetime

import pytest
from django.utils import timezone

from claims.models import Claim
from public.details import with_public_details
from public.jsonld import claim_review
from sources.models import Link, Source
from tests.api_support import claims_in_every_state, client_for
from tests.factories import AppearanceFactory, ClaimFactory, SourceFactory, walk_to

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_anonymous_callers_see_only_published_claims(make_claim):
    claims = claims_in_every_state(make_claim)

    listed = ids(client_for().get("/api/v1/claims/"))

    assert listed == {claims["published"].pk}
    for state, claim in claims.items():
        answer = client_for().get(f"/api/v1/claims/{claim.pk}/")
        assert answer.status_code == (200 if state == "published" else 404), state


def test_newsroom_accounts_see_every_claim_and_filter_by_status(make_claim, reporter):
    claims = claims_in_every_state(make_claim)

    assert ids(client_for(reporter).get("/api/v1/claims/")) == {c.pk for c in claims.values()}
    in_review = client_for(reporter).get("/api/v1/claims/", {"status": "in_review"})
    assert ids(in_review) == {claims["in_review"].pk}


def test_an_account_without_a_newsroom_role_sees_what_the_public_sees(make_claim, outsider):
    claims = claims_in_every_state(make_claim)

    assert ids(client_for(outsider).get("/api/v1/claims/")) == {claims["published"].pk}
    assert client_for(outsider).get(f"/api/v1/claims/{claims['new'].pk}/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"speaker": "speaker-{state}"},
        pytest.param({"q": "that is {state}"}, marks=pytest.mark.both_databases),
        pytest.param({"q": "Quote {state}"}, marks=pytest.mark.both_databases),
        {"appearance_url": "https://NEWS.example.org/{state}"},
        {"language": "vi"},
        {"status": "{state}"},
        {"updated_since": "2000-01-01T00:00:00Z"},
        {"rating": "false"},
        {"ordering": "updated_at"},
    ],
)
def test_no_filter_reveals_an_unpublished_claim_to_the_public(make_claim, params):
    claims = claims_in_every_state(make_claim)

    for state in ("new", "researching", "in_review", "rejected"):
        query = {k: v.format(state=state) for k, v in params.items()}
        for path in ("/api/v1/claims/", "/api/v1/claimreview/"):
            answer = client_for().get(path, query)
            assert answer.status_code == 200
            assert str(claims[state].text) not in answer.content.decode(), (path, query)


def test_it_finds_the_claim_made_at_a_url_however_the_url_is_spelled(make_claim):
    claim = make_claim("published")
    AppearanceFactory(
        claim=claim,
        source=SourceFactory(url="https://www.Example.com/news/a%7Eb?id=7&utm_medium=x"),
    )
    make_claim("published")

    for spelling in (
        "https://www.example.com/news/a~b?id=7",
        "HTTPS://WWW.EXAMPLE.COM:443/news/a%7Eb?id=7&fbclid=abc#comments",
    ):
        found = client_for().get("/api/v1/claims/", {"appearance_url": spelling})
        assert ids(found) == {claim.pk}, spelling


def test_it_matches_the_link_registry_spelling_of_a_url(make_claim):
    claim = make_claim("published")
    source = SourceFactory(url="http://example.net/report.pdf")  # registers its Link
    Source.objects.filter(pk=source.pk).update(url="")  # only the Link knows the URL now
    assert Link.objects.get(pk=source.link_id).url == "http://example.net/report.pdf"
    AppearanceFactory(claim=claim, source=source)

    found = client_for().get("/api/v1/claims/", {"appearance_url": "http://EXAMPLE.net/report.pdf"})

    assert ids(found) == {claim.pk}


def test_a_url_that_is_not_absolute_is_refused_with_a_field_error():
    answer = client_for().get("/api/v1/claims/", {"appearance_url": "not a url"})

    assert answer.status_code == 400
    assert "appearance_url" in answer.json()["fields"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "cD1ub3QtYS1kYXRl"}, "cursor"),  # p=not-a-date
        ({"ordering": "text"}, "ordering"),
        ({"language": "xx"}, "language"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"status": "nope"}, "status"),
    ],
)
def test_bad_query_parameters_answer_400_with_the_field(make_claim, params, field):
    make_claim("published")

    answer = client_for().get("/api/v1/claims/", params)

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert field in answer.json()["fields"]


def test_a_consumer_can_sync_every_verdict_incrementally(make_claim):
    first = [make_claim("published") for _ in range(5)]
    make_claim("in_review")

    seen, url = [], "/api/v1/claims/?ordering=updated_at&page_size=2"
    while url:
        page = client_for().get(url).json()
        seen += page["results"]
        url = page["next"]
    assert [c["id"] for c in seen] == [c.pk for c in first]

    checkpoint = seen[-1]["updated_at"]
    later = make_claim("published")
    Claim.objects.filter(pk=first[0].pk).update(updated_at=timezone.now())
    changed = client_for().get(
        "/api/v1/claims/", {"ordering": "updated_at", "updated_since": checkpoint}
    )
    assert [c["id"] for c in changed.json()["results"]] == [first[4].pk, later.pk, first[0].pk]


def test_a_published_claim_shows_verdict_evidence_with_link_health_and_corrections(
    make_claim, editor2, checker
):
    claim = make_claim("published", rating="mostly-true")
    evidence_source = claim.published_review.evidence.get().source
    evidence_source.url = "https://gone.example.org/x"
    evidence_source.save()
    Link.objects.filter(url="https://gone.example.org/x").update(
        status=Link.Status.BROKEN,
        archive_url="https://web.archive.org/web/2024/https://gone.example.org/x",
    )
    from claims import services

    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor2, note="New data")
    draft = services.review_start(claim=claim, by=checker)
    draft.rating_id = claim.published_review.rating.__class__.objects.get(slug="false").pk
    draft.save()
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor2, note="Figures fixed")

    data = client_for().get(f"/api/v1/claims/{claim.pk}/").json()

    assert data["verdict"]["rating"]["slug"] == "false"
    assert data["page_url"] == f"https://claimtrack.example.org/claims/{claim.pk}-{claim.slug}/"
    link = data["verdict"]["evidence"][0]["source"]["link"]
    assert link["status"] == "broken"
    assert link["archive_url"].startswith("https://web.archive.org/")
    assert data["corrections"] == [
        {
            "note": "Figures fixed",
            "created_at": data["corrections"][0]["created_at"],
            "rating_changed": True,
            "previous_rating": {"slug": "mostly-true", "value": 4, "label": "Mostly true"},
            "rating": {"slug": "false", "value": 1, "label": "False"},
        }
    ]


def test_labels_follow_the_language_asked_for(make_claim):
    claim = make_claim("published", rating="true")

    answer = client_for().get(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="vi")

    assert answer.json()["verdict"]["rating"]["label"] == "Đúng"


def test_the_claimreview_feed_is_built_by_the_one_claimreview_builder(make_claim):
    published = make_claim("published", rating="half-true")
    AppearanceFactory(claim=published)
    make_claim("in_review")

    feed = client_for().get("/api/v1/claimreview/").json()["results"]

    expected = claim_review(with_public_details(Claim.objects.published()).get(pk=published.pk))
    assert feed == [expected]


def test_speakers_sources_and_outlets_of_unpublished_claims_stay_hidden(make_claim, reporter):
    claims = claims_in_every_state(make_claim)
    published_source = claims["published"].appearances.get().source

    speakers = client_for().get("/api/v1/speakers/").json()["results"]
    assert [s["slug"] for s in speakers] == ["speaker-published"]
    assert client_for().get("/api/v1/speakers/speaker-new/").status_code == 404
    assert client_for(reporter).get("/api/v1/speakers/speaker-new/").status_code == 200

    source_ids = {s["id"] for s in client_for().get("/api/v1/sources/").json()["results"]}
    evidence_source = claims["published"].published_review.evidence.get().source_id
    assert source_ids == {published_source.pk, evidence_source}
    hidden = claims["new"].appearances.get().source_id
    assert client_for().get(f"/api/v1/sources/{hidden}/").status_code == 404

    outlets = {o["slug"] for o in client_for().get("/api/v1/outlets/").json()["results"]}
    assert outlets == {
        published_source.outlet.slug,
        claims["published"].published_review.evidence.get().source.outlet.slug,
    }

    appearances = client_for().get("/api/v1/appearances/").json()["results"]
    assert [a["claim"] for a in appearances] == [claims["published"].pk]


def test_reviews_and_evidence_need_an_account(make_claim):
    make_claim("published")

    for path in ("/api/v1/reviews/", "/api/v1/evidence/"):
        assert client_for().get(path).status_code == 401


def test_an_account_without_a_role_sees_only_public_reviews(make_claim, outsider, checker):
    published = make_claim("published")
    draft = make_claim("in_review")

    reviews = client_for(outsider).get("/api/v1/reviews/").json()["results"]
    assert [r["claim"] for r in reviews] == [published.pk]
    everything = client_for(checker).get("/api/v1/reviews/").json()["results"]
    assert {r["claim"] for r in everything} == {published.pk, draft.pk}


def test_the_rating_scale_is_public():
    ratings = client_for().get("/api/v1/ratings/").json()

    assert [r["slug"] for r in ratings][:5] == [
        "false",
        "mostly-false",
        "half-true",
        "mostly-true",
        "true",
    ]
    assert ratings[5]["on_scale"] is False


@pytest.mark.parametrize("path", ["/api/v1/claims/", "/api/v1/claimreview/"])
def test_a_list_runs_the_same_number_of_queries_whatever_the_page_size(
    make_claim, path, django_assert_num_queries, checker, editor
):
    for _ in range(6):
        claim = make_claim("published")
        AppearanceFactory.create_batch(2, claim=claim)

    def queries(page_size: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            answer = client_for().get(path, {"page_size": page_size})
        assert len(answer.json()["results"]) == page_size
        return len(context)

    small, large = queries(1), queries(6)
    assert small == large
    with django_assert_num_queries(large):
        client_for().get(path, {"page_size": 6})


def test_claims_from_old_dates_sort_and_page_stably(make_claim):
    claims = [make_claim("published") for _ in range(3)]
    same_time = timezone.now() - datetime.timedelta(days=3)
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(updated_at=same_time)

    seen, url = [], "/api/v1/claims/?page_size=1"
    while url:
        page = client_for().get(url).json()
        seen += [c["id"] for c in page["results"]]
        url = page["next"]

    assert seen == sorted((c.pk for c in claims), reverse=True)


def test_a_claim_made_without_any_appearance_is_still_listed(checker, editor):
    claim = walk_to(ClaimFactory(), "published", checker=checker, editor=editor)

    assert client_for().get(f"/api/v1/claims/{claim.pk}/").json()["appearances"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/",
        "/api/v1/claimreview/",
        "/api/v1/appearances/",
        "/api/v1/speakers/",
        "/api/v1/sources/",
        "/api/v1/outlets/",
        "/api/v1/reviews/",
        "/api/v1/evidence/",
        "/api/v1/webhooks/",
    ],
)
def test_every_list_costs_the_same_queries_for_one_row_or_many(make_claim, editor, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from webhooks.models import Endpoint

    for n in range(5):
        claim = make_claim("published")
        AppearanceFactory(claim=claim, source=SourceFactory(url=f"https://example.org/{n}"))
        Endpoint.objects.create(owner=editor, url=f"https://hooks.example.org/{n}")
    client = client_for(editor)
    client.get(path)  # warm the permission cache of the token's user

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as context:
            answer = client.get(path, {"page_size": page_size})
        assert len(answer.json()["results"]) == page_size, answer.content
        return len(context)

    assert queries(1) == queries(5)
