"""The ClaimReview DataFeed: streamed, with an ETag, holding exactly the published verdicts,
each the same ClaimReview the claim page embeds and valid for Google; and the round trip: our
feed imported into an empty exchange gives one external review per published claim."""

import datetime
import io
import json

import extruct
import pytest

from claims import services
from exchange.importing import OUR_OWN, import_claimreview
from exchange.models import ExternalReview
from public.api import claimreview_feed as feed
from tests.site_data import add_appearance, fresh_page_cache, plain_static_storage  # noqa: F401

FEED = "/api/v1/claimreview/feed/"
SITE = "https://claimtrack.example.org"


def read_feed(client, **headers) -> tuple[object, dict]:
    response = client.get(FEED, **headers)
    assert response.status_code == 200
    assert response.streaming
    return response, json.loads(b"".join(response.streaming_content))


def items(data: dict) -> list[dict]:
    assert data["@type"] == "DataFeed"
    found = []
    for element in data["dataFeedElement"]:
        assert element["@type"] == "DataFeedItem"
        found += element["item"]
    return found


def google_problems(review: dict) -> list[str]:
    """Google's ClaimReview requirements (structured data docs), as our JSON-LD tests check."""
    problems = []
    if review.get("@type") != "ClaimReview":
        problems.append("@type")
    if not review.get("url", "").startswith(SITE + "/claims/"):
        problems.append("url")
    if not 0 < len(review.get("claimReviewed", "")) < 75:
        problems.append("claimReviewed")
    if not review.get("author", {}).get("name"):
        problems.append("author.name")
    rating = review.get("reviewRating", {})
    if not rating.get("alternateName"):
        problems.append("reviewRating.alternateName")
    if "ratingValue" in rating and not (
        rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    ):
        problems.append("reviewRating.ratingValue")
    try:
        datetime.date.fromisoformat(review.get("datePublished", ""))
    except ValueError:
        problems.append("datePublished")
    if review.get("itemReviewed", {}).get("@type") != "Claim":
        problems.append("itemReviewed")
    return problems


@pytest.fixture
def verdicts(make_claim):
    published = [
        make_claim("published", rating="false"),
        make_claim("published", rating="mostly-true"),
        make_claim("published", rating="misleading"),
    ]
    for claim in published:
        add_appearance(claim)
    hidden = [make_claim("in_review"), make_claim("researching"), make_claim("new")]
    return published, hidden


def test_the_feed_holds_every_published_verdict_as_the_page_embeds_it(client, verdicts):
    published, _hidden = verdicts

    response, data = read_feed(client)

    reviews = items(data)
    assert response["Content-Type"].startswith("application/ld+json")
    assert data["@context"] == "https://schema.org"
    assert sorted(r["url"] for r in reviews) == sorted(
        SITE + c.get_absolute_url() for c in published
    )
    for claim in published:
        page = client.get(claim.get_absolute_url()).content.decode()
        [embedded] = [
            i
            for i in extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
            if i.get("@type") == "ClaimReview"
        ]
        embedded.pop("@context")
        assert embedded in reviews
    for review in reviews:
        assert google_problems(review) == [], review


def test_the_feed_answers_304_until_a_verdict_is_published(client, verdicts, make_claim):
    response, _ = read_feed(client)
    etag = response["ETag"]

    assert client.get(FEED, HTTP_IF_NONE_MATCH=etag).status_code == 304

    make_claim("published", rating="true")
    fresh, data = read_feed(client, HTTP_IF_NONE_MATCH=etag)
    assert fresh["ETag"] != etag
    assert len(items(data)) == 4


def test_the_etag_follows_the_language_because_labels_do(client, verdicts):
    english, _ = read_feed(client, HTTP_ACCEPT_LANGUAGE="en")
    vietnamese, data = read_feed(client, HTTP_ACCEPT_LANGUAGE="vi")

    assert english["ETag"] != vietnamese["ETag"]
    assert "Sai" in {r["reviewRating"]["alternateName"] for r in items(data)}


