"""Recording webhook events and delivering them: one attempt at a time, in order per claim.

Deliveries of one endpoint for one claim go out in the order the events happened: a delivery
waits while an earlier one for the same claim is still pending (retrying), and each delivery
that finishes hands over to the next. A worker claims a delivery with a conditional UPDATE, so
two workers never send the same one.
"""

import datetime
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.events import claim_announced
from claims.models import Claim
from claims.visibility import public_appearances, public_claims
from tracker import outbox
from webhooks import delivery as transport
from webhooks import metrics
from webhooks.models import Delivery, DeliveryAttempt, Endpoint, Event, EventType

log = logging.getLogger(__name__)


def backoff_seconds(attempt: int) -> int:
    """Wait before attempt `attempt + 1`: base, 2×base, 4×base…, capped at six hours."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1), 6 * 3600)


def event_record(
    *, claim_id: int, event_type: str, appearance_id: int | None = None
) -> Event | None:
    """Record the event for a published claim and queue one delivery per subscribed endpoint.
    A `claim.repeated` event carries the confirmed repeat (`appearance_id`) beside the claim.

    Called in the transaction of the change (claims.events.claim_announced), so the event, its
    deliveries and their outbox messages are written exactly when the change is, and the events
    of one claim follow the order of its changes (its row is locked by each move)."""
    endpoints = [e for e in Endpoint.objects.filter(is_active=True) if e.wants(event_type)]
    claim = public_claims().filter(pk=claim_id).first()
    if claim is None or not endpoints:
        return None  # nothing public to announce, or nobody to tell
    from public.api.serializers import appearance_payload, claim_payload

    with translation.override("en"):
        data: dict[str, Any] = {"claim": claim_payload(claim)}
        if appearance_id is not None:
            appearance = public_appearances().filter(pk=appearance_id).first()
            data["appearance"] = appearance_payload(appearance) if appearance else None
    with transaction.atomic():
        event = Event.objects.create(type=event_type, claim=claim, data=data)
        deliveries = Delivery.objects.bulk_create(
            [Delivery(endpoint=endpoint, event=event) for endpoint in endpoints]
        )
        for item in deliveries:
            outbox.enqueue(deliver_webhook.name, item.pk)
    return event


def _lock_expired_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)


def _unfinished() -> Q:
    return Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING)


def _earlier_unfinished(item: Delivery) -> bool:
    if item.event.claim_id is None:
        return False
    return (
        Delivery.objects.filter(
            _unfinished(),
            endpoint_id=item.endpoint_id,
            event__claim_id=item.event.claim_id,
            event_id__lt=item.event_id,
        )
        .exclude(pk=item.pk)
        .exists()
    )


def _claim(item: Delivery) -> bool:
    """Take the delivery for this worker; False when another worker has it or it is done."""
    claimable = Q(status=Delivery.Status.PENDING) | Q(
        status=Delivery.Status.SENDING, locked_at__lt=_lock_expired_before()
    )
    taken = Delivery.objects.filter(claimable, pk=item.pk).update(
        status=Delivery.Status.SENDING, locked_at=timezone.now(), attempts=F("attempts") + 1
    )
    return taken == 1


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Make one attempt at a delivery when it is its turn; safe to call twice."""
    item = Delivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    if item is None or item.status in (Delivery.Status.SUCCEEDED, Delivery.Status.FAILED):
        return item
    if _earlier_unfinished(item):
        return item  # the earlier delivery hands over when it finishes
    if not item.endpoint.is_active:
        if Delivery.objects.filter(pk=item.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED
        ):
            _finish(item, Delivery.Status.FAILED, error=_("Not sent: the endpoint is paused."))
        return item
    if not _claim(item):
        return item
    item.refresh_from_db()
    endpoint = item.endpoint

    body = item.event.body()
    headers = transport.signed_headers(
        endpoint.secret,
        body,
        {
            "Claimtrack-Event": item.event.type,
            "Claimtrack-Delivery": str(item.pk),
            "Claimtrack-Attempt": str(item.attempts),
        },
    )
    outcome = transport.send(
        endpoint.url,
        body,
        headers,
        allowed_networks=settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS,
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
    )
    error = outcome.error or (
        "" if outcome.ok else _("The endpoint answered HTTP %s.") % outcome.status_code
    )
    DeliveryAttempt.objects.create(
        delivery=item,
        number=item.attempts,
        status_code=outcome.status_code,
        latency_ms=outcome.latency_ms,
        error=error,
        response_excerpt=outcome.response_excerpt,
    )
    item.last_status_code = outcome.status_code
    item.last_latency_ms = outcome.latency_ms
    item.last_error = error

    if outcome.ok:
        _finish(item, Delivery.Status.SUCCEEDED)
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
    elif outcome.refused:
        _finish(item, Delivery.Status.FAILED)
        endpoint_pause(endpoint, reason=_("The destination was refused: %s") % outcome.error)
    elif item.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        _finish(item, Delivery.Status.FAILED)
        _count_failure(endpoint, error)
    else:
        wait = backoff_seconds(item.attempts)
        item.status = Delivery.Status.PENDING
        item.next_attempt_at = timezone.now() + datetime.timedelta(seconds=wait)
        item.save(update_fields=_OUTCOME_FIELDS)
        log.info("webhook delivery %s failed (%s); retrying in %ss", item.pk, error, wait)
        metrics.RETRIES.inc()
        outbox.enqueue(deliver_webhook.name, item.pk, countdown=wait, now=True)
    return item


