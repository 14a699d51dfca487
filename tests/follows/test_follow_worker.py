"""A correction reaches followers through a real Celery worker and a real SMTP server (CI's
PostgreSQL + Redis pass): the editor's publish commits, the worker plans the batches and mails
each follower once."""

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
