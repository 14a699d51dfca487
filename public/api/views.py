"""Claims over REST: the viewsets. Anonymous callers see the public record (claims.visibility);
writes need the Django model permission of the caller's group, and workflow moves go through
`claims.services`, the same functions the admin calls.
"""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims import edits, services
from claims.models import (
    Appearance,
    Claim,
    ClaimTransition,
    Evidence,
    RatingLevel,
    Review,
    Speaker,
)
from claims.visibility import (
    public_claims,
    reviews_for,
    sees_everything,
    visible_claims,
    visible_to,
)
from claims.workflow import EDITOR_PERMISSION
from public.api import payloads
from public.api.filters import (
    AppearanceFilter,
    ClaimFilter,
    ClaimReviewFilter,
    EvidenceFilter,
    ReviewFilter,
    SpeakerFilter,
)
from public.api.serializers import (
    AppearanceSerializer,
    ClaimSerializer,
    ClaimTransitionSerializer,
    EvidenceSerializer,
    RatingSerializer,
    RepeatRejectionSerializer,
    ReviewSerializer,
    SpeakerSerializer,
    TransitionRequestSerializer,
)
from public.details import with_public_details
from public.jsonld import claim_review, rating_bounds
from tracker.api import (
    BodyETagMixin,
    IfMatchMixin,
    WritesThroughEdits,
    conditional,
    quote_etag,
    set_validators,
    viewer_scope,
)
from tracker.api_limits import CursorPage
from tracker.refusals import NotAllowedNow, NotPermitted
from tracker.writes import Writes

if TYPE_CHECKING:  # what ConditionalListMixin is mixed into
    from rest_framework.viewsets import GenericViewSet as _GenericViewSet
else:
    _GenericViewSet = object

ReadAnonWriteByRole = permissions.DjangoModelPermissionsOrAnonReadOnly


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


