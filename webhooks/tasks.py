"""Celery beat's webhook work: thin, idempotent. A delivery's own task sits beside the
delivery logic (webhooks.services.deliver_webhook)."""

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.resend_stalled")
def resend_stalled_deliveries() -> int:
    """Run by beat every few minutes: no delivery waits forever on a lost task message."""
    return services.deliveries_resend_stalled()