def test_the_feed_is_built_chunk_by_chunk_in_a_fixed_number_of_queries_per_chunk(
    client, make_claim, monkeypatch, django_assert_max_num_queries
):
    for _ in range(7):
        add_appearance(make_claim("published"))
    monkeypatch.setattr(feed, "CHUNK", 3)

    response = client.get(FEED)
    with django_assert_max_num_queries(3 * 9 + 2):
        pieces = list(response.streaming_content)

    assert len(pieces) == 1 + 3 + 1  # header, three chunks of claims, closing
    assert len(items(json.loads(b"".join(pieces)))) == 7


def test_an_empty_feed_is_still_a_valid_data_feed(client, db):
    _, data = read_feed(client)
    assert data["dataFeedElement"] == []


def test_a_verdict_with_a_recheck_date_carries_expires(client, make_claim, checker, editor):
    claim = make_claim("in_review")
    due = datetime.date.today() + datetime.timedelta(days=180)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor, recheck_after=due)

    [review] = items(read_feed(client)[1])

    assert review["expires"] == due.isoformat()


def test_our_feed_coming_back_is_ours_and_another_desk_reads_one_review_per_claim(
    client, verdicts, settings
):
    published, _ = verdicts
    _, data = read_feed(client)
    body = json.dumps(data).encode()

    ours = import_claimreview(io.BytesIO(body))
    assert ours.created == 0 and ExternalReview.objects.count() == 0
    assert {reason for _, reason in ours.skipped} == {OUR_OWN}
    assert ours.read == len(ours.skipped) == len(published)

    settings.SITE_URL = "https://another-desk.example"  # the same feed, read by another desk
    report = import_claimreview(io.BytesIO(body))

    assert (report.created, report.skipped) == (len(published), [])
    by_url = {r.url: r for r in ExternalReview.objects.select_related("our_rating")}
    assert set(by_url) == {SITE + c.get_absolute_url() for c in published}
    for claim in published:
        external = by_url[SITE + claim.get_absolute_url()]
        rating = claim.published_review.rating
        assert external.our_rating == rating
        assert external.rating_name == rating.label_en
        assert external.rating_value == ("" if rating.value is None else str(rating.value))
        assert external.publisher == settings.PUBLISHER_NAME
        assert external.published_on == claim.published_review.published_at.date()
    again = import_claimreview(io.BytesIO(body))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(published))


def test_our_export_says_its_languages_and_an_importer_reads_them_without_guessing(
    client, make_claim, settings
):
    # Too short for language detection (exchange.languages.MIN_DETECTED_CHARACTERS).
    said_in_vietnamese = make_claim("published", text="GDP tăng 5%", language="vi", translation="")
    translated = make_claim(
        "published", text="Giá gạo tăng gấp đôi", language="vi", translation="Rice doubled"
    )
    _, data = read_feed(client, HTTP_ACCEPT_LANGUAGE="en")
    by_url = {r["url"]: r for r in items(data)}
    short = by_url[SITE + said_in_vietnamese.get_absolute_url()]
    assert (short["inLanguage"], short["itemReviewed"]["inLanguage"]) == ("vi", "vi")
    english = by_url[SITE + translated.get_absolute_url()]
    assert (english["claimReviewed"], english["inLanguage"]) == ("Rice doubled", "en")
    assert english["itemReviewed"]["inLanguage"] == "vi"
    _, in_vietnamese = read_feed(client, HTTP_ACCEPT_LANGUAGE="vi")
    [again] = [r for r in items(in_vietnamese) if r["url"] == english["url"]]
    assert (again["claimReviewed"], again["inLanguage"]) == ("Giá gạo tăng gấp đôi", "vi")

    settings.SITE_URL = "https://another-desk.example"  # our feed, read by another desk
    report = import_claimreview(io.BytesIO(json.dumps(data).encode()))

    assert report.created == 2
    languages = dict(ExternalReview.objects.values_list("claim_reviewed", "language"))
    assert languages == {"GDP tăng 5%": "vi", "Rice doubled": "en"}
