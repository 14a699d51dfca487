"""Listen for public changes to claims: record webhook events, and keep `Claim.updated_at`
honest so that `updated_since` syncs and ETags see changes made to a claim's parts.

- `claim.published` / `claim.corrected` come from the workflow (claims.signals.claim_changed,
  sent on commit).
- `claim.updated` is sent here, on commit and once per transaction and claim, when a published
  claim's public text, topics or appearances are edited.
- Edits of a speaker, source or outlet, and a change of a cited link's health, touch the
  claims that show them (no event: the claim itself was not edited).
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver
from django.utils import timezone

from claims.models import Appearance, Claim, Evidence, Speaker
from claims.signals import claim_changed
from sources.events import link_health_changed
from sources.models import Link, Outlet, Source
from webhooks import services
from webhooks.models import EventType

log = logging.getLogger(__name__)

CLAIM_PUBLIC_FIELDS = ("text", "language", "translation", "translation_language", "slug")
LINK_PUBLIC_FIELDS = ("status", "archive_url")


@receiver(claim_changed)
def record_event(sender, claim_id: int, event: str, **kwargs) -> None:
    # The change is committed already: a failure here must not turn its request into a 500.
    try:
        services.event_record(claim_id=claim_id, event_type=event)
    except Exception:
        log.exception("could not record webhook event %s for claim %s", event, claim_id)


def _snapshot(instance, fields) -> tuple:
    return tuple(instance.__dict__.get(name) for name in fields)


@receiver(post_init, sender=Claim)
def remember_claim_text(sender, instance: Claim, **kwargs) -> None:
    instance._public_snapshot = _snapshot(instance, CLAIM_PUBLIC_FIELDS)


@receiver(post_init, sender=Link)
def remember_link_health(sender, instance: Link, **kwargs) -> None:
    instance._public_snapshot = _snapshot(instance, LINK_PUBLIC_FIELDS)


def _touch(claims) -> None:
    claims.update(updated_at=timezone.now())


def _announce_update(claim_id: int) -> None:
    """Send claim.updated after commit, once per transaction and claim (it is checked then
    that the claim is public)."""
    connection = transaction.get_connection()
    pending = (
        getattr(callback, "claim_updated", None) for _, callback, _ in connection.run_on_commit
    )
    if connection.in_atomic_block and claim_id in pending:
        return

    def send() -> None:
        claim_changed.send(sender=Claim, claim_id=claim_id, event=EventType.UPDATED)

    send.claim_updated = claim_id
    transaction.on_commit(send)


@receiver(post_save, sender=Claim)
def claim_saved(sender, instance: Claim, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # fixtures being loaded
    before = getattr(instance, "_public_snapshot", None)
    instance._public_snapshot = _snapshot(instance, CLAIM_PUBLIC_FIELDS)
    if created or before == instance._public_snapshot:
        return  # workflow moves and assignments are not public edits
    if instance.published_review_id is not None:
        _announce_update(instance.pk)


@receiver(m2m_changed, sender=Claim.topics.through)
def claim_topics_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    claim_ids = set(pk_set or ()) if reverse else {instance.pk}
    claims = Claim.objects.filter(pk__in=claim_ids)
    _touch(claims)
    for claim_id in claims.published().values_list("pk", flat=True):
        _announce_update(claim_id)


@receiver(post_save, sender=Appearance)
@receiver(post_delete, sender=Appearance)
def appearance_changed(sender, instance: Appearance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    claims = Claim.objects.filter(pk=instance.claim_id)
    _touch(claims)
    if claims.published().exists():
        _announce_update(instance.claim_id)


def _claims_showing_sources(sources: Q) -> Q:
    cited = Evidence.objects.filter(sources).values("review_id")
    appears = Appearance.objects.filter(sources).values("claim_id")
    return Q(pk__in=appears) | Q(published_review_id__in=cited)


@receiver(post_save, sender=Speaker)
def speaker_changed(sender, instance: Speaker, created: bool, raw: bool = False, **kwargs) -> None:
    if not (created or raw):
        _touch(Claim.objects.filter(appearances__speaker=instance))


@receiver(post_save, sender=Source)
def source_changed(sender, instance: Source, created: bool, raw: bool = False, **kwargs) -> None:
    if not (created or raw):
        _touch(Claim.objects.filter(_claims_showing_sources(Q(source=instance))))


@receiver(post_save, sender=Outlet)
def outlet_changed(sender, instance: Outlet, created: bool, raw: bool = False, **kwargs) -> None:
    if not (created or raw):
        _touch(Claim.objects.filter(_claims_showing_sources(Q(source__outlet=instance))))


@receiver(post_save, sender=Link)
def link_saved(sender, instance: Link, created: bool, raw: bool = False, **kwargs) -> None:
    before = getattr(instance, "_public_snapshot", None)
    instance._public_snapshot = _snapshot(instance, LINK_PUBLIC_FIELDS)
    if not (created or raw) and before != instance._public_snapshot:
        link_health_changed_for([instance.pk])


@receiver(link_health_changed, dispatch_uid="webhooks.link_checked")
def link_checked(sender, link_ids, **kwargs) -> None:
    link_health_changed_for(link_ids)


def link_health_changed_for(link_ids) -> None:
    """Touch the claims citing these links, so their updated_at and ETag move."""
    _touch(Claim.objects.filter(_claims_showing_sources(Q(source__link_id__in=list(link_ids)))))
