"""Public source pages: a document, its link health, and the published claims tied to it."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from claims.models import Appearance, Claim, Evidence, Review
from claims.pagecache import cached_page
from claims.views import claim_cards, in_verdict_order, paginate
from sources.models import Source


def public_sources():
    """Sources where a published claim was made or that its published verdict cites.

    Each source stops at its first such claim or verdict (EXISTS), so a range of sources is
    tested without reading the archive. A review in state "published" is always the verdict a
    published claim shows (claims.services keeps it so).
    """
    said = Appearance.objects.filter(source=OuterRef("pk"), claim__published_review__isnull=False)
    cited = Evidence.objects.filter(source=OuterRef("pk"), review__state=Review.State.PUBLISHED)
    return Source.objects.filter(Q(Exists(said)) | Q(Exists(cited)))


@require_safe
@cached_page
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("outlet", "link"), pk=pk)
    published = claim_cards(Claim.objects.published())
    made_here = Appearance.objects.filter(source=source, claim=OuterRef("pk"))
    cites = Evidence.objects.filter(source=source, review=OuterRef("published_review_id"))
    said_here = paginate(request, in_verdict_order(published.filter(Exists(made_here))))
    cited_by = paginate(request, in_verdict_order(published.filter(Exists(cites))), "cited")
    if not said_here.paginator.count and not cited_by.paginator.count:
        raise Http404("No published claim uses this source")  # only sources of published claims
    return render(
        request,
        "sources/source_detail.html",
        {"source": source, "said_here": said_here, "cited_by": cited_by},
    )
