"""Verdicts on partner sites: the embeddable verdict card and the oEmbed provider that hands
out its iframe.

`/embed/claims/<id>/` is a small page of its own (no script, one same-origin stylesheet) that
partner sites frame; it is the only route tracker.headers.framable lets other origins frame.
`/oembed/?url=<one of our claim pages>` answers the oEmbed 1.0 JSON for it
(https://oembed.com/); a URL that is not one of our public claim pages is a 404.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from claims import visibility
from claims.models import Claim
from claims.pagecache import cached_page
from claims.records import said_in_order
from public.cards import card_url
from tracker.headers import framable

EMBED_WIDTH, EMBED_HEIGHT = 480, 300
MIN_WIDTH = 280
CLAIM_ROUTES = {"claim-detail", "claim-detail-short", "claim-embed"}


def embed_url(claim: Claim) -> str:
    return settings.SITE_URL + reverse("claim-embed", kwargs={"pk": claim.pk})


def oembed_url(claim: Claim) -> str:
    """The discovery link a claim page carries (<link rel="alternate" …json+oembed>)."""
    page = settings.SITE_URL + claim.get_absolute_url()
    return settings.SITE_URL + reverse("oembed") + "?" + urlencode({"url": page, "format": "json"})


def public_claim(pk: int) -> Claim:
    return get_object_or_404(
        visibility.public_claims().select_related("published_review__rating"), pk=pk
    )


@require_safe
@framable
@cached_page
def claim_embed(request: HttpRequest, pk: int) -> HttpResponse:
    claim = public_claim(pk)
    on_record = claim.appearances.filter(visibility.appearance_on_record()).select_related(
        "speaker"
    )
    return render(
        request,
        "claims/embed.html",
        {
            "claim": claim,
            "review": claim.published_review,
            "first": next(iter(said_in_order(on_record)), None),
            "page_url": settings.SITE_URL + claim.get_absolute_url(),
        },
    )


def claim_of_url(url: str) -> Claim:
    """The public claim whose page (or embed) `url` is on this site; else Http404."""
    ours = urlsplit(settings.SITE_URL)
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower():
            raise Http404("Not a page of this site")
        match = resolve(parts.path)
    except (ValueError, Resolver404) as exc:
        raise Http404("Not a page of this site") from exc
    if match.url_name not in CLAIM_ROUTES:
        raise Http404("Not a claim page")
    return public_claim(match.kwargs["pk"])


def _bounded(value: str | None, default: int, minimum: int) -> int:
    try:
        return max(minimum, min(default, int(value or default)))
    except ValueError:
        return default


@require_safe
@cached_page(reads=("url", "format", "maxwidth"))
def oembed(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format", "json") != "json":
        # oEmbed: a provider answers 501 for a format it does not serve.
        return JsonResponse({"error": _("Only the JSON format is served.")}, status=501)
    url = request.GET.get("url")
    if not url:
        return JsonResponse({"error": _("Give the URL of a claim page: ?url=…")}, status=400)
    claim = claim_of_url(url)
    review = claim.published_review
    assert review is not None and review.rating is not None, "a public claim has its verdict"
    width = _bounded(request.GET.get("maxwidth"), EMBED_WIDTH, MIN_WIDTH)
    height = EMBED_HEIGHT  # what the card needs; a narrower one wraps its lines
    title = f"{review.rating.label}: {claim.short_text}"
    html = format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        embed_url(claim),
        width,
        height,
        title,
    )
    response = JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": settings.PUBLISHER_NAME,
            "provider_url": settings.SITE_URL + "/",
            "html": html,
            "width": width,
            "height": height,
            "thumbnail_url": card_url(claim, request.LANGUAGE_CODE),
            "thumbnail_width": 1200,
            "thumbnail_height": 630,
            "cache_age": 3600,
        }
    )
    # Public data: a partner's page may ask for it from the browser too.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
