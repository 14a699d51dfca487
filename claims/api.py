"""Claims over REST: the public verification record, and the editorial workflow for tools.

What anonymous callers see is decided by `Claim.objects.published()`; newsroom accounts with
the view permission see every claim. Writes need the Django model permission of the caller's
group, and workflow moves go through `claims.services`, the same functions the admin calls.
"""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims import services, workflow
from claims.jsonld import claim_review, rating_bounds
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
from claims.search import search
from claims.workflow import RULES, Status
from sources.api import LinkHealthSerializer, SourceSerializer
from sources.linkcheck.normalize import normalize_url
from sources.models import LANGUAGE_CHOICES, Source
from tracker.api import (
    BodyETagMixin,
    ModelSerializer,
    conditional,
    quote_etag,
    sees_everything,
    set_validators,
    viewer_scope,
)
from tracker.api_limits import CursorPage

ReadAnonWriteByRole = permissions.DjangoModelPermissionsOrAnonReadOnly


def visible_claims(user) -> QuerySet[Claim]:
    return Claim.objects.all() if sees_everything(user, Claim) else Claim.objects.published()


def public_reviews() -> QuerySet[Review]:
    """Published and superseded verdicts of published claims: the public record."""
    return Review.objects.filter(
        claim__in=Claim.objects.published(),
        state__in=[Review.State.PUBLISHED, Review.State.SUPERSEDED],
    )


def stamp_user(instance, user):
    """Record `user` in the history row: the four-eyes rule reads who edited a review."""
    instance._history_user = user
    return instance


def _editable_review(review: Review) -> None:
    refusal = workflow.review_edit_refusal(review)
    if refusal is not None:
        raise refusal


# Read-side pieces of a claim, as the public sees it.


class RatingSerializer(ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="In the language asked for.")
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
    source = SourceSerializer(read_only=True)

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
        ]
        read_only_fields = fields


class PublicEvidenceSerializer(ModelSerializer):
    source = SourceSerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = ["stance", "source", "quotation", "note"]
        read_only_fields = fields


class VerdictSerializer(ModelSerializer):
    rating = RatingSerializer(read_only=True)
    evidence = PublicEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "rating", "summary", "reasoning", "published_at", "evidence"]
        read_only_fields = fields


class RatingBriefSerializer(ModelSerializer):
    label = serializers.CharField(read_only=True)

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
            "first_published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["first_published_at", "created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, claim: Claim) -> str:
        return settings.SITE_URL + claim.get_absolute_url()


def claim_payload(claim: Claim) -> dict:
    """The public representation of one claim, for webhook bodies: same shape as the API."""
    claim = Claim.objects.with_public_details().get(pk=claim.pk)
    return ClaimSerializer(claim).data


# Filters


def _normalised_or_none(url: str) -> str | None:
    try:
        return normalize_url(url)
    except ValueError:
        return None


class NormalisedURLField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalize_url(value)
        except ValueError:
            raise forms.ValidationError(_("Give an absolute URL such as https://…")) from None


class NormalisedURLFilter(filters.CharFilter):
    field_class = NormalisedURLField


class ClaimFilter(filters.FilterSet):
    rating = filters.CharFilter(
        field_name="published_review__rating__slug", help_text="Slug of the published verdict."
    )
    speaker = filters.CharFilter(method="filter_speaker", help_text="Speaker slug.")
    topic = filters.CharFilter(field_name="topics__slug", help_text="Topic slug.")
    language = filters.ChoiceFilter(choices=LANGUAGE_CHOICES)
    status = filters.ChoiceFilter(choices=Status.choices, help_text="Workflow status.")
    q = filters.CharFilter(
        method="filter_text",
        help_text="Words in the claim, its quotes, speakers, topics or verdict; accents optional.",
    )
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only claims changed at or after this ISO 8601 time (for incremental sync).",
    )
    appearance_url = NormalisedURLFilter(
        method="filter_appearance_url",
        help_text="Claims made in the document at this URL (normalised like cited links).",
    )

    class Meta:
        model = Claim
        fields = []

    def filter_speaker(self, queryset, name, value):
        said = Appearance.objects.filter(claim=OuterRef("pk"), speaker__slug=value)
        return queryset.filter(Exists(said))

    def filter_text(self, queryset, name, value):
        return search(queryset, value)  # the public site's search: accents optional

    def filter_appearance_url(self, queryset, name, value):
        # A source keeps its URL as entered and its Link row (once registered) the normalised
        # spelling; sources not linked yet are normalised here, among those on the same host.
        host = urlsplit(value).hostname or ""
        same_url = [
            pk
            for pk, url in Source.objects.filter(url__icontains=host).values_list("pk", "url")
            if _normalised_or_none(url) == value
        ]
        made_at = Appearance.objects.filter(claim=OuterRef("pk")).filter(
            Q(source__link__url=value) | Q(source_id__in=same_url)
        )
        return queryset.filter(Exists(made_at))


