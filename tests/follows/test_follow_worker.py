"""A correction reaches followers through a real Celery worker and a real SMTP server (CI's
PostgreSQL + Redis pass): the editor's publish commits, the worker plans the batches and mails
each follower once."""

import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from follows.models import Follow, NoticeBatch
from tests import worker_support
from tests.site_data import correct

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def mailing_worker(smtp_server, tmp_path):
    """A `celery worker` whose mail goes to the local SMTP server, in batches of three."""
    from tracker.celery import app

    app.control.purge()
    smtp_server.clear()
    log = tmp_path / "worker.log"
    env = worker_support.child_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        FOLLOW_BATCH_SIZE="3",
    )
    process = worker_support.start_celery(
        "worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        env=env, log=log,
    )  # fmt: skip
    yield log
    worker_support.stop(process)


def test_a_worker_mails_a_correction_to_each_follower_once_in_batches(
    mailing_worker, smtp_server, make_claim, editor, checker
):
    claim = make_claim("published", rating="half-true")
    now = timezone.now()
    Follow.objects.bulk_create(
        Follow(email=f"r{n}@example.org", kind="claim", target_id=claim.pk, confirmed_at=now)
        for n in range(7)
    )
    correct(claim, editor=editor, checker=checker, rating="false")

    worker_support.wait_for(lambda: smtp_server.count() >= 7, 60, mailing_worker)
    worker_support.wait_for(
        lambda: NoticeBatch.objects.filter(state="sent").count() == 3, 30, mailing_worker
    )
    addresses = sorted(m["To"] for m in smtp_server.messages)
    assert addresses == sorted(f"r{n}@example.org" for n in range(7))


def test_a_batch_whose_worker_is_killed_mid_send_is_resumed_and_nobody_mailed_twice(
    tmp_path, make_claim, editor, checker
):
    from follows.services import resume_stalled_batches
    from tests.smtp_support import SmtpServer
    from tracker.celery import app

    # The third mail keeps its sender waiting: the worker is killed meanwhile.
    stall = 8
    (tmp_path / "smtp").mkdir()
    smtp = SmtpServer(tmp_path / "smtp", stall_after=2, stall=stall).start()
    app.control.purge()
    env = worker_support.child_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        FOLLOW_BATCH_SIZE="10",
        FOLLOW_BATCH_LEASE_SECONDS="2",
    )
    args = (
        "worker",
        "--pool",
        "solo",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    )
    log = tmp_path / "worker.log"
    worker = second = None
    try:
        worker = worker_support.start_celery(*args, env=env, log=log)
        claim = make_claim("published", rating="half-true")
        now = timezone.now()
        Follow.objects.bulk_create(
            Follow(email=f"r{n}@example.org", kind="claim", target_id=claim.pk, confirmed_at=now)
            for n in range(6)
        )
        correct(claim, editor=editor, checker=checker, rating="false")

        worker_support.wait_for(lambda: NoticeBatch.objects.filter(sent=3).exists(), 60, log)
        worker_support.stop(worker, signal.SIGKILL)  # the third mail in flight
        killed_at = time.monotonic()
        batch = NoticeBatch.objects.get()
        assert batch.state == "sending"

        second = worker_support.start_celery(*args, env=env, log=tmp_path / "second.log")
        time.sleep(2.5)  # the dead worker's lease runs out
        assert resume_stalled_batches() == 1
        worker_support.wait_for(
            lambda: NoticeBatch.objects.filter(state="sent").exists(), 60, tmp_path / "second.log"
        )
        worker_support.wait_for(lambda: smtp.count() >= 5, 30, tmp_path / "second.log")
        # The server has done with the killed worker's mail, whatever it does: its stall began
        # before the kill.
        time.sleep(max(0.0, killed_at + stall + 1 - time.monotonic()))
        mailed = Counter(m["To"] for m in smtp.messages)
        assert set(mailed.values()) == {1}  # nobody twice
        # Everyone but the follower whose mail was in flight when the worker died (at most once).
        assert set(mailed) >= {f"r{n}@example.org" for n in (0, 1, 3, 4, 5)}
        assert NoticeBatch.objects.get().sent == 6
    finally:
        worker_support.stop(worker, signal.SIGKILL)
        worker_support.stop(second)
        smtp.stop()
