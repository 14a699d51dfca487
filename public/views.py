"""The public site's pages: home, the searchable list, claims, speakers, corrections, methodology.

Every row shown here comes from claims.visibility; each view runs a fixed number of queries
whatever the amount of data (tests/public/test_site_queries.py holds them to it).
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from claims import readmodel, search, visibility
from claims.models import (
    Appearance,
    Correction,
    PublishedFacet,
    RatingLevel,
    Speaker,
    SpeakerRecord,
    Topic,
)
from claims.pagecache import cached_page
from claims.records import (
    CHART_BAR_WIDTH,
    ROW_HEIGHT,
    STRIP_WIDTH,
    record_strips,
    said_after_check,
    said_between,
    said_in_order,
    speaker_record,
    speaker_said_counts,
)
from public.details import with_public_details
from public.jsonld import claim_review
from sources.models import LANGUAGE_CHOICES
from tracker.paging import (
    CappedPaginator,
    Cursor,
    KeysetPage,
    estimated_count,
    keyset_page,
    next_cursor_of,
)
from tracker.text import make_slug

HOME_LATEST = 10


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
    """The public speakers (visibility.public_speakers), each with `claim_count` published
    claims, read from the records claims.stats keeps (never counted from the claims per request).

    The count is a subquery per listed speaker, not a join grouped over every speaker: in name
    order the page is a walk of the name index that stops after one page of speakers."""
    records = SpeakerRecord.objects.filter(speaker=OuterRef("pk"))
    total = records.order_by().values("speaker").annotate(n=Sum("claims")).values("n")
    return visibility.public_speakers().annotate(claim_count=Subquery(total)).order_by("name")


def paginate(request: HttpRequest, items, parameter: str = "page", counted=None) -> Page:
    """A page of `items`, counting at most tracker.paging.CAP of them (or of `counted`, one row
    per item, when that is faster to count)."""
    paginator = CappedPaginator(items, settings.PUBLIC_PAGE_SIZE, counted=counted)
    return paginator.get_page(request.GET.get(parameter))


def in_verdict_order(claims: QuerySet) -> QuerySet:
    """Public claims newest verdict first, through the read model (claims.readmodel)."""
    return readmodel.listed(claims)


@dataclass
class ScaleStep:
    """One rating level as drawn on the verdict meter."""

    rating: RatingLevel
    x: int
    current: bool


def scale_steps(scale: list[RatingLevel], current: RatingLevel | None) -> list[ScaleStep]:
    """The on-scale ratings, worst first, placed for the verdict meter (width 20 each)."""
    on_scale = sorted((r for r in scale if r.on_scale), key=lambda r: r.value or 0)
    return [
        ScaleStep(rating=r, x=i * 22, current=current is not None and r.pk == current.pk)
        for i, r in enumerate(on_scale)
    ]


def scale_bounds(scale: list[RatingLevel]) -> tuple[int, int]:
    values = [r.value for r in scale if r.value is not None]  # the on-scale ones
    return (min(values), max(values)) if values else (1, 5)


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    published = visibility.public_claims()
    return render(
        request,
        "claims/home.html",
        {
            "claims": in_verdict_order(claim_cards(published))[:HOME_LATEST],
            "claim_count": estimated_count(published),
            "scale": RatingLevel.objects.all(),
        },
    )


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    rating = forms.ChoiceField(label=_("Rating"), required=False)
    # Thousands of speakers: a text field the page's script suggests names for, not a <select>.
    # A reader may type the name instead of picking the suggested slug: clean_speaker slugs it.
    speaker = forms.CharField(
        label=_("Speaker"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"list": "speaker-suggestions", "data-suggest": "/api/v1/speakers/?q="}
        ),
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, scale: list[RatingLevel], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["rating"].choices = everything + [(r.slug, r.label) for r in scale]  # type: ignore[attr-defined]
        # Each topic stops at its first published claim in the read model's facet index.
        topics = Topic.objects.filter(
            Exists(
                PublishedFacet.objects.filter(kind=PublishedFacet.Kind.TOPIC, value=OuterRef("pk"))
            )
        )
        self.topic_ids = {t.slug: t.pk for t in topics}
        self.rating_ids = {r.slug: r.pk for r in scale}
        self.fields["topic"].choices = everything + [(t.slug, t.label) for t in topics]  # type: ignore[attr-defined]
        self.fields["language"].choices = everything + list(LANGUAGE_CHOICES)  # type: ignore[attr-defined]

    def clean_speaker(self) -> str:
        """The speaker's slug, from the slug or the name as typed ("Kai-Fu Lee", "Nhịp sống
        Thị trường"): speakers' slugs are made from their names the same way."""
        return make_slug(self.cleaned_data["speaker"], max_length=200, fallback="")

    def filter(self, claims: QuerySet) -> QuerySet:
        """Apply the valid filters but the search (`matches()`); an invalid one is ignored
        (and shown as an error)."""
        self.is_valid()
        data = self.cleaned_data
        # The filters combined are one condition on the read model's tags (claims.readmodel),
        # and a search's words another on the same GIN index: PostgreSQL intersects them all
        # in one scan of that index, whatever the combination.
        tokens = []
        if data.get("rating"):
            tokens.append(readmodel.tag("r", self.rating_ids.get(data["rating"])))
        if data.get("speaker"):
            speaker = Speaker.objects.filter(slug=data["speaker"]).values_list("pk", flat=True)
            tokens.append(readmodel.tag(PublishedFacet.Kind.SPEAKER, speaker.first()))
        if data.get("topic"):
            topic = self.topic_ids.get(data["topic"])
            tokens.append(readmodel.tag(PublishedFacet.Kind.TOPIC, topic))
        if data.get("language"):
            tokens.append(readmodel.tag("l", data["language"]))
        if tokens:
            claims = claims.filter(readmodel.tagged(tokens))
        return claims

    def matches(self, claims: QuerySet) -> list[int]:
        """The ids of the filtered `claims` the search finds, best first (claims.search)."""
        return search.public_matches(claims, self.cleaned_data["q"])

    @property
    def active(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)

    @property
    def searching(self) -> bool:
        return bool(self.cleaned_data.get("q"))


