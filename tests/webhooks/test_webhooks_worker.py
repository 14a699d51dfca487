"""Webhooks with a real Celery worker and real commits (CI's PostgreSQL + Redis pass): the
delivery leaves the request, fails, is retried after its backoff by the worker, and a change
that is rolled back never reaches the broker."""

import time

import pytest
from django.db import transaction

from claims import services as claim_services
from tests.api_support import client_for
from tests.webhook_receiver import Receiver
from tests.worker_support import wait_for
from webhooks.models import Delivery, Endpoint, Event

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


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
