"""External reviews over REST: newsroom accounts read them; Fact-checkers and Editors import
ClaimReview (a URL, an uploaded file or the JSON itself), answered with the import report."""

import io
import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from exchange.importing import ImportRefused, download, import_claimreview
from exchange.models import ExternalReview
from exchange.serializers import (
    ExternalReviewSerializer,
    ImportReportSerializer,
    ImportRequestSerializer,
)
from tracker.api import error_response
from tracker.api_limits import CursorPage

MAX_REPORTED = 1000


class CanImport(permissions.BasePermission):
    message = _("Importing external reviews is for Fact-checkers and Editors.")

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("exchange.add_externalreview")


@extend_schema_view(
    list=extend_schema(summary="External reviews (other organisations' fact-checks)"),
    retrieve=extend_schema(summary="One external review and its links to our claims"),
)
class ExternalReviewViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExternalReviewSerializer
    queryset = ExternalReview.objects.none()
    permission_classes = [permissions.DjangoModelPermissions]
    pagination_class = CursorPage
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if not self.request.user.has_perm("exchange.view_externalreview"):
            return ExternalReview.objects.none()
        return (
            ExternalReview.objects.select_related("our_rating")
            .prefetch_related("links")
            .order_by("-id")
        )

    @extend_schema(
        summary="Import ClaimReview (Fact-checker and up)",
        description="Give a `url` (fetched through the link checker's SSRF guard), a `file`, "
        "or the JSON as `data`. Items are keyed by their review URL: importing twice changes "
        "nothing. Malformed items are listed in `skipped` with the reason; the others are kept.",
        request=ImportRequestSerializer,
        responses={200: ImportReportSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        permission_classes=[permissions.IsAuthenticated, CanImport],
        parser_classes=[JSONParser, MultiPartParser, FormParser],
        pagination_class=None,
    )
    def import_(self, request):
        given = ImportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        try:
            url = values.get("url", "")
            if url:
                stream = download(url)
            elif "file" in values:
                stream = values["file"]
            else:
                stream = io.BytesIO(json.dumps(values["data"]).encode())
        except ImportRefused as refused:
            return error_response(str(refused), "unreadable", 400, {"url": [str(refused)]})
        report = import_claimreview(stream, by=request.user, url=url)
        return Response(
            {
                "read": report.read,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "repeated": report.repeated,
                "needs_confirmation_again": report.relinked,
                "skipped_count": len(report.skipped),
                "skipped": [
                    {"position": position, "reason": reason}
                    for position, reason in report.skipped[:MAX_REPORTED]
                ],
            }
        )
