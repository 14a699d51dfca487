"""External reviews over REST, and the short form claims carry once a link is confirmed."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from rest_framework import serializers

from exchange.models import ExternalReview, ReviewLink
from tracker.api import ModelSerializer

if TYPE_CHECKING:
    from claims.models import RatingLevel


def confirmed_external_reviews(claim) -> list[ExternalReview]:
    """The external reviews readers see beside `claim`, from the prefetch of
    public.details.with_public_details() when it ran."""
    links = getattr(claim, "confirmed_external_links", None)
    if links is None:
        links = ReviewLink.objects.confirmed().filter(claim=claim)
    return [link.external_review for link in links]


class OtherFactCheckSerializer(ModelSerializer):
    """An external review as readers see it beside our claim (confirmed links only)."""

    rating = serializers.CharField(source="rating_as_published", read_only=True)
    our_rating: serializers.SlugRelatedField["RatingLevel"] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    rating_mapped = serializers.BooleanField(
        source="rating_is_mapped",
        read_only=True,
        help_text="False: no rating of ours was found for the publisher's words (the rating "
        "crosswalk); `rating` is then their words as published, never a guess of ours.",
    )

    class Meta:
        model = ExternalReview
        fields = [
            "publisher",
            "publisher_url",
            "url",
            "published_on",
            "language",
            "rating",
            "rating_value",
            "best_rating",
            "worst_rating",
            "rating_name",
            "our_rating",
            "rating_mapped",
        ]
        read_only_fields = fields


class ReviewLinkSerializer(ModelSerializer):
    class Meta:
        model = ReviewLink
        fields = ["claim", "state", "basis", "score", "decided_at"]
        read_only_fields = fields


class ExternalReviewSerializer(ModelSerializer):
    our_rating: "serializers.SlugRelatedField[RatingLevel]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    links = ReviewLinkSerializer(many=True, read_only=True)

    class Meta:
        model = ExternalReview
        fields = [
            "id",
            "url",
            "publisher",
            "publisher_url",
            "language",
            "published_on",
            "claim_reviewed",
            "claimant",
            "appearance_urls",
            "rating_value",
            "best_rating",
            "worst_rating",
            "rating_name",
            "rating_position",
            "our_rating",
            "links",
            "imported_at",
            "updated_at",
        ]
        read_only_fields = fields


class ImportRequestSerializer(serializers.Serializer):
    url = serializers.URLField(required=False, help_text="A feed or page to fetch.")
    file = serializers.FileField(required=False, help_text="A JSON or HTML file (multipart).")
    data = serializers.JSONField(  # type: ignore[assignment]  # a declared field
        required=False, help_text="ClaimReview JSON: one object, a list, or a DataFeed."
    )

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ("url", "file", "data") if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(_("Give exactly one of `url`, `file` or `data`."))
        return attrs


class SkippedSerializer(serializers.Serializer):
    position = serializers.CharField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    """It adds up: read = created + updated + unchanged + repeated + skipped_count."""

    read = serializers.IntegerField(help_text="Items read in the document.")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    repeated = serializers.IntegerField(
        help_text="Items whose review URL came earlier in the same document (read once)."
    )
    needs_confirmation_again = serializers.IntegerField(
        help_text="Confirmed links put back to needs-confirmation by a changed review."
    )
    skipped_count = serializers.IntegerField()
    skipped = SkippedSerializer(many=True, help_text="Each skip with its reason (first 1,000).")
