from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from claims.models import Claim


def home(request: HttpRequest) -> HttpResponse:
    claims = (
        Claim.objects.published()
        .select_related("published_review__rating")
        .order_by("-published_review__published_at")[:20]
    )
    return render(request, "claims/home.html", {"claims": claims})


def claim_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.published().select_related("published_review__rating"), pk=pk
    )
    if slug != claim.slug:
        return redirect(claim, permanent=True)
    return render(request, "claims/claim_detail.html", {"claim": claim})


def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # the point of a health check is to report any failure
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})
