"""Routes of the REST API, mounted at /api/v1/."""

from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from exchange import api as exchange_api
from intake import api as intake_api
from public.api import sources as sources_api
from public.api import views as claims_api
from public.api.claimreview_feed import claimreview_feed
from public.api.desk import DeskView
from tracker.api import error_response
from webhooks.api import EndpointViewSet


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs) -> Response:
    """Any other path under /api/v1/: a 404 in the API's error shape, not the site's HTML."""
    return error_response(_("Not found."), "not_found", 404)


router = DefaultRouter()
router.include_root_view = False
router.register("claims", claims_api.ClaimViewSet, basename="claim")
router.register("claimreview", claims_api.ClaimReviewViewSet, basename="claimreview")
router.register("appearances", claims_api.AppearanceViewSet, basename="appearance")
router.register("speakers", claims_api.SpeakerViewSet, basename="speaker")
router.register("ratings", claims_api.RatingViewSet, basename="rating")
router.register("reviews", claims_api.ReviewViewSet, basename="review")
router.register("evidence", claims_api.EvidenceViewSet, basename="evidence")
router.register("sources", sources_api.SourceViewSet, basename="source")
router.register("outlets", sources_api.OutletViewSet, basename="outlet")
router.register("webhooks", EndpointViewSet, basename="webhook")
router.register("external-reviews", exchange_api.ExternalReviewViewSet, basename="external-review")

app_name = "api"
urlpatterns = [
    # Before the router, so "match" is not read as a claim id.
    path("claims/match/", intake_api.MatchView.as_view(), name="claim-match"),
    path("intake/", intake_api.IntakeView.as_view(), name="intake"),
    path("intake/<int:pk>/", intake_api.IntakeDetailView.as_view(), name="intake-detail"),
    path("intake/<int:pk>/confirm/", intake_api.IntakeConfirmView.as_view(), name="intake-confirm"),
    path("claimreview/feed/", claimreview_feed, name="claimreview-feed"),
    path("desk/", DeskView.as_view(), name="desk"),
    *router.urls,
    re_path(r"", not_found),
]
