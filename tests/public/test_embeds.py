"""Embeds: the oEmbed provider, its discovery link, and the verdict card partner sites frame,
which is the only page another site may frame."""

import json
import re
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest

from tests.site_data import demo_claims, fresh_page_cache  # noqa: F401

SITE = "https://claimtrack.example.org"


@pytest.fixture
def demo(make_claim):
    return demo_claims(make_claim)


def oembed(client, url: str, **params):
    return client.get("/oembed/?" + urlencode({"url": url, **params}))


def test_oembed_answers_a_rich_json_embed_for_a_public_claim_page(client, demo):
    claim = demo["llms"]
    for url in [SITE + claim.get_absolute_url(), f"{SITE}/claims/{claim.pk}/"]:
        response = oembed(client, url, format="json")
        assert response.status_code == 200, url
        data = response.json()
        assert data["version"] == "1.0" and data["type"] == "rich"
        assert data["provider_name"] == "Claimtrack Test Desk"
        assert data["title"] == "Mostly true: China has more than 200 large language models (LLMs)."
        assert f'src="{SITE}/embed/claims/{claim.pk}/"' in data["html"]
        assert 'width="480" height="300"' in data["html"]
        assert data["thumbnail_url"] == f"{SITE}/claims/{claim.pk}/card.en.png"
        assert (data["thumbnail_width"], data["thumbnail_height"]) == (1200, 630)
        assert response["Access-Control-Allow-Origin"] == "*"
    narrow = oembed(client, SITE + claim.get_absolute_url(), maxwidth="320").json()
    assert narrow["width"] == 320 and 'width="320"' in narrow["html"]


FOREIGN_OR_UNKNOWN = [
    "https://evil.example.com/claims/{pk}/",
    "https://claimtrack.example.org.evil.example.com/claims/{pk}/",
    "ftp://claimtrack.example.org/claims/{pk}/",
    "https://claimtrack.example.org/speakers/kai-fu-lee/",
    "https://claimtrack.example.org/claims/999999/",
    "https://claimtrack.example.org/nowhere/",
    "https://[::1/claims/{pk}/",
    "javascript:alert(1)",
    "not a url at all",
]


def test_oembed_for_a_url_that_is_not_one_of_our_claim_pages_is_not_found(client, demo):
    for url in FOREIGN_OR_UNKNOWN:
        response = oembed(client, url.format(pk=demo["llms"].pk))
        assert response.status_code == 404, url


def test_oembed_for_an_unpublished_claim_is_not_found(client, make_claim):
    for status in ("new", "researching", "in_review", "rejected"):
        claim = make_claim(status)
        assert oembed(client, f"{SITE}/claims/{claim.pk}/").status_code == 404, status
        assert client.get(f"/embed/claims/{claim.pk}/").status_code == 404, status


def test_oembed_refuses_other_formats_and_a_missing_url(client, demo):
    page = SITE + demo["llms"].get_absolute_url()
    assert oembed(client, page, format="xml").status_code == 501
    assert client.get("/oembed/").status_code == 400


def test_a_claim_page_carries_the_oembed_discovery_link(client, demo):
    claim = demo["llms"]
    body = client.get(claim.get_absolute_url()).content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', body)
    assert link, "discovery link"
    parts = urlsplit(unescape(link.group(1)))
    assert f"{parts.scheme}://{parts.netloc}" == SITE
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    assert f"/embed/claims/{claim.pk}/" in response.json()["html"]


def test_the_embed_shows_claim_speaker_and_verdict_without_any_script(client, demo):
    claim = demo["llms"]
    response = client.get(f"/embed/claims/{claim.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "China has more than 200 large language models (LLMs)." in body
    assert "Said by Kai-Fu Lee" in body and "Mostly true" in body
    assert f'href="{SITE}{claim.get_absolute_url()}" target="_blank" rel="noopener"' in body
    assert "<script" not in body
    assert len(response.content) < 4096, "small"
    vietnamese = client.get(f"/embed/claims/{claim.pk}/", headers={"Accept-Language": "vi"})
    assert "Trung Quốc có hơn 200 mô hình ngôn ngữ lớn (LLM)." in vietnamese.content.decode()


def test_only_the_embed_route_may_be_framed(client, demo, admin_client):
    claim = demo["llms"]
    embed = client.get(f"/embed/claims/{claim.pk}/")
    assert "X-Frame-Options" not in embed.headers
    policy = embed["Content-Security-Policy"]
    assert "frame-ancestors http: https:" in policy and "script-src 'none'" in policy
    again = client.get(f"/embed/claims/{claim.pk}/")  # served from the page cache
    assert again["Content-Security-Policy"] == policy and "X-Frame-Options" not in again.headers

    refused = [
        "/",
        claim.get_absolute_url(),
        "/claims/",
        "/speakers/kai-fu-lee/",
        "/corrections/",
        "/feeds/claims.atom",
        f"/claims/{claim.pk}/card.en.png",
        "/oembed/?" + urlencode({"url": SITE + claim.get_absolute_url()}),
        "/embed/claims/999999/",  # a missing embed is an ordinary 404 page
        "/admin/login/",
    ]
    for url in refused:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
    assert admin_client.get("/admin/")["X-Frame-Options"] == "DENY"


def test_the_embed_and_oembed_run_a_fixed_number_of_queries(
    client, demo, django_assert_max_num_queries, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # measure the views, not the cache
    claim = demo["llms"]
    with django_assert_max_num_queries(3):
        assert client.get(f"/embed/claims/{claim.pk}/").status_code == 200
    with django_assert_max_num_queries(2):
        assert oembed(client, SITE + claim.get_absolute_url()).status_code == 200
    assert json.loads(oembed(client, SITE + claim.get_absolute_url()).content)["type"] == "rich"
