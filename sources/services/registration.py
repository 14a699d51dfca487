"""Cited URLs become Links: registering them, keeping sources pointed at them, editors' actions."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from sources.linkcheck.normalize import normalize_url
from sources.models import Link, Source
from sources.services.checking import check_links
from tracker import outbox


def link_register(*, url: str) -> Link | None:
    """The Link for `url` (created if new, its first check enqueued on commit); None when the
    URL cannot be a link (no host)."""
    try:
        normalised = normalize_url(url)
    except ValueError:
        return None
    max_length = Link._meta.get_field("url").max_length
    if max_length is not None and len(normalised) > max_length:
        return None  # percent-encoding made it longer than any real citation
    link, created = Link.objects.get_or_create(
        url=normalised,
        defaults={
            "host": (urlsplit(normalised).hostname or "")[:255],
            "next_check_at": timezone.now(),
        },
    )
    if created:
        outbox.enqueue(check_links.name, [link.pk])
    return link


def source_link_sync(*, source: Source) -> Link | None:
    """Point `source.link` at the Link for its URL (or at nothing when it has none)."""
    link = link_register(url=source.url) if source.url.strip() else None
    link_id = link.pk if link else None
    if source.link_id != link_id:
        previous = source.link_id
        # A queryset update: no second save, no second history row, no signal loop.
        Source.objects.filter(pk=source.pk).update(link=link)
        source.link = link
        if previous is not None:
            link_forget_if_uncited(link_id=previous)
    return link


def link_forget_if_uncited(*, link_id: int) -> bool:
    """Delete a link (and its checks) that no source cites any more: nobody needs its health,
    and checking it would only cost the site requests."""
    deleted, _ = Link.objects.filter(pk=link_id, sources__isnull=True).delete()
    return bool(deleted)


def link_recheck_now(*, link_ids: Iterable[int]) -> int:
    """Make links due now and enqueue their check on commit (admin's "recheck now")."""
    ids = list(link_ids)
    count = Link.objects.filter(pk__in=ids).update(next_check_at=timezone.now())
    outbox.enqueue(check_links.name, ids)
    return count


def link_accept_content(*, link: Link) -> Link:
    """Take the page as it is now as the reference for "changed" (an editor read it)."""
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link.pk)
        link.baseline_fingerprint = []
        link.baseline_hash = ""
        link.baseline_at = None
        if link.status == Link.Status.CHANGED:
            link.status = Link.Status.UNCHECKED
            link.status_reason = "content accepted by an editor; rechecking"
        link.next_check_at = timezone.now()
        link.save()
    return link
