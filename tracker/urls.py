from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import views as claim_views

urlpatterns = [
    path("", claim_views.home, name="home"),
    path("claims/<int:pk>-<slug:slug>/", claim_views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/", claim_views.claim_detail, name="claim-detail-short"),
    path("health/", claim_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("tracker.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
