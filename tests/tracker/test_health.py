"""/health/ tells the truth: ok, degraded or error, with the detail of each part only for the
token, an allowed network or staff."""

import ipaddress

import pytest

from tests.redis_support import free_port
from tracker import outbox
from tracker.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def alive(settings):
    """Beat and one worker seen just now."""
    outbox.beat("beat")
    outbox.beat("worker:celery@web-1")
    settings.HEALTH_TOKEN = "a-long-health-token"
    return settings


def test_anonymous_callers_learn_only_the_status(client, alive):
    answer = client.get("/health/")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert "no-cache" in answer["Cache-Control"]


def test_the_token_shows_each_part(client, alive):
    answer = client.get("/health/", HTTP_AUTHORIZATION="Bearer a-long-health-token")
    body = answer.json()
    assert body["status"] == "ok" and body["degraded_by"] == []
    assert body["database"] == "ok"
    assert {"cache", "broker"} <= set(body)


def test_a_wrong_token_shows_nothing(client, alive):
    answer = client.get("/health/", HTTP_AUTHORIZATION="Bearer a-long-health-tokeX")
    assert answer.json() == {"status": "ok"}


def test_an_allowed_network_shows_each_part(client, alive):
    alive.HEALTH_ALLOWED_NETWORKS = [ipaddress.ip_network("10.1.0.0/16")]
    assert "database" in client.get("/health/", REMOTE_ADDR="10.1.2.3").json()
    assert "database" not in client.get("/health/", REMOTE_ADDR="10.2.2.3").json()


def test_an_unreachable_cache_makes_health_degraded_not_down(client, alive):
    alive.CACHES = {
        "default": {
            "BACKEND": "tracker.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "BREAKER_SECONDS": 1},
        },
        "local": alive.LOCAL_CACHE,
    }
    answer = client.get("/health/", HTTP_AUTHORIZATION="Bearer a-long-health-token")
    assert answer.status_code == 200
    assert answer.json()["status"] == "degraded"
    assert answer.json()["cache"] == "unreachable"
    assert "cache" in answer.json()["degraded_by"]


@pytest.fixture
def with_workers(alive):
    """As with a broker: the background parts count (eager runs have none to watch)."""
    from tracker.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield alive
    app.conf.task_always_eager = eager


def test_silent_workers_and_a_waiting_outbox_make_health_degraded(client, with_workers):
    from django.utils import timezone

    from tracker.models import Heartbeat

    def parts() -> dict:
        return client.get("/health/", HTTP_AUTHORIZATION="Bearer a-long-health-token").json()

    long_ago = timezone.now() - timezone.timedelta(minutes=10)
    Heartbeat.objects.update(at=long_ago)
    OutboxMessage.objects.create(task="webhooks.deliver", args=[1], available_at=long_ago)
    OutboxMessage.objects.filter().update(created_at=long_ago)
    body = parts()
    assert body["status"] == "degraded"
    assert {"workers", "beat", "outbox"} <= set(body["degraded_by"])
    assert body["background"]["outbox"]["waiting"] == 1
