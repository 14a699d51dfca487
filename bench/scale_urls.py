"""The site's URLs and a bare template view: what Django itself costs per request here."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from tracker.urls import urlpatterns as site_urls

BARE = engines["django"].from_string(
    "<!doctype html><title>{{ title }}</title><ul>{% for i in items %}<li>{{ i }}</li>"
    "{% endfor %}</ul>"
)


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE.render({"title": "bare", "items": range(20)}, request))


urlpatterns = [path("bench/bare/", bare), *site_urls]
