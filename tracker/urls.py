from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims.admin.dashboard import desk_view
from claims.pagecache import cached_page
from follows import views as follow_views
from public import cards, embeds, source_views
from public import views as claim_views
from public.feeds import ClaimAtomFeed, ClaimRssFeed, RepeatFeed
from public.follow_feeds import ClaimFollowFeed, SpeakerFollowFeed, TopicFollowFeed
from public.sitemaps import sitemap_index, sitemap_section
from tracker.health import health
from tracker.metrics import metrics_view

handler500 = "tracker.dbfaults.server_error"

urlpatterns = [
    path("", claim_views.home, name="home"),
    path("claims/", claim_views.claim_list, name="claim-list"),
    path("claims/<int:pk>-<slug:slug>/", claim_views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/", claim_views.claim_detail, name="claim-detail-short"),
    path("claims/<int:pk>/card.<slug:language>.png", cards.claim_card, name="claim-card"),
    path("embed/claims/<int:pk>/", embeds.claim_embed, name="claim-embed"),
    path("oembed/", embeds.oembed, name="oembed"),
    path("speakers/", claim_views.speaker_list, name="speaker-list"),
    path("speakers/<slug:slug>/", claim_views.speaker_detail, name="speaker-detail"),
    path("sources/<int:pk>/", source_views.source_detail, name="source-detail"),
    path("corrections/", claim_views.corrections, name="corrections"),
    path("methodology/", claim_views.methodology, name="methodology"),
    path("feeds/claims.atom", cached_page(ClaimAtomFeed()), name="feed-atom"),
    path("feeds/claims.rss", cached_page(ClaimRssFeed()), name="feed-rss"),
    path("feeds/repeats.atom", cached_page(RepeatFeed()), name="feed-repeats"),
    path("claims/<int:pk>/feed.atom", cached_page(ClaimFollowFeed()), name="claim-feed"),
    path("speakers/<slug:slug>/feed.atom", cached_page(SpeakerFollowFeed()), name="speaker-feed"),
    path("topics/<slug:slug>/feed.atom", cached_page(TopicFollowFeed()), name="topic-feed"),
    path("follow/confirm/<str:token>/", follow_views.confirm, name="follow-confirm"),
    path("follow/unsubscribe/<str:token>/", follow_views.unsubscribe, name="follow-unsubscribe"),
    path("follow/<slug:kind>/<slug:key>/", follow_views.follow, name="follow"),
    path("follow/<slug:kind>/<slug:key>/asked/", follow_views.asked, name="follow-asked"),
    path("sitemap.xml", cached_page(sitemap_index), name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        cached_page(sitemap_section, reads=("p",)),
        name="sitemap-section",
    ),
    path("robots.txt", claim_views.robots_txt, name="robots-txt"),
    path("health/", health, name="health"),
    path("metrics", metrics_view, name="metrics"),
    # The switcher sits on cached public pages, which cannot carry a per-visitor CSRF token;
    # choosing a language changes nothing but a cookie, so it does not need one.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/desk/", desk_view, name="desk-dashboard"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("tracker.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
