"""Real workers: celery beat and `celery worker` processes check a few hundred links on the
local test web; the first worker is killed with SIGKILL mid-batch, a second one takes over,
and every link ends up checked (the killed worker's leases expire and are leased again)."""

import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from sources.models import Link
from tests import worker_support
from tests.linkcheck_web import TestWeb
from tests.worker_support import stop
from tracker.celery import app

pytestmark = [pytest.mark.postgres, pytest.mark.worker]

LINKS = 300
# The shortest lease settings allow (10 s): the killed worker's links wait it out before a
# second worker may lease them (a batch of 50 takes ~2 s at the rate below).
LEASE_SECONDS = 10


@pytest.fixture(scope="module")
def hosts():
    servers = [TestWeb(f"127.0.0.{n}").start() for n in (11, 12, 13)]
    yield servers
    for server in servers:
        server.stop()


def celery(*args: str, log: Path) -> subprocess.Popen:
    return worker_support.start_celery(
        *args,
        env=worker_support.child_env(
            LINKCHECK_LEASE_SECONDS=str(LEASE_SECONDS),
            LINKCHECK_BATCH_SIZE="50",
            LINKCHECK_BATCHES_PER_RUN="10",
            # Slow enough (30 requests/s in all, shared through Redis) to kill a worker mid-batch.
            LINKCHECK_PER_HOST_CONCURRENCY="1",
            LINKCHECK_PER_HOST_INTERVAL_MS="100",
            ARCHIVE_AVAILABILITY_URL="http://127.0.0.1:9/no-archive",
        ),
        log=log,
    )


def checked_links() -> int:
    return Link.objects.filter(check_count__gt=0).count()


def wait_for(condition, timeout: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = worker_support.log_tails(logs, 3000)
            pytest.fail(f"timed out waiting for {what}; {checked_links()} checked\n{tails}")
        time.sleep(0.25)


@pytest.mark.timeout(240)
def test_no_link_is_lost_when_a_worker_is_killed_mid_batch(transactional_db, hosts, tmp_path):
    now = timezone.now()
    Link.objects.bulk_create(
        Link(url=hosts[n % 3].url(f"/ok/story-{n}"), host=hosts[n % 3].host, next_check_at=now)
        for n in range(LINKS)
    )
    every_two_seconds, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
    PeriodicTask.objects.filter(name="Check due links").update(interval=every_two_seconds)
    app.control.purge()  # nothing left over from earlier tests on this broker

    logs = [tmp_path / "beat.log", tmp_path / "worker1.log", tmp_path / "worker2.log"]
    beat = celery(
        "beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
        "--schedule", str(tmp_path / "beat-schedule"), "-l", "info", log=logs[0],
    )  # fmt: skip
    first = celery("worker", "-c", "2", "-n", "first@%h", "-l", "info", log=logs[1])
    second = None
    try:
        wait_for(lambda: checked_links() >= 40, 60, "the first checks", logs)
        stop(first, signal.SIGKILL)
        killed_at = checked_links()
        assert killed_at < LINKS, "the worker finished before it could be killed"
        assert Link.objects.exclude(lease_token="").exists(), "no batch was in flight"

        second = celery("worker", "-c", "2", "-n", "second@%h", "-l", "info", log=logs[2])
        wait_for(lambda: checked_links() == LINKS, LEASE_SECONDS + 90, "every link", logs)
    finally:
        for process in (first, second, beat):
            if process is not None:
                stop(process)
        app.control.purge()

    assert not Link.objects.filter(status=Link.Status.UNCHECKED).exists()
    assert set(Link.objects.values_list("status", flat=True)) == {Link.Status.OK}
    assert not Link.objects.annotate(n=Count("checks")).filter(n=0).exists()
    served = sum(
        1 for server in hosts for seen in server.seen if seen.path.startswith("/ok/story-")
    )
    assert served >= LINKS
