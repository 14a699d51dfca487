"""Outlets and sources over REST, with the health of each cited link.

The public sees the public sources and outlets (claims.visibility); newsroom accounts with the
view permission see them all.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from claims import edits
from claims.visibility import visible_to
from sources.models import LANGUAGE_CHOICES, Link, Outlet, Source
from tracker.api import BodyETagMixin, ModelSerializer, WritesThroughEdits
from tracker.api_limits import CursorPage
from tracker.writes import Writes


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
            raise serializers.ValidationError(_("Another outlet has this slug."))
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


class SourceFilter(filters.FilterSet):
    outlet = filters.CharFilter(field_name="outlet__slug", help_text="Outlet slug.")
    language = filters.ChoiceFilter(choices=LANGUAGE_CHOICES)
    q = filters.CharFilter(method="filter_text", help_text="Words in the title or URL.")

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(url__icontains=value))


@extend_schema_view(list=extend_schema(summary="Sources: where claims appear and evidence is"))
class SourceViewSet(WritesThroughEdits, BodyETagMixin, viewsets.ModelViewSet):
    writes = Writes("source", edits.source_create, edits.source_update, edits.source_delete)
    serializer_class = SourceSerializer
    queryset = Source.objects.none()
    permission_classes = [permissions.DjangoModelPermissionsOrAnonReadOnly]
    filterset_class = SourceFilter
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        sources = visible_to(self.request.user, Source)
        return sources.select_related("outlet", "link").order_by("-id")


@extend_schema_view(list=extend_schema(summary="Outlets (publishers)"))
class OutletViewSet(WritesThroughEdits, BodyETagMixin, viewsets.ModelViewSet):
    writes = Writes("outlet", edits.outlet_create, edits.outlet_update, edits.outlet_delete)
    serializer_class = OutletSerializer
    queryset = Outlet.objects.none()
    permission_classes = [permissions.DjangoModelPermissionsOrAnonReadOnly]
    pagination_class = CursorPage
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,200}"

    def get_queryset(self):
        return visible_to(self.request.user, Outlet).order_by("-id")
