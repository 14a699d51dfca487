"""Readers see a checked claim over time: every confirmed appearance on its page and in its
ClaimReview, the speaker's repeats counted, a feed of confirmed repeats; a repeat waiting for
confirmation or rejected shows nowhere."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import pagecache, records, services
from claims.models import Claim
from tests.factories import AppearanceFactory, SourceFactory, SpeakerFactory

pytestmark = pytest.mark.django_db
BEFORE = datetime.date(2024, 10, 1)


@pytest.fixture
def repeated(make_claim, reporter, editor2):
    """A published claim said once before its verdict, then again twice (one confirmed, one
    waiting) and a third time rejected."""
    claim = make_claim("published")
    speaker = SpeakerFactory(name="Lê Văn C", slug="le-van-c")
    AppearanceFactory(claim=claim, speaker=speaker, said_on=BEFORE)
    later = timezone.localdate() + datetime.timedelta(days=1)

    def record(url, quote):
        return services.appearance_record_repeat(
            claim=claim,
            by=reporter,
            speaker=speaker,
            source=SourceFactory(url=url, title=f"Said at {url}"),
            said_on=later,
            quote=quote,
            quote_language="vi",
        )

    confirmed = record("https://example.org/one", "Confirmed repeat quote")
    services.appearance_confirm(appearance_id=confirmed.pk, by=editor2)
    record("https://example.org/two", "Waiting repeat quote")
    rejected = record("https://example.org/three", "Rejected repeat quote")
    services.appearance_reject(appearance_id=rejected.pk, by=editor2, reason="Not said")
    return {"claim": Claim.objects.get(pk=claim.pk), "speaker": speaker, "later": later}


def jsonld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_the_claim_page_says_how_often_and_when_the_claim_was_said(client, repeated):
    html = client.get(repeated["claim"].get_absolute_url(), follow=True).content.decode()

    assert "Said 2 times, first on" in html
    assert "Confirmed repeat quote" in html
    assert "Repeated after it was checked" in html
    assert "Waiting repeat quote" not in html
    assert "Rejected repeat quote" not in html


def test_the_claimreview_carries_every_confirmed_appearance(client, repeated):
    html = client.get(repeated["claim"].get_absolute_url(), follow=True).content.decode()
    item = jsonld(html)["itemReviewed"]

    assert [a["datePublished"] for a in item["appearance"]] == [
        BEFORE.isoformat(),
        repeated["later"].isoformat(),
    ]
    assert item["firstAppearance"]["datePublished"] == BEFORE.isoformat()
    assert item["appearance"][1]["url"] == "https://example.org/one"
    assert all(a["author"]["name"] == "Lê Văn C" for a in item["appearance"])


def test_the_speaker_page_counts_repeats_after_the_check(client, repeated):
    html = client.get("/speakers/le-van-c/").content.decode()
    assert "Said 2 times in all, 1 time repeated after it was checked." in html


def test_the_speakers_counts_follow_a_confirmed_repeat_and_a_redated_source(
    client, repeated, reporter, editor2
):
    """The counts are kept beside the speaker's record (claims.stats), not counted per view:
    they must follow each edit that changes them."""
    claim, speaker = repeated["claim"], repeated["speaker"]
    source = SourceFactory(url="https://example.org/undated", published_on=None)
    repeat = services.appearance_record_repeat(
        claim=claim,
        by=reporter,
        speaker=speaker,
        source=source,
        said_on=None,
        quote="An undated repeat",
        quote_language="vi",
    )
    services.appearance_confirm(appearance_id=repeat.pk, by=editor2)
    assert records.speaker_said_counts(speaker) == records.SaidCount(times=3, after_check=1)

    source.published_on = repeated["later"]  # now dated by its source: after the verdict
    source.save()
    assert records.speaker_said_counts(speaker) == records.SaidCount(times=3, after_check=2)
    pagecache.invalidate_now_and_on_commit()
    html = client.get("/speakers/le-van-c/").content.decode()
    assert "Said 3 times in all, 2 times repeated after it was checked." in html


def test_the_repeats_feed_lists_confirmed_repeats_only(client, repeated):
    body = client.get("/feeds/repeats.atom").content.decode()
    assert body.count("<entry>") == 1
    assert "Confirmed repeat quote" in body
    assert "Waiting repeat quote" not in body


def test_the_claim_page_and_the_feed_cost_the_same_for_many_repeats(
    client, make_claim, reporter, editor2
):
    def measure() -> tuple[int, int]:
        claim = Claim.objects.get(pk=claim_id)
        pages = []
        for url in (claim.get_absolute_url(), "/feeds/repeats.atom", "/api/v1/appearances/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            pages.append(len(queries))
            pagecache.invalidate_now_and_on_commit()
        return tuple(pages)

    claim = make_claim("published")
    claim_id = claim.pk
    AppearanceFactory(claim=claim)
    for n in range(2):
        repeat = services.appearance_record_repeat(
            claim=claim,
            by=reporter,
            speaker=SpeakerFactory(),
            source=SourceFactory(url=f"https://example.org/{n}"),
            said_on=BEFORE,
            quote=f"Quote {n}",
            quote_language="vi",
        )
        services.appearance_confirm(appearance_id=repeat.pk, by=editor2)
    few = measure()
    for n in range(2, 12):
        repeat = services.appearance_record_repeat(
            claim=claim,
            by=reporter,
            speaker=SpeakerFactory(),
            source=SourceFactory(url=f"https://example.org/{n}"),
            said_on=BEFORE,
            quote=f"Quote {n}",
            quote_language="vi",
        )
        services.appearance_confirm(appearance_id=repeat.pk, by=editor2)
    assert measure() == few


def test_an_undated_first_quote_is_not_replaced_by_a_dated_repeat(
    client, make_claim, reporter, editor2
):
    """The page and the ClaimReview show what is known: the original speaker said it first
    (date unknown); a repeat's date is not passed off as the first time it was said."""
    claim = make_claim("published")
    original = SpeakerFactory(name="Nguyễn Văn A", slug="nguyen-van-a")
    AppearanceFactory(
        claim=claim, speaker=original, said_on=None, source=SourceFactory(published_on=None)
    )
    repeat = services.appearance_record_repeat(
        claim=claim,
        by=reporter,
        speaker=SpeakerFactory(name="Trần Thị B", slug="tran-thi-b"),
        source=SourceFactory(url="https://example.org/again", published_on=None),
        said_on=timezone.localdate(),
        quote="Said again",
        quote_language="vi",
    )
    services.appearance_confirm(appearance_id=repeat.pk, by=editor2)

    html = client.get(claim.get_absolute_url(), follow=True).content.decode()
    assert "Said 2 times." in html
    assert "first on" not in html
    item = jsonld(html)["itemReviewed"]
    assert item["author"]["name"] == "Nguyễn Văn A"
    assert "datePublished" not in item
