"""Editors' decisions on links between external reviews and our claims."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.models import ReviewLink
from tracker.refusals import NotPermitted


def review_link_decide(*, link: ReviewLink, state: str, by) -> ReviewLink:
    """Confirm or reject a proposed link (Editors). Readers see only confirmed links, so the
    claim counts as changed: its page and API representation are renewed."""
    if not by.has_perm("exchange.change_reviewlink"):
        raise NotPermitted(_("Only editors confirm or reject links to other fact-checks."))
    if state not in (ReviewLink.State.CONFIRMED, ReviewLink.State.REJECTED):
        raise ValueError(f"not a decision: {state!r}")
    with transaction.atomic():
        link = ReviewLink.objects.select_for_update().get(pk=link.pk)
        if link.state == state:
            return link
        link.state, link.decided_by, link.decided_at = state, by, timezone.now()
        link._history_user = by  # type: ignore[attr-defined]  # read by simple_history
        link.full_clean()
        link.save()  # claims.dependents renews the claim's updated_at, ETag and cached page
    return link