_OUTCOME_FIELDS = [
    "status",
    "next_attempt_at",
    "last_status_code",
    "last_latency_ms",
    "last_error",
    "delivered_at",
    "locked_at",
]


def _finish(item: Delivery, status: str, *, error: str | None = None) -> None:
    item.status = status
    item.next_attempt_at = None
    item.locked_at = None
    if error is not None:
        item.last_error = error
    if status == Delivery.Status.SUCCEEDED:
        item.delivered_at = timezone.now()
    item.save(update_fields=_OUTCOME_FIELDS)
    _hand_over(item)


def _hand_over(item: Delivery) -> None:
    """Queue the next delivery waiting behind this one (same endpoint, same claim)."""
    if item.event.claim_id is None:
        return
    following = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            endpoint_id=item.endpoint_id,
            event__claim_id=item.event.claim_id,
            event_id__gt=item.event_id,
        )
        .order_by("event_id")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        outbox.enqueue(deliver_webhook.name, following, now=True)


def _count_failure(endpoint: Endpoint, error: str) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    endpoint.refresh_from_db(fields=["consecutive_failures"])
    if endpoint.consecutive_failures >= settings.WEBHOOK_PAUSE_AFTER_FAILURES:
        endpoint_pause(
            endpoint,
            reason=_(
                "Paused after %(count)d deliveries in a row failed, each after %(attempts)d "
                "attempts. Last error: %(error)s"
            )
            % {
                "count": endpoint.consecutive_failures,
                "attempts": settings.WEBHOOK_MAX_ATTEMPTS,
                "error": error,
            },
        )


def endpoint_pause(endpoint: Endpoint, *, reason: str) -> None:
    Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, paused_at=timezone.now(), paused_reason=reason
    )
    log.warning("webhook endpoint %s paused: %s", endpoint.pk, reason)


def endpoint_resume(endpoint: Endpoint) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, paused_at=None, paused_reason="", consecutive_failures=0
    )


def deliveries_resend_stalled(*, older_than_seconds: int = 300) -> int:
    """Queue again the deliveries whose task message was lost (a broker restart, say): pending
    past their time, or stuck `sending` past the lock. Safe: a delivery is claimed before it is
    sent, so a duplicate message is a no-op."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    stalled = Delivery.objects.filter(
        Q(status=Delivery.Status.PENDING, created_at__lt=cutoff)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff))
        | Q(status=Delivery.Status.SENDING, locked_at__lt=_lock_expired_before())
    ).values_list("pk", flat=True)
    ids = list(stalled[:1000])
    for delivery_id in ids:
        deliver_webhook.apply_async((delivery_id,))
    return len(ids)


@shared_task(name="webhooks.announce_update")
def announce_update(claim_id: int) -> None:
    """`claim.updated` for an edit committed (queued in the outbox by webhooks.receivers, once
    per transaction): announced from the claim as committed. Run twice (the outbox resends a
    message a dead worker never finished), a subscriber hears the same update twice."""
    with transaction.atomic():
        claim_announced.send(sender=Claim, claim_id=claim_id, event=EventType.UPDATED)


@shared_task(name="webhooks.deliver")
def deliver_webhook(delivery_id: int) -> None:
    """One attempt at one delivery, as a task; retries are scheduled above with backoff."""
    delivery_attempt(delivery_id=delivery_id)
