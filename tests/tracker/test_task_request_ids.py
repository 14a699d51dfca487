"""A task logs with the id of the request that queued it (tracker.requestid): through the
message's headers, through the outbox (stored with the message, for a sweep's late relay), and
on to the tasks it queues in turn."""

import datetime
import ipaddress
import json
import logging

import pytest
from django.utils import timezone

from tests import worker_support
from tests.api_support import client_for
from tests.webhook_receiver import Receiver
from tracker.models import OutboxMessage
from tracker.outbox import relay_outbox
from tracker.requestid import RequestIdFilter
from webhooks.models import Delivery, Endpoint

REQUEST_ID = "edge-4f2c9a7e1b"


@pytest.fixture
def failing_receiver(settings, outsider):
    """A webhook endpoint answering 500 once: its delivery logs a retry, in a task."""
    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    server = Receiver().start()
    server.answers = [500]
    Endpoint.objects.create(owner=outsider, url=server.url(), secret="x" * 32)
    yield server
    server.stop()


def publish(claim, editor):
    answer = client_for(editor).post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"transition": "publish"},
        format="json",
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )
    assert answer.status_code == 200 and answer["X-Request-ID"] == REQUEST_ID


@pytest.mark.django_db
def test_work_relayed_late_by_the_sweep_logs_with_its_requests_id(
    failing_receiver, make_claim, editor2, eager_tasks, django_capture_on_commit_callbacks
):
    claim = make_claim("in_review")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("webhooks.services")
    logger.addHandler(handler)
    try:
        with django_capture_on_commit_callbacks(execute=False):  # its relay never ran
            publish(claim, editor2)
        assert set(OutboxMessage.objects.values_list("request_id", flat=True)) == {REQUEST_ID}

        OutboxMessage.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=10))
        with django_capture_on_commit_callbacks(execute=True):
            relay_outbox()  # beat's sweep: outside any request
    finally:
        logger.removeHandler(handler)

    retried = [r for r in records if "retrying" in r.getMessage()]
    assert retried and {r.request_id for r in retried} == {REQUEST_ID}  # type: ignore[attr-defined]
    queued_by_the_task = OutboxMessage.objects.filter(task="webhooks.deliver").order_by("pk")
    assert queued_by_the_task.count() == 2  # the first attempt and its retry
    assert {m.request_id for m in queued_by_the_task} == {REQUEST_ID}


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_workers_json_log_lines_carry_the_id_of_the_request_that_queued_the_task(
    tmp_path, failing_receiver, make_claim, editor2
):
    from tracker.celery import app

    app.control.purge()
    log = tmp_path / "worker.log"
    env = worker_support.child_env(
        LOG_FORMAT="json", WEBHOOK_RETRY_BASE_SECONDS="1", WEBHOOK_TIMEOUT_SECONDS="5"
    )
    worker = worker_support.start_celery(
        "worker", "--pool", "solo", "--without-gossip", "--without-mingle", "-l", "INFO",
        env=env, log=log,
    )  # fmt: skip
    try:
        claim = make_claim("in_review")
        publish(claim, editor2)
        worker_support.wait_for(
            lambda: Delivery.objects.filter(status="succeeded").exists(), 60, log
        )
    finally:
        worker_support.stop(worker)

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    retried = [line for line in lines if "retrying" in line["message"]]
    assert retried and {line["request_id"] for line in retried} == {REQUEST_ID}
    assert {"time", "level", "logger", "message"} <= set(retried[0])
