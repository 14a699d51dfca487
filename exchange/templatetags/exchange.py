"""Other fact-checkers beside a claim: confirmed ones for readers, candidates for the desk."""

from django import template

from exchange.models import ReviewLink
from exchange.serializers import confirmed_external_reviews

register = template.Library()


@register.inclusion_tag("exchange/_other_fact_checkers.html")
def other_fact_checkers(claim) -> dict:
    """Readers' list: links an editor confirmed (prefetched by public.details)."""
    return {"reviews": confirmed_external_reviews(claim)}


@register.inclusion_tag("exchange/_desk_panel.html")
def external_reviews_panel(claim, user) -> dict:
    """The desk's list: every proposed link, with confirm and reject for editors."""
    links = ReviewLink.objects.filter(claim=claim).select_related("external_review__our_rating")
    return {
        "claim": claim,
        "links": links,
        "can_decide": user.has_perm("exchange.change_reviewlink"),
    }
