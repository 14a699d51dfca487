"""The client's address, trusting exactly TRUSTED_PROXY_COUNT proxies: one rule for the API
throttles (tracker.api_limits) and the admin login lockout (django-axes)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR with no trusted proxy; else the address the outermost trusted proxy saw,
    counted from the right of X-Forwarded-For, where each proxy appended what it saw. Entries
    further left were written by the client and are ignored."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr
