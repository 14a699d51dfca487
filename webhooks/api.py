"""Webhook endpoints over REST: an account registers, lists and resumes its own endpoints and
reads their delivery log. The webhook bodies themselves are documented as an OpenAPI callback."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiCallback,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action

from public.api.serializers import ClaimSerializer
from tracker.api import ModelSerializer
from tracker.api_limits import CursorPage
from webhooks import services
from webhooks.models import Delivery, DeliveryAttempt, Endpoint, EventType
from webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER


class EndpointSerializer(ModelSerializer):
    events = serializers.MultipleChoiceField(
        choices=EventType.choices, required=False, help_text="Default: all events."
    )
    secret = serializers.CharField(
        max_length=200,
        min_length=16,
        required=False,
        help_text="Signs every delivery. Made for you when left out.",
    )

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "secret",
            "is_active",
            "paused_at",
            "paused_reason",
            "consecutive_failures",
            "created_at",
        ]
        read_only_fields = ["paused_at", "paused_reason", "consecutive_failures", "created_at"]

    def validate_events(self, value) -> list[str]:
        return sorted(value) or list(EventType.values)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["events"] = sorted(instance.events)
        return data


class AttemptSerializer(ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "status_code", "latency_ms", "error"]
        read_only_fields = fields


class DeliverySerializer(ModelSerializer):
    event_id = serializers.UUIDField(source="event.uuid", read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    history = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_latency_ms",
            "last_error",
            "delivered_at",
            "created_at",
            "history",
        ]
        read_only_fields = fields


class WebhookClaimData(serializers.Serializer):
    claim = ClaimSerializer(help_text="The claim as GET /api/v1/claims/{id}/ shows it.")


class WebhookEventSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The event id: the same on every retry; dedupe on it.")
    type = serializers.ChoiceField(choices=EventType.choices)
    created_at = serializers.DateTimeField()
    data = WebhookClaimData()  # type: ignore[assignment]  # a declared field


WEBHOOK_CALLBACK = OpenApiCallback(
    "claimEvent",
    "{$request.body#/url}",
    extend_schema(
        summary="What Claimtrack sends to your endpoint",
        description=(
            f"A POST with a JSON body. `{TIMESTAMP_HEADER}` is the Unix time of sending and "
            f"`{SIGNATURE_HEADER}` is `v1=` + hex HMAC-SHA256, keyed with your secret, of "
            "`<timestamp>.<raw body>`. Answer 2xx within the timeout; anything else is retried "
            "with exponential backoff. Events of one claim arrive in order."
        ),
        request=WebhookEventSerializer,
        parameters=[
            OpenApiParameter(TIMESTAMP_HEADER, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Claimtrack-Event", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Claimtrack-Delivery", str, OpenApiParameter.HEADER, required=True),
        ],
        responses={200: OpenApiResponse(description="Received (any 2xx)")},
    ),
)


@extend_schema_view(
    list=extend_schema(summary="Your webhook endpoints"),
    create=extend_schema(
        summary="Register a webhook endpoint",
        callbacks=[WEBHOOK_CALLBACK],
        description="Claimtrack then POSTs `claim.published`, `claim.updated` and "
        "`claim.corrected` events to the URL (see the callback). Private addresses are refused.",
    ),
    partial_update=extend_schema(
        summary="Change or resume an endpoint",
        description="Set `is_active` to true to resume a paused endpoint.",
    ),
)
class EndpointViewSet(viewsets.ModelViewSet):
    serializer_class = EndpointSerializer
    queryset = Endpoint.objects.none()
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = CursorPage
    filterset_class = None
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return Endpoint.objects.filter(owner=self.request.user).order_by("-id")  # type: ignore[misc]  # IsAuthenticated: a User

    def perform_create(self, serializer):
        user = self.request.user
        limit = settings.WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT
        with transaction.atomic():
            # Lock the account's row so two concurrent requests cannot both take the last place.
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # type: ignore[misc]  # IsAuthenticated: a User
            if Endpoint.objects.filter(owner=user).count() >= limit:  # type: ignore[misc]  # IsAuthenticated: a User
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            _("An account may register at most %(limit)d endpoints.")
                            % {"limit": limit}
                        ]
                    }
                )
            serializer.save(owner=user)

    def perform_update(self, serializer):
        was_active = serializer.instance.is_active
        endpoint = serializer.save()
        if endpoint.is_active and not was_active:
            services.endpoint_resume(endpoint)
            endpoint.refresh_from_db()

    @extend_schema(
        summary="Delivery log of an endpoint, newest first",
        responses={200: DeliverySerializer(many=True)},
        parameters=[OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, exclude=True)],
    )
    @action(detail=True, methods=["get"], serializer_class=DeliverySerializer)
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        deliveries = (
            endpoint.deliveries.select_related("event").prefetch_related("history").order_by("-id")
        )
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
