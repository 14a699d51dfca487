"""Public source pages: a document, its link health, and the published claims tied to it."""

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from claims.models import Appearance, Claim
from claims.pagecache import cached_page
from claims.views import claim_cards
from sources.models import Source


def public_sources():
    """Sources where a published claim was made or that its published verdict cites."""
    published = Claim.objects.published()
    return Source.objects.filter(
        Q(pk__in=Appearance.objects.filter(claim__in=published).values("source_id"))
        | Q(evidence__review__in=published.values("published_review_id"))
    ).distinct()


@require_safe
@cached_page
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("outlet", "link"), pk=pk)
    published = Claim.objects.published().order_by("-published_review__published_at", "-pk")
    said_here = list(claim_cards(published.filter(appearances__source=source).distinct()))
    cited_by = list(
        claim_cards(published.filter(published_review__evidence__source=source).distinct())
    )
    if not said_here and not cited_by:  # only sources of published claims are public
        raise Http404("No published claim uses this source")
    return render(
        request,
        "sources/source_detail.html",
        {"source": source, "said_here": said_here, "cited_by": cited_by},
    )
