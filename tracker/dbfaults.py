"""A database that cannot be reached is a 503 with Retry-After, not a 500.

The middleware answers for errors raised in views and while rendering their responses;
`server_error` (handler500) for the few raised in other middleware. Only outages count: a lost
or refused connection, a server shutting down or starting, too many connections, SQLite's
locked file. Any other database error is a bug and stays a 500. With CONN_HEALTH_CHECKS on, the
next request after the database returns opens a new connection by itself.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 5
# SQLSTATE classes and codes of a database that is away: connection exceptions, the server
# shutting down or not accepting connections yet, too many connections.
OUTAGE_STATES = ("08", "57P01", "57P02", "57P03", "53300")
SQLITE_OUTAGES = ("database is locked", "unable to open database file", "disk i/o error")


def is_outage(error: BaseException | None) -> bool:
    if isinstance(error, InterfaceError):
        return True  # the connection is closed
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if type(cause).__module__.startswith("psycopg"):
        state = getattr(cause, "sqlstate", None)
        return state is None or state.startswith(OUTAGE_STATES)  # None: no server answered
    return str(error).lower().startswith(SQLITE_OUTAGES)


def unavailable(request: HttpRequest) -> HttpResponse:
    message = _("The site is briefly unavailable. Please try again in a few seconds.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable(request) if is_outage(exception) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage met outside a view is a 503 too."""
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    return defaults.server_error(request)