class ConditionalListMixin(_GenericViewSet):
    """ETag and Last-Modified of a list page from the page itself: O(page), not O(archive).

    The page's rows (id and updated_at only) are one indexed query; the validator hashes what
    `page_stamps` says of them (by default their id and updated_at) with the full query
    string, so a change to any claim on the page, or a claim entering or leaving it, changes
    the ETag. A 304 is answered before any claim is loaded in full. Lists answer If-None-Match
    only: a claim leaving the page can make the page's newest change older, so a date cannot
    prove the page unchanged.
    """

    if TYPE_CHECKING:

        def render_page(self, ids: list[int]) -> list: ...

    def page_fields(self) -> tuple[str, ...]:
        """What the page's query reads of each row besides its id and updated_at."""
        return ()

    def page_stamps(self, page: list[dict]) -> list:
        return [(row["id"], row["updated_at"].isoformat()) for row in page]

    def list(self, request, *args, **kwargs):
        # Plain values, not models: the page's ids and dates come from the index alone
        # (claims 0011's partial index on the published claims' (updated_at, id)). The page
        # itself is rendered from render_page's own query.
        queryset = self.filter_queryset(self.get_queryset())
        queryset = queryset.values("id", "updated_at", *self.page_fields())
        page = self.paginate_queryset(queryset)
        assert page is not None, "these lists are always paged"
        last = max((row["updated_at"] for row in page), default=None)
        stamps = self.page_stamps(page)
        etag = quote_etag(self.basename, viewer_scope(request), request.get_full_path(), *stamps)
        not_modified = conditional(request, etag=etag, last_modified=None)
        if not_modified is not None:
            return not_modified
        response = self.get_paginated_response(self.render_page([row["id"] for row in page]))
        return set_validators(response, etag=etag, last_modified=last)


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
    IfMatchMixin,
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

    def reads_stored_payloads(self) -> bool:
        """The public (and API consumers outside the newsroom) see the published record,
        stored ready; newsroom accounts see work in progress, serialised per request."""
        return not sees_everything(self.request.user, Claim)

    def page_fields(self) -> tuple[str, ...]:
        return ("published_entry__payload_digest",) if self.reads_stored_payloads() else ()

    def page_stamps(self, page: list[dict]) -> list:
        if not self.reads_stored_payloads():
            return super().page_stamps(page)
        # The stored payload's digest: what the page will show, read from the read model.
        digests = [row["published_entry__payload_digest"] for row in page]
        return [*super().page_stamps(page), *digests, payloads.today_stamp()]

    def render_page(self, ids: list[int]) -> list:
        if self.reads_stored_payloads():
            return payloads.served(ids, payloads.stored(ids))
        # The viewer's own queryset: each claim as its verdict published it.
        by_id = with_public_details(self.get_queryset()).in_bulk(ids)
        return self.get_serializer([by_id[pk] for pk in ids], many=True).data

    def current_etag(self, instance) -> str:
        return quote_etag("claim", viewer_scope(self.request), instance.pk, instance.updated_at)

    def retrieve(self, request, *args, **kwargs):
        stored = self.reads_stored_payloads()
        # The public's 304 is answered from the claim's row and its stored digest: one query.
        fields = ("payload_digest", "payload") if stored else ()
        row = (
            self.get_queryset()
            .filter(pk=kwargs["pk"])
            .values("pk", "updated_at", *(f"published_entry__{name}" for name in fields))
            .first()
        )
        if row is None:
            return self.get_object()  # raises the 404 in the API's error shape
        pk, updated_at = row["pk"], row["updated_at"]
        if stored:
            held = payloads.held(
                pk, row["published_entry__payload_digest"], row["published_entry__payload"]
            )
            stamps: tuple = (held[pk][0] if held else "", payloads.today_stamp())
        else:
            stamps = ()
        etag = quote_etag("claim", viewer_scope(request), pk, updated_at, *stamps)
        not_modified = conditional(request, etag=etag, last_modified=updated_at)
        if not_modified is not None:
            return not_modified
        if stored:
            (data,) = payloads.served([pk], held)
        else:
            data = self.get_serializer(with_public_details(self.get_queryset()).get(pk=pk)).data
        return set_validators(Response(data), etag=etag, last_modified=updated_at)

    def _respond_with(self, claim: Claim, status: int) -> Response:
        claim = with_public_details(Claim.objects).get(pk=claim.pk)
        response = Response(self.get_serializer(claim).data, status=status)
        set_validators(response, etag=self.current_etag(claim), last_modified=claim.updated_at)
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        with transaction.atomic():  # the filer's row stays locked to the commit: one at a time
            filed = edits.claim_filed_just_now(
                by=request.user, text=fields.get("text", ""), language=fields.get("language", "")
            )
            if filed is not None:  # a request sent twice (a retry, a double-click): one claim
                raise NotAllowedNow(
                    _(
                        "You filed this claim a moment ago (#%(id)s): the request was sent "
                        "twice. Nothing new was saved."
                    )
                    % {"id": filed.pk}
                )
            claim = edits.claim_create(by=request.user, **fields)
        return self._respond_with(claim, 201)

    def update(self, request, *args, **kwargs):
        with transaction.atomic():  # If-Match is checked under the row's lock
            claim = self.get_object()
            self.check_if_match(claim)
            data = request.data
            serializer = self.get_serializer(claim, data=data, partial=kwargs.get("partial"))
            serializer.is_valid(raise_exception=True)
            claim = edits.claim_update(claim=claim, by=request.user, **serializer.validated_data)
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
            recheck_after=data.validated_data.get("recheck_after"),
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
            self.permission_denied(
                request,
                message=_("Your role does not show the log."),  # type: ignore[arg-type]  # lazy is fine
            )
        log = claim.transitions.select_related("by").order_by("at", "id")
        return Response(ClaimTransitionSerializer(log, many=True).data)

    def get_permissions(self):
        if self.action == "transition_log":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()


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
        return public_claims()

    def render_page(self, ids: list[int]) -> list:
        by_id = with_public_details(public_claims()).in_bulk(ids)
        bounds = rating_bounds()
        return [claim_review(by_id[pk], bounds=bounds) for pk in ids]


