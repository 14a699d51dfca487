"""How much one API request may fetch (cursor pages) and how often (throttles).

Kept apart from tracker.api because DRF imports these classes while it is itself loading.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, throttling
from rest_framework.pagination import CursorPagination

from tracker.cache import shared_cache_available
from tracker.clientip import client_ip


class CursorPage(CursorPagination):
    """Cursor pagination with a stable order; a view may offer orderings by `ordering_choices`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        choices: dict[str, tuple[str, ...]] = getattr(view, "ordering_choices", {})
        value = request.query_params.get("ordering")
        if value and choices:
            if value not in choices:
                raise exceptions.ValidationError(
                    {"ordering": [_("Choose one of: %s.") % ", ".join(choices)]}
                )
            return choices[value]
        return getattr(view, "default_ordering", self.ordering)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]}) from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, OverflowError, DataError):
            # A forged cursor whose position does not fit the ordering field: "abc" for an id,
            # a date that is no date, a number beyond the column's range.
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]}) from None


class _SettingsRateThrottle(throttling.SimpleRateThrottle):
    """Read the rate from settings on each request, so a changed setting applies at once, and
    know the client by the one rule of tracker.clientip (the admin lockout's too).

    The counts live in the shared cache. While it is unreachable (its circuit is open) each
    process counts on its own (the `local` cache): a client may then make the limit's worth of
    requests per web process, but is still limited, and no request fails for want of Redis."""

    @property
    def cache(self):  # type: ignore[override]
        return caches["default"] if shared_cache_available() else caches["local"]

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)

    def get_ident(self, request) -> str:
        return client_ip(request)


class AnonThrottle(_SettingsRateThrottle, throttling.AnonRateThrottle):
    scope = "anon"


class UserThrottle(_SettingsRateThrottle, throttling.UserRateThrottle):
    scope = "user"
