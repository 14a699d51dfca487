"""ClaimReview on claim pages, read back by extruct (a real structured-data parser), against
Google's required and recommended fields."""

import datetime

import extruct
import pytest

from claims.models import RatingLevel
from public.jsonld import CLAIM_REVIEWED_MAX
from tests.factories import OutletFactory, SourceFactory, SpeakerFactory
from tests.site_data import add_appearance, fresh_page_cache, plain_static_storage  # noqa: F401

SITE = "https://claimtrack.example.org"


def structured_data(client, claim, language: str = "en") -> dict:
    response = client.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return extruct.extract(
        response.content.decode(), base_url=SITE, syntaxes=["json-ld", "opengraph"], uniform=True
    )


def only_claimreview(data: dict) -> dict:
    reviews = [item for item in data["json-ld"] if item.get("@type") == "ClaimReview"]
    assert len(reviews) == 1, "exactly one ClaimReview per page"
    return reviews[0]


@pytest.fixture
def checked(make_claim):
    claim = make_claim(
        "published",
        rating="mostly-false",
        text="Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI, theo nhiều chuyên gia "
        "và kỹ sư hàng đầu trong ngành công nghệ.",
        translation="China is two to three years behind the United States in developing AI, "
        "according to many leading experts and engineers in the technology industry.",
    )
    speaker = SpeakerFactory(
        name="Jenny Xiao", role="Partner, Leonis Capital", same_as="https://www.wikidata.org/"
    )
    outlet = OutletFactory(name="The New York Times", url="https://www.nytimes.com/")
    later = SourceFactory(title="Later interview", outlet=outlet, url="https://example.org/b")
    first = SourceFactory(title="First interview", outlet=outlet, url="https://example.org/a")
    add_appearance(claim, speaker=speaker, source=later, said_on=datetime.date(2024, 5, 2))
    add_appearance(claim, speaker=speaker, source=first, said_on=datetime.date(2023, 12, 1))
    return claim


def test_a_claim_page_carries_one_claimreview_with_every_required_and_recommended_field(
    client, checked
):
    review = only_claimreview(structured_data(client, checked))
    published = checked.published_review.published_at.date().isoformat()

    assert review["@context"].rstrip("/") in ("http://schema.org", "https://schema.org")
    assert review["url"] == SITE + checked.get_absolute_url()
    assert review["datePublished"] == published
    assert review["author"] == {
        "@type": "Organization",
        "name": "Claimtrack Test Desk",
        "url": SITE,
    }
    assert 0 < len(review["claimReviewed"]) < CLAIM_REVIEWED_MAX
    assert review["claimReviewed"].startswith("China is two to three years behind")
    assert "false" not in review["claimReviewed"].lower()

    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly false",
    }

    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Person",
        "name": "Jenny Xiao",
        "jobTitle": "Partner, Leonis Capital",
        "sameAs": "https://www.wikidata.org/",
    }
    assert item["datePublished"] == "2023-12-01"
    assert item["firstAppearance"]["headline"] == "First interview"
    assert item["firstAppearance"]["url"] == "https://example.org/a"
    assert [a["headline"] for a in item["appearance"]] == ["First interview", "Later interview"]
    assert item["appearance"][0]["publisher"]["name"] == "The New York Times"


def test_the_markup_matches_what_the_page_shows(client, checked):
    response = client.get(checked.get_absolute_url())
    body = response.content.decode()
    data = extruct.extract(body, base_url=SITE, syntaxes=["json-ld", "opengraph"], uniform=True)
    review = only_claimreview(data)

    assert review["reviewRating"]["alternateName"] in body.split("</head>")[1]
    assert checked.published_review.summary in body
    og = data["opengraph"][0]
    assert og["og:url"] == review["url"]
    assert og["@type"] == "article"
    assert og["og:title"].startswith("Mostly false")


@pytest.mark.parametrize(
    ("slug", "value"),
    [("false", 1), ("mostly-false", 2), ("half-true", 3), ("mostly-true", 4), ("true", 5)],
)
def test_every_on_scale_rating_maps_to_its_value_on_the_scale(client, make_claim, slug, value):
    claim = make_claim("published", rating=slug)
    rating = only_claimreview(structured_data(client, claim))["reviewRating"]

    assert rating["ratingValue"] == value
    assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
    assert rating["alternateName"] == RatingLevel.objects.get(slug=slug).label_en


@pytest.mark.parametrize("slug", ["misleading", "unverifiable"])
def test_an_off_scale_verdict_carries_only_its_name(client, make_claim, slug):
    claim = make_claim("published", rating=slug)
    rating = only_claimreview(structured_data(client, claim))["reviewRating"]

    assert rating == {
        "@type": "Rating",
        "alternateName": RatingLevel.objects.get(slug=slug).label_en,
    }


def test_the_rating_name_follows_the_readers_language(client, make_claim):
    claim = make_claim("published", rating="half-true")
    review = only_claimreview(structured_data(client, claim, language="vi"))

    assert review["reviewRating"]["alternateName"] == "Đúng một nửa"
    assert review["claimReviewed"] == claim.text[: CLAIM_REVIEWED_MAX - 1].strip()


def test_a_long_claim_is_shortened_on_a_word_boundary_under_75_characters(client, make_claim):
    words = "word " * 40
    claim = make_claim("published", text=words, translation=words)
    reviewed = only_claimreview(structured_data(client, claim))["claimReviewed"]

    assert len(reviewed) < CLAIM_REVIEWED_MAX
    assert reviewed.endswith("word…")


def test_text_that_looks_like_markup_cannot_break_out_of_the_json_ld_block(client, make_claim):
    nasty = 'He said </script><script>alert("x")</script> & more'
    claim = make_claim("published", text=nasty, translation=nasty)
    body = client.get(claim.get_absolute_url()).content.decode()

    assert '<script>alert("x")</script>' not in body
    review = only_claimreview(extruct.extract(body, base_url=SITE, syntaxes=["json-ld"]))
    assert review["claimReviewed"] == nasty
