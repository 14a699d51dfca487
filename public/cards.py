"""Share cards: the PNG a claim page names as its og:image and twitter:image.

A card is drawn (public/card_image.py) from the claim as its verdict was published, in the
language its URL names, and kept in the cache under a key made of what it shows: the claim's
`updated_at`, which claims.dependents moves whenever anything the claim's public face shows
changes (its verdict, a correction, a speaker's name, a rating's label or colour), the language,
the desk's name and the drawing's version. An edit therefore makes a new key, and the next
request draws the new card; the old one is never served again and ages out of the cache. The
same key is the card's ETag. Only public claims have a card: any other is a 404.

The response itself goes through the page cache (claims.pagecache) like a public page: a card
asked again is served from the cache without a query, and answers a matching If-None-Match
with 304 either way.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from claims import visibility
from claims.models import Claim
from claims.pagecache import cached_page
from claims.records import said_in_order
from public import card_image

CARD_VERSION = "1"  # bump when card_image draws differently: every cached card is retired
CARD_CACHE_SECONDS = 30 * 24 * 3600


def card_url(claim: Claim, language: str) -> str:
    """The absolute URL of the claim's card in `language` (og:image wants an absolute URL)."""
    return settings.SITE_URL + reverse("claim-card", kwargs={"pk": claim.pk, "language": language})


def card_of(claim: Claim) -> card_image.Card:
    """What the card of a public claim (read as published) shows, in the active language."""
    review = claim.published_review
    assert review is not None and review.rating is not None, "a public claim has its verdict"
    on_record = claim.appearances.filter(visibility.appearance_on_record()).select_related(
        "speaker"
    )
    first = next(iter(said_in_order(on_record)), None)
    return card_image.Card(
        claim=claim.display_text,
        speaker=_("Said by %(speaker)s") % {"speaker": first.speaker.name} if first else "",
        rating=review.rating.label,
        color=review.rating.color,
        desk=settings.PUBLISHER_NAME,
        verdict_label=_("Our verdict"),
        site=urlsplit(settings.SITE_URL).netloc,
    )


def card_key(claim: Claim, language: str) -> str:
    parts = [CARD_VERSION, str(claim.pk), claim.updated_at.isoformat(), language]
    parts += [settings.PUBLISHER_NAME, settings.SITE_URL]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def card_png(claim: Claim, language: str) -> tuple[str, bytes]:
    """The card's key and PNG, from the cache or drawn now."""
    key = card_key(claim, language)
    png = cache.get(f"share-card:{key}")
    if png is None:
        with translation.override(language):
            png = card_image.png(card_of(claim))
        cache.set(f"share-card:{key}", png, CARD_CACHE_SECONDS)
    return key, png


def answers_if_none_match(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """304 when the response's ETag is one the request already holds (cached or not)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        etag = response.headers.get("ETag")
        if response.status_code != 200 or not etag:
            return response
        answer = get_conditional_response(request, etag=etag, response=response)
        if answer is None or answer is response:
            return response
        for header in ("Cache-Control", "Surrogate-Key", "Cache-Tag"):
            if header in response.headers:
                answer.headers[header] = response.headers[header]
        return answer

    return wrapped


@require_safe
@answers_if_none_match
@cached_page
def claim_card(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    if language not in dict(settings.LANGUAGES):
        raise Http404("No card in that language")
    claim = get_object_or_404(
        visibility.public_claims().select_related("published_review__rating"), pk=pk
    )
    key, png = card_png(claim, language)
    response = HttpResponse(png, content_type="image/png")
    response.headers["ETag"] = quote_etag(key)
    # Cache-Control: the edge rule of every public page (claims.pagecache.for_the_edge).
    return response
