"""A change and its announcements commit together: the webhook event, its deliveries and the
followers' news are written in the change's transaction and handed on through the outbox, so a
process that dies between the commit and its after-commit callbacks loses nothing, and a change
rolled back announces nothing."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from claims import services as claim_services
from follows.models import Follow, Notice
from tests.factories import AppearanceFactory
from tests.webhook_receiver import Receiver
from tracker.models import OutboxMessage
from tracker.outbox import relay_outbox
from webhooks.models import Endpoint, Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_run_in_process(eager_tasks):
    """The relay runs what it finds in-process here, also in CI's pass with a broker."""


@pytest.fixture
def receiver(settings):
    import ipaddress

    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(receiver, outsider):
    return Endpoint.objects.create(owner=outsider, url=receiver.url(), secret="s" * 32)


def the_sweep_runs_later(django_capture_on_commit_callbacks) -> None:
    """Beat's `tracker.relay_outbox`, a few seconds after the process that committed died."""
    OutboxMessage.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=10))
    with django_capture_on_commit_callbacks(execute=True):  # what the tasks hand on, relayed
        relay_outbox()


def test_a_publish_whose_process_died_after_the_commit_is_still_announced(
    endpoint, receiver, make_claim, editor2, django_capture_on_commit_callbacks
):
    claim = make_claim("in_review")
    Follow.objects.create(
        email="reader@example.org", kind="claim", target_id=claim.pk, confirmed_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=False):  # committed; its callbacks lost
        claim_services.claim_transition(claim_id=claim.pk, name="publish", by=editor2)

    assert receiver.received == []
    assert Event.objects.get().type == "claim.published"
    assert Notice.objects.get().claim_id == claim.pk
    waiting = set(OutboxMessage.objects.values_list("task", flat=True))
    assert {"webhooks.deliver", "follows.plan_notice"} <= waiting

    the_sweep_runs_later(django_capture_on_commit_callbacks)

    assert receiver.types == ["claim.published"]
    assert receiver.received[0].json["data"]["claim"]["id"] == claim.pk
    assert Notice.objects.get().planned_at is not None


def test_an_edit_whose_process_died_after_the_commit_is_still_announced(
    endpoint, receiver, make_claim, django_capture_on_commit_callbacks
):
    claim = make_claim("published")
    Event.objects.all().delete()  # the publish's own event is not this test's

    # Committed; its callbacks lost.
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        AppearanceFactory(claim=claim, quote="Said again, in one transaction")
        AppearanceFactory(claim=claim)
    queued = OutboxMessage.objects.filter(task="webhooks.announce_update")
    assert list(queued.values_list("args", flat=True)) == [[claim.pk]]  # once per transaction

    the_sweep_runs_later(django_capture_on_commit_callbacks)

    assert receiver.types == ["claim.updated"]
    assert "Said again, in one transaction" in receiver.received[0].body.decode()


def test_a_rolled_back_publish_leaves_no_event_no_news_and_nothing_to_send(
    endpoint, receiver, make_claim, editor2, django_capture_on_commit_callbacks
):
    claim = make_claim("in_review")
    before = OutboxMessage.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        claim_services.claim_transition(claim_id=claim.pk, name="publish", by=editor2)
        assert Event.objects.exists()  # written with the move…
        raise RuntimeError("the rest of the request failed")

    assert not Event.objects.exists()  # …and gone with it
    assert not Notice.objects.exists()
    assert OutboxMessage.objects.count() == before
    the_sweep_runs_later(django_capture_on_commit_callbacks)
    assert receiver.received == []
