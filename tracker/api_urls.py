"""Routes of the REST API, mounted at /api/v1/."""

from rest_framework.routers import DefaultRouter

from claims import api as claims_api
from sources import api as sources_api

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

app_name = "api"
urlpatterns = router.urls
