"""The public site's pages: home, the searchable list, claims, speakers, corrections, methodology.

Every row shown here comes from claims.visibility; each view runs a fixed number of queries
whatever the amount of data (tests/test_site_queries.py holds them to it).
"""

import logging
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from claims import search, visibility
from claims.jsonld import claim_review
from claims.models import Appearance, Correction, RatingLevel, Speaker
from claims.pagecache import cached_page
from claims.records import (
    CHART_BAR_WIDTH,
    ROW_HEIGHT,
    STRIP_WIDTH,
    record_strips,
    speaker_record,
)
from sources.models import LANGUAGE_CHOICES

HOME_LATEST = 10
logger = logging.getLogger(__name__)


def claim_cards(claims: QuerySet) -> QuerySet:
    """What a claim card in a list shows: verdict, first speaker, topics, a correction mark."""
    return (
        claims.select_related("published_review__rating")
        .prefetch_related(
            "topics",
            Prefetch(
                "appearances",
                queryset=Appearance.objects.select_related("speaker", "source").order_by(
                    "said_on", "id"
                ),
            ),
        )
        .annotate(corrected=Exists(Correction.objects.filter(claim=OuterRef("pk"))))
    )


def speakers_with_counts() -> QuerySet:
    """Public speakers, each with `claim_count`, the number of their public claims."""
    public = Q(appearances__claim__in=visibility.public_claims())
    return visibility.public_speakers().annotate(
        claim_count=Count("appearances__claim", filter=public, distinct=True)
    )


def paginate(request: HttpRequest, items) -> Page:
    return Paginator(items, settings.PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))


@dataclass
class ScaleStep:
    """One rating level as drawn on the verdict meter."""

    rating: RatingLevel
    x: int
    current: bool


def scale_steps(scale: list[RatingLevel], current: RatingLevel | None) -> list[ScaleStep]:
    """The on-scale ratings, worst first, placed for the verdict meter (width 20 each)."""
    on_scale = sorted((r for r in scale if r.on_scale), key=lambda r: r.value)
    return [
        ScaleStep(rating=r, x=i * 22, current=current is not None and r.pk == current.pk)
        for i, r in enumerate(on_scale)
    ]


