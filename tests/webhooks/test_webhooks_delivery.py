"""Webhook deliveries against a local receiver on 127.0.0.1: signed, retried, in order, only
after commit, and never to a private address unless LINKCHECK_ALLOWED_PRIVATE_NETWORKS says so.
"""

import datetime
import ipaddress
import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from claims import services as claim_services
from tests.api_support import client_for
from tests.factories import AppearanceFactory
from tests.webhook_receiver import Receiver
from webhooks import services
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import deliver_webhook
from webhooks.signing import signature, verify

pytestmark = pytest.mark.django_db
SECRET = "s3cret-for-tests-only-0123456789"


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Deliveries run in-process here, also in CI's pass with a broker configured."""
    from tracker.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def local_network(settings):
    """The receiver lives on 127.0.0.1: allowed only in the tests that say so."""
    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]


@pytest.fixture
def endpoint(receiver, outsider):
    return Endpoint.objects.create(owner=outsider, url=receiver.url(), secret=SECRET)


def test_a_published_verdict_is_delivered_with_a_verifiable_signature(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim("published", rating="mostly-false")

    [request] = receiver.received
    event = Event.objects.get()
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert verify(
        SECRET, headers["claimtrack-timestamp"], request.body, headers["claimtrack-signature"]
    )
    assert not verify("another secret", headers["claimtrack-timestamp"], request.body,
                      headers["claimtrack-signature"])  # fmt: skip
    assert headers["claimtrack-event"] == "claim.published"
    assert request.json["id"] == str(event.uuid)
    assert request.json["type"] == "claim.published"
    payload = request.json["data"]["claim"]
    assert payload["id"] == claim.pk
    assert payload["verdict"]["rating"]["slug"] == "mostly-false"
    assert payload == client_for().get(f"/api/v1/claims/{claim.pk}/").json()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.last_latency_ms is not None


def test_an_old_or_tampered_request_does_not_verify():
    body = b'{"id": "x"}'
    now = int(time.time())
    good = signature(SECRET, now, body)

    assert verify(SECRET, str(now), body, good)
    assert not verify(SECRET, str(now), body + b" ", good)
    assert not verify(SECRET, str(now - 3600), body, signature(SECRET, now - 3600, body))
    assert not verify(SECRET, "not a time", body, good)


def test_the_documented_python_example_verifies_a_real_delivery(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    docs = (Path(django_settings.BASE_DIR) / "docs" / "api.md").read_text()
    [example] = re.findall(r"<!-- verify-example -->\n```python\n(.*?)```", docs, re.S)
    namespace: dict = {}
    exec(compile(example, "docs/api.md", "exec"), namespace)  # the README's code, as written

    with django_capture_on_commit_callbacks(execute=True):
        make_claim("published")

    [request] = receiver.received
    headers = {k.lower(): v for k, v in request.headers.items()}
    event = namespace["verified_event"](SECRET.encode(), headers, request.body)
    assert event["type"] == "claim.published"
    with pytest.raises(ValueError):
        namespace["verified_event"](b"wrong secret", headers, request.body)


def test_it_retries_after_server_errors(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 503]

    with django_capture_on_commit_callbacks(execute=True):
        make_claim("published")

    delivery = Delivery.objects.get()
    assert delivery.status == "succeeded"
    assert [a.status_code for a in delivery.history.all()] == [500, 503, 200]
    assert len({r.json["id"] for r in receiver.received}) == 1
    attempts = [r.headers["Claimtrack-Attempt"] for r in receiver.received]
    assert attempts == ["1", "2", "3"]


def test_a_receiver_answering_binary_is_logged_as_readable_text(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    receiver.answer_body = b"\x00\x1b[31mPNG\x89\xff binary \x07answer"

    with django_capture_on_commit_callbacks(execute=True):
        make_claim("published")

    delivery = Delivery.objects.get()
    assert delivery.status == "succeeded"
    assert delivery.history.get().response_excerpt == "[31mPNG\ufffd\ufffd binary answer"


def test_retries_back_off_exponentially(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30

    assert [services.backoff_seconds(n) for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert services.backoff_seconds(40) == 6 * 3600


def test_an_endpoint_that_keeps_failing_is_paused_and_says_why(
    settings, local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 2
    receiver.answers = [500] * 10

    with django_capture_on_commit_callbacks(execute=True):
        make_claim("published")
        make_claim("published")
        make_claim("published")

    assert list(Delivery.objects.order_by("id").values_list("status", "attempts")) == [
        ("failed", 2),
        ("failed", 2),
        ("failed", 0),
    ]
    assert Delivery.objects.order_by("id").last().last_error == "Not sent: the endpoint is paused."
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "2 deliveries in a row failed" in endpoint.paused_reason
    assert "HTTP 500" in endpoint.paused_reason
    assert len(receiver.received) == 4
    shown = client_for(endpoint.owner).get(f"/api/v1/webhooks/{endpoint.pk}/").json()
    assert shown["is_active"] is False and shown["paused_reason"] == endpoint.paused_reason


def test_no_delivery_for_a_rolled_back_change(
    local_network, endpoint, receiver, make_claim, editor2, django_capture_on_commit_callbacks
):
    claim = make_claim("in_review")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        claim_services.claim_transition(claim_id=claim.pk, name="publish", by=editor2)
        raise RuntimeError("the rest of the request failed")

    assert Event.objects.count() == 0
    assert receiver.received == []
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_a_private_destination_is_refused_with_default_settings(
    endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    assert django_settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS == []

    with django_capture_on_commit_callbacks(execute=True):
        make_claim("published")

    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("Refused:") and "loopback" in delivery.last_error
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.paused_reason.startswith("The destination was refused")


def test_deliveries_of_one_claim_go_out_in_order_even_when_queued_out_of_order(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    # Its claim.published is written with the publish; no task ran (no commit in this test).
    claim = make_claim("published")
    receiver.answers = [500]  # the first event needs a retry; the others must wait for it
    with django_capture_on_commit_callbacks(execute=False):
        for event_type in ("claim.updated", "claim.corrected"):
            services.event_record(claim_id=claim.pk, event_type=event_type)
    first, second, third = Delivery.objects.order_by("event_id")

    deliver_webhook(third.pk)
    deliver_webhook(second.pk)
    assert receiver.received == []

    deliver_webhook(first.pk)

    assert receiver.types == [
        "claim.published",
        "claim.published",
        "claim.updated",
        "claim.corrected",
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
    deliver_webhook(second.pk)  # a duplicate task message changes nothing
    assert len(receiver.received) == 4


def test_a_public_edit_sends_one_claim_updated_per_transaction(
    local_network, endpoint, receiver, make_claim, editor, django_capture_on_commit_callbacks
):
    claim = make_claim("published")
    draft = make_claim("researching")
    Event.objects.all().delete()  # the publish's own event (written with it) is not this test's

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            appearance = AppearanceFactory(claim=claim)
            AppearanceFactory(claim=claim)
            appearance.quote_translation = "Translated in one transaction"
            appearance.save()
        AppearanceFactory(claim=draft)
        client_for(editor).patch(
            f"/api/v1/claims/{draft.pk}/", {"translation": "Unpublished"}, format="json"
        )

    assert receiver.types == ["claim.updated"]
    payload = receiver.received[0].json["data"]["claim"]
    assert len(payload["appearances"]) == 2
    assert "Translated in one transaction" in json.dumps(payload)


def test_workflow_moves_and_private_fields_send_no_claim_updated(
    local_network, endpoint, receiver, make_claim, editor2, django_capture_on_commit_callbacks
):
    claim = make_claim("published")

    with django_capture_on_commit_callbacks(execute=True):
        claim_services.claim_transition(
            claim_id=claim.pk, name="reopen", by=editor2, note="New data came out"
        )
        claim.refresh_from_db()
        claim.assignee = editor2
        claim.save()
        # A draft of the statement: readers see it only with the next verdict.
        edited = client_for(editor2).patch(
            f"/api/v1/claims/{claim.pk}/", {"translation": "Draft wording"}, format="json"
        )
        assert edited.status_code == 200

    assert receiver.received == []


def test_a_correction_is_announced_as_claim_corrected(
    local_network, endpoint, receiver, make_claim, checker, editor2,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    claim = make_claim("published", rating="true")
    Event.objects.all().delete()  # the publish's own event (written with it) is not this test's

    with django_capture_on_commit_callbacks(execute=True):
        client = client_for(editor2)
        move = f"/api/v1/claims/{claim.pk}/transitions/"
        client.post(move, {"transition": "reopen", "note": "New figures"}, format="json")
        client_for(checker).post(
            "/api/v1/reviews/", {"claim": claim.pk, "rating": "false"}, format="json"
        )
        client_for(checker).post(move, {"transition": "submit"}, format="json")
        client.post(move, {"transition": "publish", "note": "It was false"}, format="json")

    assert receiver.types == ["claim.corrected"]
    body = receiver.received[0].json["data"]["claim"]
    assert body["corrections"][0]["note"] == "It was false"


def test_only_subscribed_events_are_sent(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    endpoint.events = ["claim.corrected"]
    endpoint.save()

    with django_capture_on_commit_callbacks(execute=True):
        make_claim("published")

    assert receiver.received == []
    assert Event.objects.count() == 0


def test_the_body_is_the_same_bytes_on_every_attempt(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    receiver.answers = [502]

    with django_capture_on_commit_callbacks(execute=True):
        make_claim("published")

    first, second = receiver.received
    assert first.body == second.body
    assert json.loads(first.body)["id"] == json.loads(second.body)["id"]


def test_a_delivery_whose_task_was_lost_is_sent_by_the_sweep(
    local_network, endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    from django_celery_beat.models import PeriodicTask

    from webhooks.tasks import resend_stalled_deliveries

    with django_capture_on_commit_callbacks(execute=False):  # the task message is "lost"
        make_claim("published")
    assert resend_stalled_deliveries() == 0  # too recent to call stalled
    Delivery.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))

    assert resend_stalled_deliveries() == 1

    assert receiver.types == ["claim.published"]
    assert PeriodicTask.objects.get(task="webhooks.resend_stalled").enabled
