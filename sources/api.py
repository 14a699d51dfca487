"""Outlets and sources over REST, with the health of each cited link.

The public sees the sources that a published claim appears in or a public verdict cites, and
their outlets; newsroom accounts with the view permission see them all.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from sources.models import LANGUAGE_CHOICES, Link, Outlet, Source
from tracker.api import BodyETagMixin, ModelSerializer, sees_everything
from tracker.api_limits import CursorPage


class LinkHealthSerializer(ModelSerializer):
    class Meta:
        model = Link
        fields = ["status", "last_checked_at", "archive_url", "archived_at"]
        read_only_fields = fields


class OutletSerializer(ModelSerializer):
    slug = serializers.SlugField(
        max_length=200, required=False, help_text="Made from the name when left out."
    )

    class Meta:
        model = Outlet
        fields = ["slug", "name", "url"]

    def validate_slug(self, value: str) -> str:
        taken = Outlet.objects.filter(slug=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("Another outlet has this slug.")
        return value


class SourceSerializer(ModelSerializer):
    outlet = serializers.SlugRelatedField(
        slug_field="slug", queryset=Outlet.objects.all(), allow_null=True, required=False
    )
    outlet_name = serializers.CharField(source="outlet.name", read_only=True, allow_null=True)
    link = LinkHealthSerializer(
        read_only=True, allow_null=True, help_text="Health of the URL and its archived copy."
    )
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "url",
            "kind",
            "outlet",
            "outlet_name",
            "published_on",
            "language",
            "link",
            "page_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, source: Source) -> str:
        return f"{settings.SITE_URL}/sources/{source.pk}/"


def public_sources() -> QuerySet[Source]:
    """Sources a published claim appears in or a public verdict cites."""
    from claims.models import Appearance, Claim, Evidence
    from claims.visibility import public_reviews

    appears = Appearance.objects.filter(source=OuterRef("pk"), claim__in=Claim.objects.published())
    cited = Evidence.objects.filter(source=OuterRef("pk"), review__in=public_reviews())
    return Source.objects.filter(Exists(appears) | Exists(cited))


class SourceFilter(filters.FilterSet):
    outlet = filters.CharFilter(field_name="outlet__slug", help_text="Outlet slug.")
    language = filters.ChoiceFilter(choices=LANGUAGE_CHOICES)
    q = filters.CharFilter(method="filter_text", help_text="Words in the title or URL.")

    class Meta:
        model = Source
        fields = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(url__icontains=value))


@extend_schema_view(list=extend_schema(summary="Sources: where claims appear and evidence is"))
class SourceViewSet(BodyETagMixin, viewsets.ModelViewSet):
    serializer_class = SourceSerializer
    queryset = Source.objects.none()
    permission_classes = [permissions.DjangoModelPermissionsOrAnonReadOnly]
    filterset_class = SourceFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        user = self.request.user
        sources = Source.objects.all() if sees_everything(user, Source) else public_sources()
        return sources.select_related("outlet", "link").order_by("-id")

    def perform_create(self, serializer):
        from claims import edits

        serializer.instance = edits.source_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        from claims import edits

        serializer.instance = edits.source_update(
            source=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        from claims import edits

        edits.source_delete(source=instance, by=self.request.user)


@extend_schema_view(list=extend_schema(summary="Outlets (publishers)"))
class OutletViewSet(BodyETagMixin, viewsets.ModelViewSet):
    serializer_class = OutletSerializer
    queryset = Outlet.objects.none()
    permission_classes = [permissions.DjangoModelPermissionsOrAnonReadOnly]
    pagination_class = CursorPage
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,200}"

    def get_queryset(self):
        if sees_everything(self.request.user, Outlet):
            return Outlet.objects.order_by("-id")
        return Outlet.objects.filter(
            Exists(public_sources().filter(outlet=OuterRef("pk")))
        ).order_by("-id")

    def perform_create(self, serializer):
        from claims import edits

        serializer.instance = edits.outlet_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        from claims import edits

        serializer.instance = edits.outlet_update(
            outlet=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        from claims import edits

        edits.outlet_delete(outlet=instance, by=self.request.user)
