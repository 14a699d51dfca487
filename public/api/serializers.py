"""Claims over REST: serializers, and the payload webhooks send (the same shape as the API)."""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from claims.models import (
    Appearance,
    Claim,
    ClaimTransition,
    Correction,
    Evidence,
    RatingLevel,
    Review,
    Speaker,
    Topic,
)
from claims.visibility import public_claims, reviews_for, visible_claims
from claims.workflow import RULES, Status, in_newsroom
from exchange.serializers import OtherFactCheckSerializer, confirmed_external_reviews
from public.api.sources import LinkHealthSerializer, SourceSerializer
from public.details import with_public_details
from tracker.api import (
    ModelSerializer,
)


class RatingSerializer(ModelSerializer):
    label = serializers.CharField(  # type: ignore[assignment]  # a declared field
        read_only=True, help_text="In the language asked for."
    )
    description = serializers.CharField(read_only=True)
    on_scale = serializers.BooleanField(read_only=True)

    class Meta:
        model = RatingLevel
        fields = [
            "slug",
            "value",
            "label",
            "label_en",
            "label_vi",
            "description",
            "on_scale",
            "color",
            "position",
        ]
        read_only_fields = fields


class SpeakerSerializer(ModelSerializer):
    slug = serializers.SlugField(
        max_length=200, required=False, help_text="Made from the name when left out."
    )
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Speaker
        fields = ["slug", "name", "kind", "role", "description", "same_as", "page_url"]

    def get_page_url(self, speaker: Speaker) -> str:
        return f"{settings.SITE_URL}/speakers/{speaker.slug}/"

    def validate_slug(self, value: str) -> str:
        taken = Speaker.objects.filter(slug=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(_("Another speaker has this slug."))
        return value


class SpeakerBriefSerializer(ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["slug", "name", "kind", "role", "same_as"]
        read_only_fields = fields


class PublicAppearanceSerializer(ModelSerializer):
    speaker = SpeakerBriefSerializer(read_only=True)
    source = SourceSerializer(read_only=True)  # type: ignore[assignment]  # a declared field

    class Meta:
        model = Appearance
        fields = [
            "id",
            "speaker",
            "source",
            "said_on",
            "quote",
            "quote_language",
            "quote_translation",
            "context",
            "confirmed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "confirmed_at": {
                "help_text": "For a repeat recorded after the verdict: when an Editor confirmed "
                "it (null for the appearances the verdict was published with)."
            }
        }


class PublicEvidenceSerializer(ModelSerializer):
    source = SourceSerializer(read_only=True)  # type: ignore[assignment]  # a declared field

    class Meta:
        model = Evidence
        fields = ["stance", "source", "quotation", "note"]
        read_only_fields = fields


class VerdictSerializer(ModelSerializer):
    rating = RatingSerializer(read_only=True)
    evidence = PublicEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "rating",
            "summary",
            "reasoning",
            "published_at",
            "recheck_after",
            "evidence",
        ]
        read_only_fields = fields


class RatingBriefSerializer(ModelSerializer):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a declared field

    class Meta:
        model = RatingLevel
        fields = ["slug", "value", "label"]
        read_only_fields = fields


class CorrectionSerializer(ModelSerializer):
    rating = RatingBriefSerializer(source="review.rating", read_only=True)
    previous_rating = RatingBriefSerializer(source="previous_review.rating", read_only=True)
    rating_changed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Correction
        fields = ["note", "created_at", "rating_changed", "previous_rating", "rating"]
        read_only_fields = fields


class ClaimSerializer(ModelSerializer):
    """A claim with everything the public page shows; tools write the plain fields."""

    page_url = serializers.SerializerMethodField(help_text="The public claim page.")
    topics = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Topic.objects.all(), required=False
    )
    status = serializers.CharField(read_only=True)
    under_review = serializers.BooleanField(
        read_only=True, help_text="Published before and being re-reviewed: the verdict stands."
    )
    verdict = VerdictSerializer(
        source="published_review",
        read_only=True,
        allow_null=True,
        help_text="The verdict readers see; null until the first publication.",
    )
    appearances = PublicAppearanceSerializer(many=True, read_only=True)
    corrections = CorrectionSerializer(many=True, read_only=True)
    recheck_due_since = serializers.SerializerMethodField(
        help_text="Since when the verdict is due for a re-check (its re-check date passed, or "
        "its evidence died); null when it is not."
    )
    other_fact_checkers = serializers.SerializerMethodField(
        help_text="Other organisations' fact-checks of this claim, confirmed by an editor."
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "page_url",
            "text",
            "language",
            "translation",
            "translation_language",
            "topics",
            "status",
            "under_review",
            "verdict",
            "appearances",
            "corrections",
            "recheck_due_since",
            "other_fact_checkers",
            "first_published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["first_published_at", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, claim: Claim) -> str:
        return settings.SITE_URL + claim.get_absolute_url()

    @extend_schema_field(OtherFactCheckSerializer(many=True))
    def get_other_fact_checkers(self, claim: Claim) -> list:
        return OtherFactCheckSerializer(confirmed_external_reviews(claim), many=True).data  # type: ignore[return-value]  # many=True: a list

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_recheck_due_since(self, claim: Claim) -> datetime.date | None:
        return claim.recheck_due_since()


def claim_payload(claim: Claim) -> dict:
    """The public representation of one claim, for webhook bodies: same shape as the API, as
    readers see it (a reopened claim as its public verdict was published with)."""
    claim = with_public_details(public_claims()).get(pk=claim.pk)
    return ClaimSerializer(claim).data


def appearance_payload(appearance: Appearance) -> dict:
    """One public appearance as the claim's `appearances` list shows it (webhook bodies)."""
    return PublicAppearanceSerializer(appearance).data


TRANSITION_CHOICES = [(name, rule.label) for name, rule in RULES.items()]


class TransitionRequestSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=TRANSITION_CHOICES)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to send back, reject, "
        "reopen, and to publish a different verdict (the correction note).",
    )
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="The status you saw; 409 if someone moved the claim meanwhile.",
    )
    recheck_after = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Publish only: the date past which the verdict is due for a re-check.",
    )


