"""The sitemap index (/sitemap.xml) and its sections: every published claim, speaker and source,
on the site's own address (SITE_URL), in sections of at most SECTION_SIZE URLs.

Claims and sources are cut into sections by primary-key range, not by OFFSET: section n holds
the public rows with pk in ((n-1)·SECTION_SIZE, n·SECTION_SIZE], so each section is one index
range scan however deep it lies, and the index needs only the highest pk (no count). A range
may hold fewer public rows than SECTION_SIZE (never more), and may be empty.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.models import Claim, Speaker
from claims.visibility import public_sources, public_speakers
from sources.models import Source

SECTION_SIZE = 10_000  # sitemaps.org allows 50,000 per file; smaller files build faster


class PublicSitemap(Sitemap):
    """Absolute URLs built from SITE_URL, not from whatever Host the request carried."""

    limit = SECTION_SIZE

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_latest_lastmod(self):
        return None  # the index does not read every row to date a section


class KeyRangePage:
    def __init__(self, object_list: QuerySet):
        self.object_list = object_list


class KeyRangePaginator:
    """Pages of a queryset by pk range: page n is pk in ((n-1)·size, n·size]."""

    def __init__(self, items: QuerySet, size: int):
        self.items, self.size = items, size

    @property
    def num_pages(self) -> int:
        top = self.items.order_by().aggregate(top=Max("pk"))["top"] or 0
        return max(1, -(-top // self.size))

    def page(self, number) -> KeyRangePage:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("Not a page number") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("No such page")
        low = (number - 1) * self.size
        return KeyRangePage(self.items.filter(pk__gt=low, pk__lte=low + self.size).order_by("pk"))


class KeyRangeSitemap(PublicSitemap):
    @property
    def paginator(self) -> KeyRangePaginator:
        return KeyRangePaginator(self.items(), self.limit)


class ClaimSitemap(KeyRangeSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        # status too: the workflow mixin reads it as each row loads.
        return Claim.objects.published().only("pk", "slug", "updated_at", "status")

    def lastmod(self, claim: Claim):
        return claim.updated_at


class SpeakerSitemap(PublicSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return public_speakers().order_by("slug")

    def location(self, speaker: Speaker) -> str:
        return reverse("speaker-detail", kwargs={"slug": speaker.slug})


class SourceSitemap(KeyRangeSitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return public_sources().only("pk", "updated_at")

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


@require_safe
def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """Every section of every sitemap, each on SITE_URL: one MAX(pk) query per ranged section."""
    locations = []
    for section, sitemap in SITEMAPS.items():
        url = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": section})
        pages = sitemap().paginator.num_pages
        locations.append(url)
        locations += [f"{url}?p={page}" for page in range(2, pages + 1)]
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": [{"location": loc, "last_mod": None} for loc in locations]},
        content_type="application/xml",
    )
