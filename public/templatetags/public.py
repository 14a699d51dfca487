"""Template helpers for the public site."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The same escapes as Django's json_script: no "</script>" or "<!--" can end the block early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: dict) -> SafeString:
    """`data` as a <script type="application/ld+json"> block, safe for any text inside."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 escaped just above
    )


@register.simple_tag
def site_name() -> str:
    from django.conf import settings

    return settings.PUBLISHER_NAME


@register.simple_tag
def site_url() -> str:
    from django.conf import settings

    return settings.SITE_URL


@register.filter
def nfc(text: str) -> str:
    """Composed Unicode: Django's own language names (e.g. "Tiếng Việt") come decomposed."""
    import unicodedata

    return unicodedata.normalize("NFC", str(text))


@register.simple_tag(takes_context=True)
def page_link(context, parameter: str, number: int) -> str:
    """The current query string with `parameter` set to page `number` (and no keyset cursor)."""
    query = context["request"].GET.copy()
    query[parameter] = number
    query.pop("after", None)
    return "?" + query.urlencode()
