"""Webhooks with a real Celery worker and real commits (CI's PostgreSQL + Redis pass): the
delivery leaves the request, fails, is retried after its backoff by the worker, and a change
that is rolled back never reaches the broker."""

import ipaddress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from claims import services as claim_services
from tests.api_support import client_for
from tests.webhook_receiver import Receiver
from tracker.celery import app
from webhooks.models import Delivery, Endpoint, Event

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def worker(tmp_path, settings):
    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{db['NAME']}"
        ),
        "LINKCHECK_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        "WEBHOOK_RETRY_BASE_SECONDS": "2",
        "WEBHOOK_TIMEOUT_SECONDS": "5",
    }
    app.control.purge()  # nothing left over from earlier runs on this broker
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool", "solo"]
        + ["--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=PROJECT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield log
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def wait_for(condition, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out; worker log:\n{log.read_text()[-5000:]}")


def test_a_worker_delivers_and_retries_with_backoff(
    worker, receiver, make_claim, outsider, editor2
):
    Endpoint.objects.create(owner=outsider, url=receiver.url(), secret="x" * 32)
    claim = make_claim("in_review")
    receiver.answers = [500]

    answer = client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "publish"}, format="json"
    )
    assert answer.status_code == 200

    def delivered() -> bool:
        return Delivery.objects.filter(status="succeeded").exists()

    wait_for(delivered, 60, worker)
    delivery = Delivery.objects.get()
    first, second = delivery.history.order_by("number")
    assert (first.status_code, second.status_code) == (500, 200)
    assert (second.at - first.at).total_seconds() >= 2  # the backoff, not an immediate retry
    assert receiver.types == ["claim.published", "claim.published"]


def test_a_rolled_back_publication_sends_nothing(worker, receiver, make_claim, outsider, editor2):
    Endpoint.objects.create(owner=outsider, url=receiver.url(), secret="x" * 32)
    kept, dropped = make_claim("in_review"), make_claim("in_review")

    with pytest.raises(RuntimeError), transaction.atomic():
        claim_services.claim_transition(claim_id=dropped.pk, name="publish", by=editor2)
        raise RuntimeError("the request failed after the transition")
    claim_services.claim_transition(claim_id=kept.pk, name="publish", by=editor2)

    wait_for(lambda: len(receiver.received) == 1, 60, worker)
    time.sleep(1)
    assert [r.json["data"]["claim"]["id"] for r in receiver.received] == [kept.pk]
    assert list(Event.objects.values_list("claim_id", flat=True)) == [kept.pk]