@extend_schema_view(
    list=extend_schema(
        summary="Appearances: where and when claims were made",
        description="Public appearances for the public; every appearance, with its state, for "
        "newsroom accounts. `repeated_since` lists the repeats confirmed since a date.",
    ),
    create=extend_schema(
        summary="Record an appearance (Reporter, Fact-checker, Editor)",
        description="Of a new or researched claim: public with its verdict. Of a published "
        'claim: a repeat, `"state": "awaiting_confirmation"`, public once an Editor other than '
        "its recorder confirms it; the claim stays published. 409 for a claim in review or "
        "rejected, and for an appearance recorded already (same claim, URL and date).",
    ),
)
class AppearanceViewSet(WritesThroughEdits, BodyETagMixin, viewsets.ModelViewSet):
    writes = Writes(
        "appearance", edits.appearance_create, edits.appearance_update, edits.appearance_delete
    )
    serializer_class = AppearanceSerializer
    queryset = Appearance.objects.none()
    permission_classes = [ReadAnonWriteByRole]
    filterset_class = AppearanceFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            visible_to(self.request.user, Appearance)
            .select_related("speaker", "recorded_by", "confirmed_by")
            .order_by("-id")
        )

    def _decide(self, request, decide) -> Response:
        # The role first: nobody learns from a 404 which repeats are waiting.
        if not request.user.has_perm(EDITOR_PERMISSION):
            raise NotPermitted(_("Only an Editor confirms or rejects a repeat."))
        appearance = decide(self.get_object().pk)
        fresh = self.get_queryset().get(pk=appearance.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(
        summary="Confirm a repeat (an Editor other than its recorder)",
        description="The repeat goes public, the claim's `updated_at` and ETag move and "
        "`claim.repeated` is sent. 403 for the recorder (four-eyes) and for other roles; 409 "
        "when it is confirmed or rejected already (two Editors at once: one wins).",
        request=None,
        responses={200: AppearanceSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def confirm(self, request, pk=None):
        return self._decide(
            request, lambda pk: services.appearance_confirm(appearance_id=pk, by=request.user)
        )

    @extend_schema(
        summary="Reject a repeat, saying why (an Editor other than its recorder)",
        request=RepeatRejectionSerializer,
        responses={200: AppearanceSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def reject(self, request, pk=None):
        data = RepeatRejectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        return self._decide(
            request,
            lambda pk: services.appearance_reject(appearance_id=pk, by=request.user, reason=reason),
        )


@extend_schema_view(list=extend_schema(summary="Speakers"))
class SpeakerViewSet(WritesThroughEdits, BodyETagMixin, viewsets.ModelViewSet):
    writes = Writes("speaker", edits.speaker_create, edits.speaker_update, edits.speaker_delete)
    serializer_class = SpeakerSerializer
    queryset = Speaker.objects.none()
    permission_classes = [ReadAnonWriteByRole]
    filterset_class = SpeakerFilter
    pagination_class = CursorPage
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,200}"

    def get_queryset(self):
        return visible_to(self.request.user, Speaker)


@extend_schema_view(list=extend_schema(summary="The rating scale"))
class RatingViewSet(BodyETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RatingSerializer
    queryset = RatingLevel.objects.all()
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,50}"


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
class ReviewViewSet(IfMatchMixin, BodyETagMixin, viewsets.ModelViewSet):
    serializer_class = ReviewSerializer
    queryset = Review.objects.none()
    permission_classes = [permissions.DjangoModelPermissions]
    filterset_class = ReviewFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return (
            reviews_for(self.request.user)
            .select_related("author", "approved_by", "rating", "claim")
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
            edits.review_update(review=review, by=request.user, **fields)
        review = self.get_queryset().get(pk=review.pk)
        return Response(self.get_serializer(review).data, status=200 if existed else 201)

    def perform_update(self, serializer):
        with transaction.atomic():
            self.check_if_match(serializer.instance)
            serializer.instance = edits.review_update(
                review=serializer.instance, by=self.request.user, **serializer.validated_data
            )


@extend_schema_view(
    list=extend_schema(summary="Evidence items of reviews"),
    create=extend_schema(summary="Add evidence to a draft review (claim researching)"),
)
class EvidenceViewSet(IfMatchMixin, BodyETagMixin, viewsets.ModelViewSet):
    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.none()
    permission_classes = [permissions.DjangoModelPermissions]
    filterset_class = EvidenceFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return (
            visible_to(self.request.user, Evidence)
            .select_related("source__link", "review__claim")
            .order_by("-id")
        )

    def perform_create(self, serializer):
        serializer.instance = edits.evidence_add(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        with transaction.atomic():
            self.check_if_match(serializer.instance)
            serializer.instance = edits.evidence_update(
                evidence=serializer.instance, by=self.request.user, **serializer.validated_data
            )

    def perform_destroy(self, instance):
        with transaction.atomic():
            self.check_if_match(instance)
            edits.evidence_remove(evidence=instance, by=self.request.user)
