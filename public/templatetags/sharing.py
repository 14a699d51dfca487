"""Template helpers for what travels off the site: share cards, oEmbed discovery, follow feeds."""

from django import template
from django.utils.translation import get_language

from claims.models import Claim
from public.cards import card_url
from public.embeds import oembed_url

register = template.Library()


@register.simple_tag
def claim_card_url(claim: Claim) -> str:
    """The claim's share card in the page's language."""
    return card_url(claim, get_language())


@register.simple_tag
def claim_oembed_url(claim: Claim) -> str:
    """The oEmbed discovery link of the claim's page."""
    return oembed_url(claim)
