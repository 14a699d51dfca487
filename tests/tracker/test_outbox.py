"""The transactional outbox: work handed on is written with the write that asked for it (and
not without it), and the sweep knows what to send again."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from sources.services.registration import link_register
from tracker import outbox
from tracker.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_work_handed_on_is_written_with_the_write_and_only_then(
    django_capture_on_commit_callbacks, eager_tasks, settings
):
    with pytest.raises(RuntimeError), transaction.atomic():
        link_register(url="https://rolled-back.example.org/report")
        raise RuntimeError("the request failed after the link was registered")
    assert not OutboxMessage.objects.exists()

    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = []  # the check runs, and finds it refused
    with django_capture_on_commit_callbacks(execute=True):
        link = link_register(url="https://kept.example.org/report")
        message = OutboxMessage.objects.get()
        assert (message.task, message.args) == ("sources.tasks.check_links", [[link.pk]])
        assert message.sent_at is None
    message.refresh_from_db()
    assert message.done_at is not None  # eager: run in-process after the commit


def test_the_sweep_sends_what_was_never_sent_and_again_what_was_lost(settings):
    settings.OUTBOX_RESEND_SECONDS = 30
    settings.OUTBOX_MAX_SENDS = 3
    now = timezone.now()

    def message(name: str, *, age: int, sent: int | None = None, done=False, sends=0, wait=0):
        return OutboxMessage.objects.create(
            task=name,
            args=[],
            available_at=now - datetime.timedelta(seconds=age - wait),
            sent_at=now - datetime.timedelta(seconds=sent) if sent is not None else None,
            done_at=now if done else None,
            sends=sends,
        )

    never_sent = message("never sent", age=10)
    message("just written, its relay is on the way", age=0)
    lost = message("sent a minute ago, not done", age=60, sent=60, sends=1)
    message("sent just now", age=60, sent=5, sends=1)
    message("done", age=60, sent=60, done=True, sends=1)
    message("given up on", age=600, sent=60, sends=3)
    message("a retry due in an hour", age=60, sent=60, sends=1, wait=3660)
    OutboxMessage.objects.update(created_at=now - datetime.timedelta(seconds=10))
    OutboxMessage.objects.filter(task="just written, its relay is on the way").update(
        created_at=now
    )

    assert list(outbox.due(now)) == [never_sent, lost]
    assert list(outbox.stuck().values_list("task", flat=True)) == ["given up on"]
