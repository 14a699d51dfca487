"""Faults with the real services: the site under gunicorn, a Celery worker and beat, a private
Redis (cache and broker) stopped and restarted under load, a private PostgreSQL cluster stopped
and restarted. Nothing answers 500, nothing handed on is lost, and what derives from the writes
made during the outage converges within CONVERGES_WITHIN seconds of the recovery."""

import json
import subprocess
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.utils import timezone

from claims.models import Appearance, Claim, Speaker
from sources.models import Link, Source
from tests import worker_support
from tests.fault_support import Load, PrivatePostgres, Site
from tests.webhook_receiver import Receiver
from tracker.models import OutboxMessage
from webhooks.models import Delivery, Endpoint

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

# The aim (issue 25): the derived data of every write made during an outage converges within
# 60 s of the recovery; a database outage ends in 200s within 5 s of the database's return.
CONVERGES_WITHIN = 60
DATABASE_RECOVERS_WITHIN = 10  # measured ~1 s; the margin is for a busy CI machine


def token_for(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def api(site: Site, path: str, token: str, body: dict, method: str = "POST") -> int:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(
        site.url(path), data=json.dumps(body).encode(), headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as answer:
        return answer.code


def services_env(redis, **overrides: str) -> dict[str, str]:
    """Children on the private Redis (broker in db 0, cache in db 1), with short waits."""
    return worker_support.child_env(
        **{
            "CELERY_BROKER_URL": redis.url(0),
            "REDIS_URL": redis.url(1),
            "CACHE_BREAKER_SECONDS": "1",
            "OUTBOX_RESEND_SECONDS": "5",
            "PUBLIC_PAGE_GENERATION_CHECK_SECONDS": "1",
            "WEBHOOK_RETRY_BASE_SECONDS": "2",
            **overrides,
        }
    )


def wait_until(condition, seconds: float, logs) -> float:
    """Seconds until `condition` held (fails past `seconds`, with the children's logs)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.25)
    pytest.fail(f"did not happen within {seconds} s:\n{worker_support.log_tails(logs)}")


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def many_claims_said_by(speaker: Speaker, count: int) -> list[int]:
    """`count` claims said by `speaker`: more than one request refreshes by itself."""
    source = Source.objects.create(title="A long interview", language="en")
    claims = Claim.objects.bulk_create(
        Claim(text=f"Claim {n}", language="en", slug=f"claim-{n}") for n in range(count)
    )
    Appearance.objects.bulk_create(
        Appearance(claim=c, speaker=speaker, source=source, quote=c.text, quote_language="en")
        for c in claims
    )
    return [c.pk for c in claims]


def test_redis_stopped_under_load_serves_every_page_and_loses_no_work(
    running_redis, tmp_path, make_claim, editor2, reporter, outsider, receiver, linkcheck_web
):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from claims.dependents import TOUCH_INLINE_MAX

    published = [make_claim("published", text=f"Read claim {n}", translation="") for n in range(2)]
    waiting = make_claim("in_review", text="Published during the outage", translation="")
    Endpoint.objects.create(owner=outsider, url=receiver.url(), secret="x" * 32)
    speaker = Speaker.objects.create(name="A busy speaker", slug="a-busy-speaker")
    fan_out = many_claims_said_by(speaker, TOUCH_INLINE_MAX + 1)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(task="tracker.relay_outbox").update(interval=every_second)
    editor_token, reporter_token = token_for(editor2), token_for(reporter)

    env = services_env(running_redis)
    logs = [tmp_path / "site.log", tmp_path / "worker.log", tmp_path / "beat.log"]
    site = Site(env, logs[0])
    worker = worker_support.start_celery(
        "worker", "--pool", "solo", "--without-gossip", "--without-mingle", env=env, log=logs[1]
    )
    beat = worker_support.start_celery(
        "beat", "--schedule", str(tmp_path / "beat-schedule"), env=env, log=logs[2]
    )
    paths = ["/", "/claims/", "/api/v1/claims/", *(c.get_absolute_url() for c in published)]
    load = Load(site, paths)
    try:
        time.sleep(1)
        down = time.monotonic()
        running_redis.stop()
        time.sleep(0.5)
        # Writes during the outage: a publish (a webhook delivery), a new link (its check), a
        # speaker of many claims renamed (a fan-out to tasks).
        assert api(site, f"/api/v1/claims/{waiting.pk}/transitions/", editor_token,
                   {"transition": "publish"}) == 200  # fmt: skip
        assert api(site, "/api/v1/sources/", reporter_token, {
            "title": "Cited during the outage", "language": "en", "url": linkcheck_web.url("/ok"),
        }) == 201  # fmt: skip
        assert api(site, f"/api/v1/speakers/{speaker.slug}/", reporter_token,
                   {"name": "A busy speaker, renamed"}, method="PATCH") == 200  # fmt: skip
        renamed_at = timezone.now()
        assert OutboxMessage.objects.filter(done_at__isnull=True).count() >= 3
        time.sleep(2)
        running_redis.start()
        back = time.monotonic()

        def converged() -> bool:
            return (
                Delivery.objects.filter(status="succeeded").exists()
                and Link.objects.filter(url__contains="/ok").exclude(status="unchecked").exists()
                and not Claim.objects.filter(pk__in=fan_out, updated_at__lt=renamed_at).exists()
                and not OutboxMessage.objects.filter(done_at__isnull=True).exists()
            )

        took = wait_until(converged, CONVERGES_WITHIN, logs)
    finally:
        load.stop()
        site.stop()
        worker_support.stop(worker)
        worker_support.stop(beat)

    print(f"converged {took:.1f} s after Redis came back")
    answers = load.answers
    during = load.between(down, back)
    assert during, "no request was answered while Redis was down"
    assert [a[1:3] for a in answers if a[2] != 200] == []
    assert receiver.types == ["claim.published"]
    assert Claim.objects.get(pk=waiting.pk).status == "published"


@pytest.fixture(scope="session")
def private_postgres():
    cluster = PrivatePostgres()
    try:
        cluster.init()
    except (OSError, subprocess.CalledProcessError) as error:  # no initdb, no postgres user
        cluster.remove()
        pytest.skip(f"cannot make a private PostgreSQL cluster: {error}")
    cluster.start()
    yield cluster
    cluster.remove()


def test_the_site_answers_503_while_the_database_is_down_and_recovers_with_its_worker(
    private_postgres, running_redis, tmp_path, make_claim, reporter, linkcheck_web
):
    claim = make_claim("published", text="Read while the database restarts", translation="")
    reporter_token = token_for(reporter)
    if not private_postgres.running():
        private_postgres.start()
    database = private_postgres.copy_of(worker_support.database_url(), "claimtrack_fault")
    env = services_env(
        running_redis,
        DATABASE_URL=database,
        CELERY_BROKER_URL=running_redis.url(4),
        REDIS_URL=running_redis.url(5),
        PUBLIC_PAGE_CACHE_SECONDS="0",  # every answer below comes from the database
    )
    logs = [tmp_path / "site.log", tmp_path / "worker.log"]
    site = Site(env, logs[0])
    worker = worker_support.start_celery(
        "worker", "--pool", "solo", "--without-gossip", "--without-mingle", env=env, log=logs[1]
    )

    def checked(url: str) -> bool:
        with psycopg.connect(database, connect_timeout=2) as conn:
            row = conn.execute("SELECT status FROM sources_link WHERE url = %s", [url]).fetchone()
        return row is not None and row[0] != "unchecked"

    def cite(path: str) -> str:
        url = linkcheck_web.url(path)
        assert api(site, "/api/v1/sources/", reporter_token, {
            "title": f"Cites {path}", "language": "en", "url": url,
        }) == 201  # fmt: skip
        return url

    paths = ["/claims/", "/api/v1/claims/", claim.get_absolute_url(), "/health/"]
    try:
        first = cite("/ok")  # the worker's connection is in use before the restart
        wait_until(lambda: checked(first), 30, logs)
        load = Load(site, paths)
        time.sleep(1)
        private_postgres.stop()
        down = time.monotonic()
        time.sleep(2)
        private_postgres.start()
        back = time.monotonic()
        recovered = wait_until(
            lambda: all(site.get(p)[0] == 200 for p in paths), DATABASE_RECOVERS_WITHIN, logs
        )
        load.stop()
        second = cite("/ok/after-the-restart")
        wait_until(lambda: checked(second), 30, logs)
        assert worker.poll() is None  # the worker lived through it
    finally:
        site.stop()
        worker_support.stop(worker)

    print(f"200 again {recovered:.1f} s after the database came back")
    answers = load.answers
    assert {a[2] for a in answers} <= {200, 503}, sorted({a[2] for a in answers})
    during = [a for a in load.between(down, back) if a[1] != "/health/"]
    assert any(a[2] == 503 for a in during)
    assert all(a[3].get("Retry-After") for a in answers if a[2] == 503)
    before = load.between(0, down - 0.5)
    assert before and all(a[2] == 200 for a in before)
    after = load.between(back + recovered, float("inf"))
    assert all(a[2] == 200 for a in after)
