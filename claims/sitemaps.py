"""sitemap.xml: every public page, on the site's own address (SITE_URL), with last changes."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from claims.models import Claim, Speaker
from claims.visibility import public_claims, public_sources, public_speakers
from sources.models import Source


class PublicSitemap(Sitemap):
    """Absolute URLs built from SITE_URL, not from whatever Host the request carried."""

    limit = 5000

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class ClaimSitemap(PublicSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return public_claims().order_by("pk")

    def lastmod(self, claim: Claim):
        return claim.updated_at


class SpeakerSitemap(PublicSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        public = Q(appearances__claim__in=public_claims())
        return (
            public_speakers()
            .annotate(last_change=Max("appearances__claim__updated_at", filter=public))
            .order_by("slug")
        )

    def location(self, speaker: Speaker) -> str:
        return reverse("speaker-detail", kwargs={"slug": speaker.slug})

    def lastmod(self, speaker: Speaker):
        return speaker.last_change


class SourceSitemap(PublicSitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return public_sources().order_by("pk")

    def location(self, source: Source) -> str:
        return reverse("source-detail", kwargs={"pk": source.pk})

    def lastmod(self, source: Source):
        return source.updated_at


class PageSitemap(PublicSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        return ["home", "claim-list", "speaker-list", "corrections", "methodology"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "claims": ClaimSitemap,
    "speakers": SpeakerSitemap,
    "sources": SourceSitemap,
}
