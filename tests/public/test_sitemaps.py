"""The sitemap sections, built from plain values, say exactly what Django's sitemap framework
said for the same rows (the reference below is the framework's classes as they were before
claims/sitemaps.py stopped using them), in valid XML, with a fixed number of queries."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as framework_sitemap
from django.db.models import Exists, OuterRef
from django.test import RequestFactory
from django.urls import reverse

from claims.models import PublishedClaim, Speaker, SpeakerRecord
from claims.visibility import public_claims, public_sources
from public import sitemaps
from tests.factories import SourceFactory, SpeakerFactory
from tests.site_data import (  # noqa: F401
    SITEMAP_NS,
    add_appearance,
    fresh_page_cache,
    plain_static_storage,
)


class Reference(Sitemap):
    limit = 50_000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ClaimReference(Reference):
    changefreq, priority = "weekly", 0.8

    def items(self):
        return public_claims().order_by("pk")

    def lastmod(self, claim):
        return claim.updated_at


class SpeakerReference(Reference):
    changefreq, priority = "weekly", 0.5

    def items(self):
        return Speaker.objects.filter(
            Exists(SpeakerRecord.objects.filter(speaker=OuterRef("pk"), claims__gt=0))
        ).order_by("slug")

    def location(self, speaker):
        return reverse("speaker-detail", kwargs={"slug": speaker.slug})


class SourceReference(Reference):
    changefreq, priority = "monthly", 0.3

    def items(self):
        return public_sources().order_by("pk")

    def location(self, source):
        return reverse("source-detail", kwargs={"pk": source.pk})

    def lastmod(self, source):
        return source.updated_at


class PageReference(Reference):
    changefreq, priority = "daily", 0.6

    def items(self):
        return ["home", "claim-list", "speaker-list", "corrections", "methodology"]

    def location(self, name):
        return reverse(name)


REFERENCES = {
    "pages": PageReference,
    "claims": ClaimReference,
    "speakers": SpeakerReference,
    "sources": SourceReference,
}


@pytest.fixture
def archive(make_claim):
    speakers = [SpeakerFactory(name=f"Speaker {i}", slug=f"speaker-{i}") for i in range(3)]
    for i in range(7):
        claim = make_claim("published", text=f"Public claim {i} & <more>")
        add_appearance(claim, speaker=speakers[i % 3], source=SourceFactory())
    claim = make_claim("published")
    claim.slug = ""  # an empty slug: the claim's URL says "claim"
    claim.save(update_fields=["slug"])
    hidden = make_claim("in_review", text="Hidden")
    add_appearance(hidden, speaker=SpeakerFactory(), source=SourceFactory())


def entries(content: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return [
        {child.tag.split("}")[1]: child.text for child in url}
        for url in root.findall("s:url", SITEMAP_NS)
    ]


@pytest.mark.parametrize("section", list(sitemaps.SECTIONS))
def test_a_section_says_what_djangos_sitemap_framework_said(client, archive, section):
    ours = client.get(f"/sitemap-{section}.xml")
    request = RequestFactory().get(f"/sitemap-{section}.xml")
    theirs = framework_sitemap(request, {section: REFERENCES[section]}, section=section)
    theirs.render()

    assert ours.status_code == 200
    assert ours["Content-Type"] == "application/xml"
    assert entries(ours.content) == entries(theirs.content)
    assert len(entries(ours.content)) >= 3
    # Byte for byte too: the framework's template drops the whitespace between tags.
    assert ours.content.decode().strip() == theirs.content.decode().strip()
    assert ours.get("Last-Modified") == theirs.get("Last-Modified")


def test_the_claim_section_names_each_public_claim_by_its_own_address(client, archive):
    listed = [e["loc"] for e in entries(client.get("/sitemap-claims.xml").content)]
    assert listed == [
        settings.SITE_URL + c.get_absolute_url() for c in public_claims().order_by("pk")
    ]


def test_a_section_runs_one_query_for_any_number_of_rows(
    client, archive, make_claim, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the highest public pk, then the range
        client.get("/sitemap-claims.xml")
    for _ in range(5):
        make_claim("published")
    with django_assert_num_queries(2):
        response = client.get("/sitemap-claims.xml")
    assert len(entries(response.content)) == 13


def test_the_index_stops_at_the_highest_public_claim(client, make_claim, monkeypatch):
    monkeypatch.setattr(sitemaps, "SECTION_SIZE", 2)
    claims = [make_claim("published") for _ in range(3)]
    for _ in range(4):
        make_claim("new")  # later pks, none public: no section for them
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [s.findtext("s:loc", namespaces=SITEMAP_NS) for s in index]
    claim_sections = [loc for loc in locations if "/sitemap-claims.xml" in loc]
    assert len(claim_sections) == -(-claims[-1].pk // 2)
    last = urlsplit(claim_sections[-1])
    assert client.get(f"{last.path}?{last.query}" if last.query else last.path).status_code == 200


def test_the_claim_section_lists_the_read_models_rows_by_key_range(
    client, make_claim, django_assert_max_num_queries
):
    claims = [make_claim("published") for _ in range(3)]
    make_claim("in_review")
    # A row the read model no longer holds (as while a task brings it up to date) is not listed:
    # the section reads the read model, by a range of its key, never every public claim.
    PublishedClaim.objects.filter(claim=claims[1]).delete()
    with django_assert_max_num_queries(2):  # the highest key, then the range joined by key
        response = client.get("/sitemap-claims.xml")
    listed = [e["loc"] for e in entries(response.content)]
    assert listed == [settings.SITE_URL + c.get_absolute_url() for c in (claims[0], claims[2])]
