"""Atom feeds per claim, speaker and topic: verdicts, corrections and confirmed repeats, linked
from the pages they follow, and nothing that is not public."""

import xml.etree.ElementTree as ET

import pytest

from claims import services
from tests.factories import SourceFactory
from tests.site_data import correct, demo_claims, fresh_page_cache  # noqa: F401

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def demo(make_claim, editor, editor2, checker, reporter):
    data = demo_claims(make_claim)
    correct(data["llms"], editor=editor, checker=checker, rating="false", note="New count.")
    repeat = services.appearance_record_repeat(
        claim=data["lag"],
        by=reporter,
        speaker=data["lee"],
        source=SourceFactory(title="A later interview"),
        quote="Chúng tôi chậm hơn hai năm",
        quote_language="vi",
    )
    services.appearance_confirm(appearance_id=repeat.pk, by=editor2)
    return data


def titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [entry.findtext("a:title", namespaces=ATOM) for entry in feed.findall("a:entry", ATOM)]


def test_a_claims_feed_has_its_verdict_and_its_correction(client, demo):
    claim = demo["llms"]
    assert titles(client, f"/claims/{claim.pk}/feed.atom") == [
        "Corrected: Mostly true → False — China has more than 200 large language models (LLMs).",
        "Verdict: Mostly true — China has more than 200 large language models (LLMs).",
    ]


def test_a_speakers_feed_has_the_news_of_their_claims_including_repeats(client, demo):
    found = titles(client, "/speakers/kai-fu-lee/feed.atom")
    assert found[0] == (
        "Kai-Fu Lee said again: China is 2-3 years behind the US in developing AI. (Half true)"
    )
    assert any(t.startswith("Corrected: Mostly true → False") for t in found)
    assert any(t.startswith("Verdict: Misleading") for t in found)
    xiao = titles(client, "/speakers/jenny-xiao/feed.atom")
    assert xiao[-1] == "Verdict: Half true — China is 2-3 years behind the US in developing AI."


def test_a_topics_feed_has_the_news_of_its_claims_only(client, demo):
    found = titles(client, "/topics/ai/feed.atom")
    assert len(found) == 4  # llms: a verdict and its correction; lag: a verdict and a repeat
    assert not any("01.AI" in t for t in found)


def test_nothing_unpublished_has_a_feed(client, demo, make_claim):
    draft = make_claim("in_review")
    for url in [f"/claims/{draft.pk}/feed.atom", "/speakers/nobody/feed.atom",
                "/topics/nothing/feed.atom", "/claims/999999/feed.atom"]:  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_the_pages_link_the_feeds_that_follow_them(client, demo):
    claim = demo["llms"]
    page = client.get(claim.get_absolute_url()).content.decode()
    assert 'type="application/atom+xml" title="This fact-check: ' in page
    assert f'href="/claims/{claim.pk}/feed.atom"' in page
    assert 'href="/topics/ai/feed.atom"' in page
    assert f'href="/follow/claim/{claim.pk}/"' in page and 'href="/follow/topic/ai/"' in page
    speaker = client.get("/speakers/kai-fu-lee/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in speaker
    assert 'href="/speakers/kai-fu-lee/feed.atom"' in speaker
    assert 'href="/follow/speaker/kai-fu-lee/"' in speaker
    listed = client.get("/claims/?topic=ai").content.decode()
    assert 'href="/topics/ai/feed.atom"' in listed


def test_each_feed_runs_a_fixed_number_of_queries(
    client, demo, settings, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for url in [f"/claims/{demo['llms'].pk}/feed.atom", "/speakers/kai-fu-lee/feed.atom",
                "/topics/ai/feed.atom"]:  # fmt: skip
        with django_assert_max_num_queries(4):
            assert client.get(url).status_code == 200
