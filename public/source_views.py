"""Public source pages: a document, its link health, and the public claims tied to it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from claims import readmodel
from claims.models import PublishedFacet
from claims.pagecache import cached_page
from claims.visibility import public_claims
from public.views import claim_cards, in_verdict_order, paginate
from sources.models import Source

Kind = PublishedFacet.Kind


@require_safe
@cached_page(reads=("page", "cited"))
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("outlet", "link"), pk=pk)
    published = claim_cards(public_claims())
    # Both lists and their counts read the read model's facets (said in, cited by this
    # source): one facet row per claim, in verdict order, at any size of the archive.
    said_here = paginate(
        request,
        in_verdict_order(published.filter(readmodel.showing(Kind.SAID_IN, source.pk))),
        counted=readmodel.count_showing(Kind.SAID_IN, source.pk),
    )
    cited_by = paginate(
        request,
        in_verdict_order(published.filter(readmodel.showing(Kind.CITES, source.pk))),
        "cited",
        counted=readmodel.count_showing(Kind.CITES, source.pk),
    )
    if not said_here.paginator.count and not cited_by.paginator.count:
        raise Http404("No published claim uses this source")  # only sources of published claims
    return render(
        request,
        "sources/source_detail.html",
        {"source": source, "said_here": said_here, "cited_by": cited_by},
    )
