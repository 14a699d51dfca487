"""Security headers for the public site that Django's own middleware does not set.

Django already sends X-Content-Type-Options, Referrer-Policy and X-Frame-Options (see settings).
This adds a strict Content-Security-Policy: the public pages need no inline script or style and
load nothing from other origins. The admin gets the same policy except for inline style
attributes, which Django's admin templates and our desk use; scripts stay same-origin files
only, so injected markup cannot run. Paths in CSP_EXEMPT_PREFIXES (the API, whose Swagger UI
ships an inline script; its other answers are JSON) keep their own rules.

Every page refuses to be framed (`frame-ancestors 'none'` and X-Frame-Options DENY), except
the views wearing `framable`: the embeddable verdict card, which partner sites put in an
iframe. It runs no script at all.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt


def _policy(style_src: str, frame_ancestors: str = "'none'", script_src: str = "'self'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


CONTENT_SECURITY_POLICY = _policy("'self'")
ADMIN_CONTENT_SECURITY_POLICY = _policy("'self' 'unsafe-inline'")
# Any web page may frame an embed; http: and https: say so without also allowing data: or blob:.
EMBED_CONTENT_SECURITY_POLICY = _policy(
    "'self'", frame_ancestors="http: https:", script_src="'none'"
)
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


def framable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let other sites frame this view's pages (the embed route only): its own CSP, whose
    frame-ancestors allows any web origin, and no X-Frame-Options."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = EMBED_CONTENT_SECURITY_POLICY
        return response

    return xframe_options_exempt(wrapped)
