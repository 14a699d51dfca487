"""Public source pages: a document, its link health, and the public claims tied to it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from claims.pagecache import cached_page
from claims.views import claim_cards
from claims.visibility import public_claims, public_sources


@require_safe
@cached_page
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(public_sources().select_related("outlet", "link"), pk=pk)
    published = public_claims().order_by("-published_review__published_at", "-pk")
    said_here = claim_cards(published.filter(appearances__source=source).distinct())
    cited_by = claim_cards(published.filter(published_review__evidence__source=source).distinct())
    return render(
        request,
        "sources/source_detail.html",
        {"source": source, "said_here": list(said_here), "cited_by": list(cited_by)},
    )
