"""The follow pages: ask to follow by email, confirm, unsubscribe (also RFC 8058's one-click
POST from a mail client). None of them is cached or says whether an address follows anything."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from follows import services
from follows.forms import FollowForm
from follows.models import Follow
from follows.targets import target_by_key, target_of
from tracker.clientip import client_ip

RATE_WINDOW_SECONDS = 3600


def over_rate_limit(request: HttpRequest) -> bool:
    """More than FOLLOW_REQUESTS_PER_HOUR follow requests from this client this hour."""
    key = f"follow-requests:{client_ip(request)}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.FOLLOW_REQUESTS_PER_HOUR


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    target = target_by_key(kind, key)
    if target is None:
        raise Http404("Nothing public to follow here")
    form = FollowForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if over_rate_limit(request):
            context = {"target": target, "form": FollowForm(), "limited": True}
            return render(request, "follows/follow.html", context, status=429)
        if form.is_valid():
            services.follow_request(
                email=form.cleaned_data["email"], target=target, language=request.LANGUAGE_CODE
            )
            return redirect("follow-asked", kind=target.kind, key=target.key)
        status = 400
    return render(request, "follows/follow.html", {"target": target, "form": form}, status=status)


@never_cache
@require_safe
def asked(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    target = target_by_key(kind, key)
    if target is None:
        raise Http404("Nothing public to follow here")
    return render(request, "follows/asked.html", {"target": target})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    if request.method == "POST":
        follow, _newly = services.follow_confirm(token=token)
    else:
        follow = Follow.objects.filter(token=token).first()
    target = target_of(follow) if follow else None
    if follow is None or target is None:
        raise Http404("No such follow")
    context = {"target": target, "follow": follow, "confirmed": follow.confirmed_at is not None}
    return render(request, "follows/confirm.html", context)


@csrf_exempt  # RFC 8058: the mail client POSTs without a session; the token is the secret
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        services.follow_unsubscribe(token=token)
        return render(request, "follows/unsubscribe.html", {"done": True})
    follow = Follow.objects.filter(token=token).first()
    target = target_of(follow) if follow else None
    title = target.title if target else _("this")
    return render(request, "follows/unsubscribe.html", {"done": follow is None, "title": title})
