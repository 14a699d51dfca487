"""The outbound-URL policy as a field validator: a URL the server will fetch (a source's link,
a webhook endpoint) must be one the SSRF guard lets through.

Model fields carry it, so admin forms and API serializers refuse the same URLs with the same
reason. Host names are not resolved here: the guard checks their addresses at every fetch,
where DNS answers can no longer change under it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

from sources.linkcheck.guard import Refused, check_url


def validate_outbound_url(value: str) -> None:
    try:
        check_url(value, settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS)
    except Refused as refused:
        raise ValidationError(refused.reason, code="refused_url") from None