def scale_bounds(scale: list[RatingLevel]) -> tuple[int, int]:
    values = [r.value for r in scale if r.on_scale]
    return (min(values), max(values)) if values else (1, 5)


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    published = visibility.public_claims()
    latest = claim_cards(published).order_by("-published_review__published_at", "-pk")
    return render(
        request,
        "claims/home.html",
        {
            "claims": latest[:HOME_LATEST],
            "claim_count": published.count(),
            "scale": RatingLevel.objects.all(),
        },
    )


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    rating = forms.ChoiceField(label=_("Rating"), required=False)
    speaker = forms.ChoiceField(label=_("Speaker"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, scale: list[RatingLevel], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["rating"].choices = everything + [(r.slug, r.label) for r in scale]
        speakers = visibility.public_speakers()
        self.fields["speaker"].choices = everything + [(s.slug, s.name) for s in speakers]
        topics = visibility.public_topics()
        self.fields["topic"].choices = everything + [(t.slug, t.label) for t in topics]
        self.fields["language"].choices = everything + list(LANGUAGE_CHOICES)

    def filter(self, claims: QuerySet) -> QuerySet:
        """Apply the valid filters; an invalid one is ignored (and shown as an error)."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("rating"):
            claims = claims.filter(published_review__rating__slug=data["rating"])
        if data.get("speaker"):
            claims = claims.filter(
                pk__in=Appearance.objects.filter(speaker__slug=data["speaker"]).values("claim_id")
            )
        if data.get("topic"):
            claims = claims.filter(topics__slug=data["topic"])
        if data.get("language"):
            claims = claims.filter(language=data["language"])
        if data.get("q"):
            claims = search.search(claims, data["q"])
        return claims

    @property
    def active(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


CLAIM_LIST_PARAMETERS = (*ClaimFilterForm.base_fields, "page")


@require_safe
@cached_page(reads=CLAIM_LIST_PARAMETERS)
def claim_list(request: HttpRequest) -> HttpResponse:
    scale = list(RatingLevel.objects.all())
    form = ClaimFilterForm(request.GET, scale=scale)
    claims = form.filter(
        claim_cards(visibility.public_claims()).order_by("-published_review__published_at", "-pk")
    )
    return render(
        request,
        "claims/claim_list.html",
        {"form": form, "page": paginate(request, claims), "scale": scale},
    )


@require_safe
@cached_page
def claim_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    claim = get_object_or_404(
        visibility.public_claims()
        .with_public_details()
        .select_related("published_review__author", "published_review__approved_by"),
        pk=pk,
    )
    if slug != (claim.slug or "claim"):
        return redirect(claim, permanent=True)
    scale = list(RatingLevel.objects.all())
    review = claim.published_review
    appearances = sorted(claim.appearances.all(), key=lambda a: (a.date is None, a.date, a.pk))
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "review": review,
            "appearances": appearances,
            "evidence": list(review.evidence.all()),
            "corrections": sorted(claim.corrections.all(), key=lambda c: c.created_at),
            "steps": scale_steps(scale, review.rating),
            "claimreview": claim_review(claim, bounds=scale_bounds(scale)),
            "canonical_url": settings.SITE_URL + claim.get_absolute_url(),
            "recheck_due_since": None if claim.under_review else claim.recheck_due_since(),
        },
    )


@require_safe
@cached_page(reads=("page",))
def corrections(request: HttpRequest) -> HttpResponse:
    items = visibility.public_corrections().select_related(
        "claim", "review__rating", "previous_review__rating"
    )
    return render(request, "claims/corrections.html", {"page": paginate(request, items)})


@require_safe
@cached_page
def methodology(request: HttpRequest) -> HttpResponse:
    scale = list(RatingLevel.objects.all())
    return render(
        request,
        "claims/methodology.html",
        {
            "on_scale": [r for r in scale if r.on_scale],
            "off_scale": [r for r in scale if not r.on_scale],
            "best": scale_bounds(scale)[1],
        },
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /i18n/",
        "Disallow: /claims/?*q=",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # the point of a health check is to report any failure
        logger.exception("Health check: the database does not answer")
        body = {"status": "error"}
        if _is_staff(request):  # the error names hosts and users: staff only
            body["database"] = str(exc)
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok"})


def _is_staff(request: HttpRequest) -> bool:
    try:
        return request.user.is_staff
    except Exception:  # sessions live in the database that just failed: nobody is known
        return False


def speaker_claims(speaker: Speaker) -> QuerySet:
    """The speaker's published claims (each once, however often they said it)."""
    return visibility.public_claims().filter(
        pk__in=Appearance.objects.filter(speaker=speaker).values("claim_id")
    )


@require_safe
@cached_page(reads=("page",))
def speaker_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, speakers_with_counts().order_by("name"))
    strips = record_strips(list(page), list(RatingLevel.objects.all()))
    for speaker in page:
        speaker.strip = strips.get(speaker.pk, [])
    return render(request, "speakers/speaker_list.html", {"page": page, "strip_width": STRIP_WIDTH})


@require_safe
@cached_page(reads=("page",))
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(visibility.public_speakers(), slug=slug)
    claims = speaker_claims(speaker)
    scale = list(RatingLevel.objects.all())
    record, total = speaker_record(claims, scale)
    page = paginate(
        request,
        claim_cards(claims).order_by("-published_review__published_at", "-pk"),
    )
    return render(
        request,
        "speakers/speaker_detail.html",
        {
            "speaker": speaker,
            "record": record,
            "total": total,
            "page": page,
            "chart_height": len(record) * ROW_HEIGHT,
            "bar_width": CHART_BAR_WIDTH,
        },
    )
