"""Only published claims, and what belongs to them, reach any public page, feed or sitemap."""

import pytest
from django.urls import reverse

from claims.models import Claim, Topic
from tests.factories import SourceFactory, SpeakerFactory
from tests.site_data import add_appearance, fresh_page_cache, plain_static_storage, reopen  # noqa: F401

HIDDEN_STATES = ["new", "researching", "in_review", "rejected"]

LISTING_URLS = [
    "/",
    "/claims/",
    "/claims/?q=secret",
    "/claims/?q=hidden",
    "/speakers/",
    "/corrections/",
    "/methodology/",
    "/feeds/claims.atom",
    "/feeds/claims.rss",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-claims.xml",
    "/sitemap-speakers.xml",
    "/sitemap-sources.xml",
    "/robots.txt",
]


@pytest.fixture
def world(make_claim, editor, checker):
    """One claim in each hidden state, each with its own speaker and source, plus a published
    claim that was reopened and has a new draft verdict in the works."""
    hidden = {}
    for state in HIDDEN_STATES:
        claim = make_claim(
            state,
            rating="true",
            text=f"Secret {state} claim hidden",
            translation=f"Secret {state} claim hidden",
        )
        speaker = SpeakerFactory(name=f"Hidden speaker {state}", slug=f"hidden-{state}")
        source = SourceFactory(title=f"Hidden source {state}")
        add_appearance(claim, speaker=speaker, source=source)
        claim.topics.add(Topic.objects.create(name=f"Secret topic {state}", slug=f"t-{state}"))
        hidden[state] = (claim, speaker, source)

    visible = make_claim("published", rating="false", text="Visible claim", translation="")
    add_appearance(visible, speaker=SpeakerFactory(name="Visible speaker", slug="visible"))
    reopened = make_claim(
        "published", rating="false", text="Reopened claim", translation="Reopened claim"
    )
    add_appearance(reopened, speaker=SpeakerFactory(name="Reopened speaker", slug="reopened"))
    reopened.published_review.summary = "Old verdict, still standing"
    reopened.published_review.save()
    reopened = reopen(
        reopened,
        editor=editor,
        checker=checker,
        summary="Secret draft verdict hidden",
        rating="true",
    )
    assert reopened.status == "researching" and reopened.under_review
    return {"hidden": hidden, "visible": visible, "reopened": reopened}


def all_public_urls(world) -> list[str]:
    urls = list(LISTING_URLS)
    for claim, speaker, source in world["hidden"].values():
        urls += [
            reverse("claim-detail", kwargs={"pk": claim.pk, "slug": claim.slug}),
            f"/claims/?speaker={speaker.slug}",
            f"/speakers/{speaker.slug}/",
            f"/sources/{source.pk}/",
        ]
    for claim in (world["visible"], world["reopened"]):
        urls += [
            claim.get_absolute_url(),
            reverse("claim-detail-short", kwargs={"pk": claim.pk}),
            f"/sources/{claim.appearances.get().source_id}/",
            f"/speakers/{claim.appearances.get().speaker.slug}/",
            f"/claims/{claim.pk}/feed.atom",
            f"/speakers/{claim.appearances.get().speaker.slug}/feed.atom",
            f"/embed/claims/{claim.pk}/",
            f"/oembed/?url=https://claimtrack.example.org/claims/{claim.pk}/",
            f"/follow/claim/{claim.pk}/",
        ]
    return urls


def test_no_public_page_feed_or_sitemap_shows_an_unpublished_claim(client, world):
    for url in all_public_urls(world):
        response = client.get(url, follow=True)
        body = response.content.decode()
        assert "Secret" not in body, url
        assert "Hidden speaker" not in body, url
        assert "Hidden source" not in body, url
        assert "draft verdict" not in body, url
        if response.status_code == 404:
            continue  # its language switcher names the requested path, which is fine
        for claim, _, source in world["hidden"].values():
            assert f"/claims/{claim.pk}-" not in body, url
            assert f"/sources/{source.pk}/" not in body, url


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_pages_of_unpublished_claims_their_speakers_and_sources_are_not_found(client, world, state):
    claim, speaker, source = world["hidden"][state]
    for url in [
        reverse("claim-detail", kwargs={"pk": claim.pk, "slug": claim.slug}),
        reverse("claim-detail-short", kwargs={"pk": claim.pk}),
        reverse("speaker-detail", kwargs={"slug": speaker.slug}),
        reverse("source-detail", kwargs={"pk": source.pk}),
        reverse("claim-card", kwargs={"pk": claim.pk, "language": "en"}),
        reverse("claim-embed", kwargs={"pk": claim.pk}),
        reverse("claim-feed", kwargs={"pk": claim.pk}),
        reverse("speaker-feed", kwargs={"slug": speaker.slug}),
        f"/oembed/?url=https://claimtrack.example.org/claims/{claim.pk}/",
        f"/follow/claim/{claim.pk}/",
        f"/follow/speaker/{speaker.slug}/",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_reopened_claim_shows_its_last_published_verdict_marked_under_re_review(client, world):
    claim = world["reopened"]
    body = client.get(claim.get_absolute_url()).content.decode()

    assert "Old verdict, still standing" in body
    assert "Under re-review" in body
    assert "False" in body and '"ratingValue": 1' in body
    assert "Secret draft verdict" not in body


def test_a_reopened_claim_stays_listed_everywhere_with_its_published_verdict(client, world):
    claim = world["reopened"]
    for url in [
        "/",
        "/claims/",
        "/claims/?q=reopened",
        "/feeds/claims.atom",
        "/sitemap-claims.xml",
    ]:
        body = client.get(url).content.decode()
        assert f"/claims/{claim.pk}-" in body, url
    assert "Old verdict, still standing" in client.get("/feeds/claims.rss").content.decode()


def test_speaker_counts_include_only_published_claims(client, world, make_claim):
    visible = world["visible"]
    speaker = visible.appearances.get().speaker
    unpublished = make_claim("in_review", text="Secret pending claim")
    add_appearance(unpublished, speaker=speaker)

    body = client.get("/speakers/").content.decode()
    assert "1 claim checked" in body and "2 claims" not in body
    assert 'aria-label="False: 1"' in body
    detail = client.get(f"/speakers/{speaker.slug}/").content.decode()
    assert "Secret pending" not in detail
    assert Claim.objects.published().filter(appearances__speaker=speaker).count() == 1


def test_searching_never_matches_a_draft_verdict(client, world):
    body = client.get("/claims/?q=draft+verdict").content.decode()
    assert "0 fact-checks" in body
