"""Webhook deliveries' metrics (tracker.metrics): how many wait, how many were given up, and
how many attempts failed and were scheduled again."""

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from tracker.metrics import SharedCounter, register
from webhooks.models import Delivery

RETRIES = SharedCounter(
    "claimtrack_webhook_delivery_retries",
    "Webhook delivery attempts that failed and were scheduled again.",
)


class Deliveries:
    """Deliveries not delivered, by status: waiting (pending, sending) and given up (failed).
    Read from the partial index on unfinished deliveries (delivery_not_delivered_idx)."""

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "claimtrack_webhook_deliveries",
            "Webhook deliveries not delivered: pending, sending, or failed (given up).",
            labels=["status"],
        )
        counts = dict(
            Delivery.objects.exclude(status=Delivery.Status.SUCCEEDED)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for status in (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.FAILED):
            family.add_metric([status.value], counts.get(status.value, 0))
        yield family


register(Deliveries())
