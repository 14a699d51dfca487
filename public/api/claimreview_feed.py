"""The ClaimReview DataFeed of every published verdict, streamed in chunks of claims so that
memory stays flat at any size; its ETag comes from one aggregate query."""

import datetime
import json
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Max
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from claims.models import Claim, RatingLevel
from claims.visibility import public_claims
from public.details import with_public_details
from public.jsonld import claim_review, rating_bounds
from tracker.api import conditional, quote_etag, set_validators

CHUNK = 200


def feed_etag(language: str) -> tuple[str, datetime.datetime | None]:
    """(ETag, Last-Modified) of the feed: published claims' count and latest change, the rating
    scale, the publisher, the language."""
    state = (
        Claim.objects.published().order_by().aggregate(last=Max("updated_at"), count=Count("pk"))
    )
    scale = list(RatingLevel.objects.values_list("pk", "value", "label_en", "label_vi"))
    etag = quote_etag(
        "claimreview-feed",
        language,
        state["count"],
        state["last"],
        scale,
        settings.SITE_URL,
        settings.PUBLISHER_NAME,
        settings.PUBLISHER_URL,
    )
    return etag, state["last"]


def feed_chunks(language: str, modified) -> Iterator[str]:
    """The DataFeed as JSON text, one chunk of claims at a time (keyset over the primary key)."""
    with translation.override(language):
        header = {
            "@context": "https://schema.org",
            "@type": "DataFeed",
            "name": f"{settings.PUBLISHER_NAME} ClaimReview feed",
            "url": settings.SITE_URL + "/api/v1/claimreview/feed/",
            "dateModified": (modified or timezone.now()).isoformat(),
        }
        yield json.dumps(header, ensure_ascii=False)[:-1] + ', "dataFeedElement": ['
        bounds = rating_bounds()
        last_id, first = 0, True
        while True:
            ids = list(
                Claim.objects.published()
                .filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:CHUNK]
            )
            if not ids:
                break
            claims = with_public_details(public_claims()).in_bulk(ids)
            parts = []
            for pk in ids:
                review = claim_review(claims[pk], bounds=bounds)
                review.pop("@context")
                verdict = claims[pk].published_review
                assert verdict is not None and verdict.published_at is not None  # published
                element = {
                    "@type": "DataFeedItem",
                    "dateCreated": verdict.published_at.isoformat(),
                    "item": [review],
                }
                parts.append(json.dumps(element, ensure_ascii=False))
            yield ("" if first else ",") + ",".join(parts)
            first, last_id = False, ids[-1]
        yield "]}"


@extend_schema(
    summary="ClaimReview DataFeed (for fact-check aggregators)",
    description="Every published verdict as one schema.org DataFeed of DataFeedItems, each "
    "carrying a ClaimReview (with `expires` when the verdict has a re-check date). Streamed; "
    "answer 304 to If-None-Match with the ETag you hold.",
    responses={
        (200, "application/ld+json"): inline_serializer(
            "ClaimReviewDataFeed",
            {
                "@context": serializers.CharField(),
                "@type": serializers.CharField(),
                "name": serializers.CharField(),
                "url": serializers.URLField(),
                "dateModified": serializers.DateTimeField(),
                "dataFeedElement": serializers.ListField(child=serializers.DictField()),
            },
        )
    },
)
@api_view(["GET"])
@permission_classes([AllowAny])
def claimreview_feed(request):
    language = translation.get_language()
    etag, modified = feed_etag(language)
    not_modified = conditional(request, etag=etag, last_modified=modified)
    if not_modified is not None:
        return not_modified
    response = StreamingHttpResponse(
        feed_chunks(language, modified), content_type="application/ld+json; charset=utf-8"
    )
    return set_validators(response, etag=etag, last_modified=modified)
