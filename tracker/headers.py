"""Security headers for the public site that Django's own middleware does not set.

Django already sends X-Content-Type-Options, Referrer-Policy and X-Frame-Options (see settings).
This adds a strict Content-Security-Policy: the public pages need no inline script or style and
load nothing from other origins. The admin gets the same policy except for inline style
attributes, which Django's admin templates and our desk use; scripts stay same-origin files
only, so injected markup cannot run. Paths in CSP_EXEMPT_PREFIXES (the API, whose Swagger UI
ships an inline script; its other answers are JSON) keep their own rules.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _policy(style_src: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = _policy("'self'")
ADMIN_CONTENT_SECURITY_POLICY = _policy("'self' 'unsafe-inline'")
ADMIN_PREFIX = "/admin/"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith(ADMIN_PREFIX):
            response.headers.setdefault("Content-Security-Policy", ADMIN_CONTENT_SECURITY_POLICY)
        elif not request.path.startswith(tuple(settings.CSP_EXEMPT_PREFIXES)):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
