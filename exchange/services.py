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


def review_links_unconfirm(*, review_ids: list[int], by) -> int:
    """Put the confirmed links of these external reviews back to "needs confirmation": a
    re-import changed what readers would see of them (publisher, rating, claim text). Readers
    stop seeing them until an Editor confirms again; each link's history keeps the version
    that was confirmed, and its claim's updated_at, ETag and cached page are renewed (and
    webhooks announce claim.updated) by claims.dependents, as for any decision."""
    links = ReviewLink.objects.select_for_update().filter(
        external_review__in=review_ids, state=ReviewLink.State.CONFIRMED
    )
    count = 0
    for link in links:
        link.state, link.decided_by, link.decided_at = ReviewLink.State.CANDIDATE, None, None
        link._history_user = by  # read by simple_history
        link._change_reason = _("The external review changed on re-import: confirm it again.")
        link.save()
        count += 1
    return count