CLAIM_LIST_PARAMETERS = (*ClaimFilterForm.base_fields, "page", "after")


@require_safe
@cached_page(reads=CLAIM_LIST_PARAMETERS)
def claim_list(request: HttpRequest) -> HttpResponse:
    """Numbered pages up to paging.CAP rows, then "Older" by keyset cursor (`after`).

    A search is ordered by relevance, which has no cursor: it keeps to the numbered pages.
    """
    scale = list(RatingLevel.objects.all())
    form = ClaimFilterForm(request.GET, scale=scale)
    cards = in_verdict_order(claim_cards(visibility.public_claims()))
    claims = form.filter(cards)
    cursor = None if form.searching else Cursor.decode(request.GET.get("after"))
    page: KeysetPage | Page
    context: dict[str, Any]
    if form.searching:
        # The search's ids, best first, are paged; the page reads its own 20 claims by key
        # (not filtered again: the ids were found with the filters) and the count is theirs.
        page = paginate(request, form.matches(claims))
        page.object_list = search.in_order(cards, list(page.object_list))
        context = {"page": page, "next_after": None}
    elif cursor is not None:
        page = keyset_page(claims, cursor, settings.PUBLIC_PAGE_SIZE)
        context = {"page": page, "keyset": True, "next_after": page.next_cursor}
    else:
        page = paginate(request, claims)
        capped = page.paginator.capped  # type: ignore[attr-defined]  # a CappedPaginator
        capped_end = capped and not page.has_next()
        context = {"page": page, "next_after": next_cursor_of(page) if capped_end else None}
    return render(request, "claims/claim_list.html", {"form": form, "scale": scale, **context})


@require_safe
@cached_page
def claim_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    claim = get_object_or_404(
        with_public_details(visibility.public_claims()).select_related(
            "published_review__author", "published_review__approved_by"
        ),
        pk=pk,
    )
    if slug != (claim.slug or "claim"):
        return redirect(claim, permanent=True)
    scale = list(RatingLevel.objects.all())
    review = claim.published_review
    assert review is not None, "public_claims() are published"
    appearances = said_in_order(claim.appearances.all())
    for appearance in appearances:
        appearance.after_check = said_after_check(  # type: ignore[attr-defined]  # for the template
            appearance, claim.first_published_at
        )
    first_said, last_said = said_between(appearances)
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "review": review,
            "appearances": appearances,
            "first_said": first_said,
            "last_said": last_said,
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
        "claim__published_review", "review__rating", "previous_review__rating"
    )
    page = paginate(request, items)
    for correction in page:
        correction.claim.show_as_published()
    return render(request, "claims/corrections.html", {"page": page})


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


def speaker_claims(speaker: Speaker) -> QuerySet:
    """The speaker's published claims (each once, however often they said it)."""
    return visibility.public_claims().filter(
        readmodel.showing(PublishedFacet.Kind.SPEAKER, speaker.pk)
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
    speaker = get_object_or_404(Speaker, slug=slug)
    scale = list(RatingLevel.objects.all())
    record, total = speaker_record(speaker, scale)
    if not total:  # a speaker with no published claim is not public
        raise Http404("No published claims by this speaker")
    page = paginate(request, in_verdict_order(claim_cards(speaker_claims(speaker))))
    return render(
        request,
        "speakers/speaker_detail.html",
        {
            "speaker": speaker,
            "record": record,
            "total": total,
            "said": speaker_said_counts(speaker),
            "page": page,
            "chart_height": len(record) * ROW_HEIGHT,
            "bar_width": CHART_BAR_WIDTH,
        },
    )
