"""/metrics (tracker.metrics): closed unless configured, read by Prometheus' own parser, named
by its conventions, and counting what the service does."""

import datetime
import re
import uuid
from collections import Counter

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from prometheus_client.parser import text_string_to_metric_families

from sources.metrics import count_checks
from webhooks.models import Delivery, Endpoint, Event

TOKEN = "s3cret-scrape-token"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    cache.clear()
    return settings


def scrape(client) -> dict:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    families = text_string_to_metric_families(response.content.decode())
    return {family.name: family for family in families}


def samples(family, **labels) -> list:
    return [s for s in family.samples if all(s.labels.get(k) == v for k, v in labels.items())]


def test_the_metrics_are_off_unless_a_token_or_a_network_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_anonymous_callers_never_see_the_metrics_without_the_token(db, client, metrics_on):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": TOKEN}):
        answer = client.get("/metrics", **headers)
        assert answer.status_code == 401, headers
        assert answer["WWW-Authenticate"].startswith("Bearer")
        assert b"claimtrack_" not in answer.content

    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_an_allowed_network_reads_them_and_a_forged_forwarded_for_does_not(db, client, settings):
    import ipaddress

    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]

    assert client.get("/metrics").status_code == 403  # the test client is 127.0.0.1
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_the_official_parser_reads_them_and_the_names_follow_the_conventions(
    db, client, metrics_on
):
    client.get("/claims/")
    families = scrape(client)

    ours = {name: f for name, f in families.items() if name.startswith("claimtrack_")}
    assert {
        "claimtrack_http_request_duration_seconds",
        "claimtrack_celery_tasks",
        "claimtrack_celery_task_last_success_timestamp_seconds",
        "claimtrack_link_checks",
        "claimtrack_webhook_deliveries",
        "claimtrack_webhook_delivery_retries",
        "claimtrack_beat_task_last_run_timestamp_seconds",
    } <= set(ours)
    for name, family in ours.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        if family.type == "counter":
            assert all(s.name in (f"{name}_total", f"{name}_created") for s in family.samples)
            assert not name.endswith(("_seconds", "_bytes")) or "duration" in name
        if family.type == "histogram":
            assert name.endswith("_seconds"), name
        if "timestamp" in name:
            assert name.endswith("_timestamp_seconds"), name
    latency = ours["claimtrack_http_request_duration_seconds"]
    assert samples(latency, view="claim-list", method="GET", status="2xx")


def test_the_counts_follow_tasks_link_checks_and_deliveries(db, client, metrics_on, editor):
    from webhooks.tasks import resend_stalled_deliveries

    resend_stalled_deliveries.apply()  # runs here, as a worker would, signals and all
    count_checks(Counter({"ok": 3, "broken": 1}))
    endpoint = Endpoint.objects.create(url="https://hooks.example.org/in", owner=editor)
    for status in ("pending", "pending", "failed", "succeeded"):
        event = Event.objects.create(type="claim.published", data={})
        Delivery.objects.create(endpoint=endpoint, event=event, status=status)
    PeriodicTask.objects.filter(pk=PeriodicTask.objects.first().pk).update(
        last_run_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    families = scrape(client)

    [succeeded] = samples(
        families["claimtrack_celery_tasks"], task="webhooks.resend_stalled", outcome="succeeded"
    )
    assert succeeded.value == 1
    assert samples(
        families["claimtrack_celery_task_last_success_timestamp_seconds"],
        task="webhooks.resend_stalled",
    )
    checks = {s.labels["status"]: s.value for s in families["claimtrack_link_checks"].samples}
    assert (checks["ok"], checks["broken"], checks["dead"]) == (3, 1, 0)
    deliveries = {
        s.labels["status"]: s.value for s in families["claimtrack_webhook_deliveries"].samples
    }
    assert deliveries == {"pending": 2, "sending": 0, "failed": 1}
    [last_run] = families["claimtrack_beat_task_last_run_timestamp_seconds"].samples
    assert abs(last_run.value - (timezone.now().timestamp() - 300)) < 60


@pytest.mark.worker
def test_the_celery_queue_lengths_are_read_from_the_redis_broker(db, client, metrics_on):
    import redis

    if not metrics_on.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("the broker is not Redis")
    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    metrics_on.CELERY_TASK_DEFAULT_QUEUE = queue
    broker = redis.Redis.from_url(metrics_on.CELERY_BROKER_URL)
    broker.lpush(queue, "a", "b", "c")
    try:
        families = scrape(client)
    finally:
        broker.delete(queue)

    [up] = families["claimtrack_celery_broker_up"].samples
    assert up.value == 1
    [waiting] = samples(families["claimtrack_celery_queue_length"], queue=queue)
    assert waiting.value == 3