CLAIM_ORDERINGS = {
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
}
ORDERING_PARAMETER = OpenApiParameter(
    "ordering",
    str,
    enum=list(CLAIM_ORDERINGS),
    description="`updated_at` (oldest change first, for sync) or `-updated_at` (default).",
)


class ConditionalListMixin:
    """ETag and Last-Modified for a list from one aggregate query, before anything is built."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        state = queryset.order_by().aggregate(last=Max("updated_at"), count=Count("pk"))
        etag = quote_etag(
            self.basename, viewer_scope(request), request.get_full_path(), *state.values()
        )
        not_modified = conditional(request, etag=etag, last_modified=state["last"])
        if not_modified is not None:
            return not_modified
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.render_page(page))
        return set_validators(response, etag=etag, last_modified=state["last"])


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


class ClaimTransitionSerializer(ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True)

    class Meta:
        model = ClaimTransition
        fields = ["id", "claim", "name", "from_status", "to_status", "by", "note", "at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Claims, newest change first",
        parameters=[ORDERING_PARAMETER],
        description="Published claims for the public; every claim for newsroom accounts. "
        "Sync incrementally with `updated_since` and `ordering=updated_at`.",
    ),
    retrieve=extend_schema(summary="One claim"),
    create=extend_schema(summary="File a claim (Reporter, Fact-checker, Editor)"),
    update=extend_schema(summary="Edit a claim"),
    partial_update=extend_schema(summary="Edit some fields of a claim"),
)
class ClaimViewSet(
    ConditionalListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ClaimSerializer
    queryset = Claim.objects.none()
    permission_classes = [ReadAnonWriteByRole]
    filterset_class = ClaimFilter
    pagination_class = CursorPage
    ordering_choices = CLAIM_ORDERINGS
    default_ordering = CLAIM_ORDERINGS["-updated_at"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return visible_claims(self.request.user)

    def render_page(self, page) -> list:
        ids = [claim.pk for claim in page]
        by_id = Claim.objects.with_public_details().in_bulk(ids)
        return self.get_serializer([by_id[pk] for pk in ids], many=True).data

    def retrieve(self, request, *args, **kwargs):
        row = self.get_queryset().filter(pk=kwargs["pk"]).values("pk", "updated_at").first()
        if row is None:
            return self.get_object()  # raises the 404 in the API's error shape
        etag = quote_etag("claim", viewer_scope(request), row["pk"], row["updated_at"])
        not_modified = conditional(request, etag=etag, last_modified=row["updated_at"])
        if not_modified is not None:
            return not_modified
        claim = Claim.objects.with_public_details().get(pk=row["pk"])
        response = Response(self.get_serializer(claim).data)
        return set_validators(response, etag=etag, last_modified=row["updated_at"])

    def _respond_with(self, claim: Claim, status: int) -> Response:
        claim = Claim.objects.with_public_details().get(pk=claim.pk)
        return Response(self.get_serializer(claim).data, status=status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            claim = serializer.save(created_by=request.user)
        return self._respond_with(claim, 201)

    def update(self, request, *args, **kwargs):
        claim = self.get_object()
        serializer = self.get_serializer(claim, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            claim = serializer.save()
        return self._respond_with(claim, 200)

    @extend_schema(
        summary="Move a claim along the workflow",
        description="Calls the same workflow function as the admin. 409 when the transition is "
        "not allowed from the current status (or someone moved it first), 403 when the role "
        "or the four-eyes rule forbids it.",
        request=TransitionRequestSerializer,
        responses={200: ClaimTransitionSerializer},
        parameters=[OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, exclude=True)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="transitions",
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
    )
    def transitions(self, request, pk=None):
        claim = self.get_object()
        data = TransitionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.claim_transition(
            claim_id=claim.pk,
            name=data.validated_data["transition"],
            by=request.user,
            note=data.validated_data["note"],
            expected_status=data.validated_data.get("expected_status"),
        )
        done = ClaimTransition.objects.filter(claim=claim).select_related("by").latest("id")
        return Response(ClaimTransitionSerializer(done).data)

    @extend_schema(
        summary="The claim's transition log",
        responses={200: ClaimTransitionSerializer(many=True)},
        parameters=[OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, exclude=True)],
    )
    @transitions.mapping.get
    def transition_log(self, request, pk=None):
        claim = self.get_object()
        if not request.user.has_perm("claims.view_claimtransition"):
            self.permission_denied(request, message=_("Your role does not show the log."))
        log = claim.transitions.select_related("by").order_by("at", "id")
        return Response(ClaimTransitionSerializer(log, many=True).data)

    def get_permissions(self):
        if self.action == "transition_log":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()


class ClaimReviewFilter(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Only claims changed since."
    )
    language = filters.ChoiceFilter(choices=LANGUAGE_CHOICES)

    class Meta:
        model = Claim
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="ClaimReview feed",
        description="The schema.org ClaimReview of every published verdict, the same objects "
        "the public claim pages embed.",
        parameters=[ORDERING_PARAMETER],
        responses={
            200: inline_serializer(
                "ClaimReview",
                {
                    "@context": serializers.CharField(),
                    "@type": serializers.CharField(),
                    "url": serializers.URLField(),
                    "claimReviewed": serializers.CharField(),
                    "datePublished": serializers.DateField(),
                    "author": serializers.DictField(),
                    "reviewRating": serializers.DictField(),
                    "itemReviewed": serializers.DictField(),
                },
                many=True,
            )
        },
    )
)
class ClaimReviewViewSet(ConditionalListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Claim.objects.none()
    permission_classes = [permissions.AllowAny]
    filterset_class = ClaimReviewFilter
    pagination_class = CursorPage
    ordering_choices = CLAIM_ORDERINGS
    default_ordering = CLAIM_ORDERINGS["-updated_at"]

    def get_queryset(self):
        return Claim.objects.published()

    def render_page(self, page) -> list:
        ids = [claim.pk for claim in page]
        by_id = Claim.objects.published().with_public_details().in_bulk(ids)
        bounds = rating_bounds()
        return [claim_review(by_id[pk], bounds=bounds) for pk in ids]


# Newsroom tools: the parts of a claim, one endpoint each.


class AppearanceFilter(filters.FilterSet):
    claim = filters.NumberFilter(field_name="claim_id")
    speaker = filters.CharFilter(field_name="speaker__slug")

    class Meta:
        model = Appearance
        fields = []


class AppearanceSerializer(ModelSerializer):
    speaker = serializers.SlugRelatedField(slug_field="slug", queryset=Speaker.objects.all())

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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["claim"].queryset = visible_claims(request.user)


class HistoryUserMixin:
    """Edits and deletions record the caller in history (the four-eyes rule reads it)."""

    def perform_update(self, serializer):
        stamp_user(serializer.instance, self.request.user)
        serializer.save()

    def perform_destroy(self, instance):
        stamp_user(instance, self.request.user)
        instance.delete()


@extend_schema_view(
    list=extend_schema(summary="Appearances: where and when claims were made"),
)
class AppearanceViewSet(BodyETagMixin, HistoryUserMixin, viewsets.ModelViewSet):
    serializer_class = AppearanceSerializer
    queryset = Appearance.objects.none()
    permission_classes = [ReadAnonWriteByRole]
    filterset_class = AppearanceFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            Appearance.objects.filter(claim__in=visible_claims(self.request.user))
            .select_related("speaker")
            .order_by("-id")
        )


class SpeakerFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Name contains.")

    class Meta:
        model = Speaker
        fields = []


@extend_schema_view(list=extend_schema(summary="Speakers"))
class SpeakerViewSet(BodyETagMixin, HistoryUserMixin, viewsets.ModelViewSet):
    serializer_class = SpeakerSerializer
    queryset = Speaker.objects.none()
    permission_classes = [ReadAnonWriteByRole]
    filterset_class = SpeakerFilter
    pagination_class = CursorPage
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,200}"

    def get_queryset(self):
        if sees_everything(self.request.user, Speaker):
            return Speaker.objects.all()
        said = Appearance.objects.filter(
            speaker=OuterRef("pk"), claim__in=Claim.objects.published()
        )
        return Speaker.objects.filter(Exists(said))


@extend_schema_view(list=extend_schema(summary="The rating scale"))
class RatingViewSet(BodyETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RatingSerializer
    queryset = RatingLevel.objects.all()
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,50}"


class ReviewSerializer(ModelSerializer):
    rating = serializers.SlugRelatedField(
        slug_field="slug", queryset=RatingLevel.objects.all(), allow_null=True, required=False
    )
    author = serializers.CharField(source="author.username", read_only=True)
    approved_by = serializers.CharField(
        source="approved_by.username", read_only=True, allow_null=True
    )
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

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
            "evidence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "published_at", "created_at", "updated_at"]
        # One draft per claim is the service's job (it answers with the existing draft).
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["claim"].queryset = visible_claims(request.user)
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            self.fields["claim"].read_only = True


class ReviewFilter(filters.FilterSet):
    claim = filters.NumberFilter(field_name="claim_id")
    state = filters.ChoiceFilter(choices=Review.State.choices)

    class Meta:
        model = Review
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Reviews (fact-checks)"),
    create=extend_schema(
        summary="Open the draft review of a claim in research",
        description="Starts from the published verdict when the claim is re-reviewed. Answers "
        "with the existing draft when there is one. 409 unless the claim is researching.",
    ),
    update=extend_schema(summary="Edit a draft review (claim researching)"),
    partial_update=extend_schema(summary="Edit some fields of a draft review"),
)
class ReviewViewSet(BodyETagMixin, viewsets.ModelViewSet):
    serializer_class = ReviewSerializer
    queryset = Review.objects.none()
    permission_classes = [permissions.DjangoModelPermissions]
    filterset_class = ReviewFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        reviews = (
            Review.objects.all() if sees_everything(self.request.user, Review) else public_reviews()
        )
        return (
            reviews.select_related("author", "approved_by", "rating", "claim")
            .prefetch_related("evidence")
            .order_by("-id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = serializer.validated_data["claim"]
        with transaction.atomic():
            existed = claim.working_review() is not None
            review = services.review_start(claim=claim, by=request.user)
            fields = {k: v for k, v in serializer.validated_data.items() if k != "claim"}
            if fields:
                for name, value in fields.items():
                    setattr(review, name, value)
                stamp_user(review, request.user).save()
        review = self.get_queryset().get(pk=review.pk)
        return Response(self.get_serializer(review).data, status=200 if existed else 201)

    def perform_update(self, serializer):
        _editable_review(serializer.instance)
        stamp_user(serializer.instance, self.request.user)
        serializer.save()


class EvidenceSerializer(ModelSerializer):
    link = LinkHealthSerializer(source="source.link", read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = ["id", "review", "source", "stance", "quotation", "note", "position", "link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["review"].queryset = EvidenceViewSet.reviews_for(request.user)
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            self.fields["review"].read_only = True


class EvidenceFilter(filters.FilterSet):
    review = filters.NumberFilter(field_name="review_id")

    class Meta:
        model = Evidence
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Evidence items of reviews"),
    create=extend_schema(summary="Add evidence to a draft review (claim researching)"),
)
class EvidenceViewSet(BodyETagMixin, viewsets.ModelViewSet):
    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.none()
    permission_classes = [permissions.DjangoModelPermissions]
    filterset_class = EvidenceFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"

    @staticmethod
    def reviews_for(user) -> QuerySet[Review]:
        return Review.objects.all() if sees_everything(user, Review) else public_reviews()

    def get_queryset(self):
        return (
            Evidence.objects.filter(review__in=self.reviews_for(self.request.user))
            .select_related("source__link", "review__claim")
            .order_by("-id")
        )

    def perform_create(self, serializer):
        _editable_review(serializer.validated_data["review"])
        evidence = Evidence(**serializer.validated_data)
        stamp_user(evidence, self.request.user).save()
        serializer.instance = evidence

    def perform_update(self, serializer):
        _editable_review(serializer.instance.review)
        stamp_user(serializer.instance, self.request.user)
        serializer.save()

    def perform_destroy(self, instance):
        _editable_review(instance.review)
        stamp_user(instance, self.request.user).delete()