class ClaimTransitionSerializer(ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True)

    class Meta:
        model = ClaimTransition
        fields = ["id", "claim", "name", "from_status", "to_status", "by", "note", "at"]
        read_only_fields = fields


class AppearanceSerializer(ModelSerializer):
    speaker = serializers.SlugRelatedField(slug_field="slug", queryset=Speaker.objects.all())
    state = serializers.CharField(
        read_only=True,
        help_text="`public`; `awaiting_publication` (added while the claim is re-reviewed: "
        "public with the next verdict); `awaiting_confirmation` (a repeat of a published "
        "claim, public once an Editor other than its recorder confirms it); `rejected`.",
    )
    recorded_by = serializers.SerializerMethodField()
    confirmed_by = serializers.SerializerMethodField()

    class Meta:
        model = Appearance
        fields = [
            "id",
            "claim",
            "speaker",
            "source",
            "said_on",
            "quote",
            "quote_language",
            "quote_translation",
            "context",
            "state",
            "recorded_by",
            "recorded_at",
            "confirmed_by",
            "confirmed_at",
            "rejection_reason",
        ]
        read_only_fields = ["recorded_at", "confirmed_at", "rejection_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["claim"].queryset = visible_claims(request.user)  # type: ignore[attr-defined]

    def _username(self, user) -> str | None:
        request = self.context.get("request")
        if user is None or request is None or not in_newsroom(request.user):
            return None
        return user.username

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_recorded_by(self, appearance: Appearance) -> str | None:
        """Username, for newsroom accounts; null for anyone else."""
        return self._username(appearance.recorded_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_confirmed_by(self, appearance: Appearance) -> str | None:
        """The Editor who confirmed a repeat: username for newsroom accounts, else null."""
        return self._username(appearance.confirmed_by)


class RepeatRejectionSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the repeat is rejected (kept with it).")


class ReviewSerializer(ModelSerializer):
    rating = serializers.SlugRelatedField(
        slug_field="slug", queryset=RatingLevel.objects.all(), allow_null=True, required=False
    )
    author = serializers.CharField(
        source="author.username",
        read_only=True,
        allow_null=True,
        help_text="Username for newsroom accounts; for anyone else the name the claim page "
        "shows (the full name, or null).",
    )
    approved_by = serializers.CharField(
        source="approved_by.username",
        read_only=True,
        allow_null=True,
        help_text="The approving editor, shown like `author`.",
    )
    evidence: "serializers.PrimaryKeyRelatedField[Evidence]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "claim",
            "state",
            "rating",
            "summary",
            "reasoning",
            "author",
            "approved_by",
            "published_at",
            "recheck_after",
            "evidence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "published_at", "recheck_after", "created_at", "updated_at"]
        # One draft per claim is the service's job (it answers with the existing draft).
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["claim"].queryset = visible_claims(request.user)  # type: ignore[attr-defined]
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            self.fields["claim"].read_only = True
        self.shows_usernames = request is not None and in_newsroom(request.user)

    def to_representation(self, review: Review) -> dict:
        data = super().to_representation(review)
        if not self.shows_usernames:  # outside the newsroom: only what the claim page shows
            for field in ("author", "approved_by"):
                person = getattr(review, field)
                data[field] = (person.get_full_name() or None) if person else None
        return data


class EvidenceSerializer(ModelSerializer):
    link = LinkHealthSerializer(source="source.link", read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = ["id", "review", "source", "stance", "quotation", "note", "position", "link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["review"].queryset = reviews_for(request.user)  # type: ignore[attr-defined]
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            self.fields["review"].read_only = True
