"""Celery tasks for webhooks: thin, idempotent, taking ids."""

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.deliver")
def deliver_webhook(delivery_id: int) -> None:
    """One attempt at one delivery; retries are scheduled by the service with backoff."""
    services.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="webhooks.resend_stalled")
def resend_stalled_deliveries() -> int:
    """Run by beat every few minutes: no delivery waits forever on a lost task message."""
    return services.deliveries_resend_stalled()
