"""`manage.py check_links --processes 2`: one checking process is killed with SIGKILL mid-batch;
the other takes over its leases once they expire, and every link ends up checked exactly once
(nothing lost, nothing recorded twice)."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone

from sources.models import Link
from tests import worker_support
from tests.linkcheck_web import TestWeb

pytestmark = [pytest.mark.postgres, pytest.mark.worker]

LINKS = 240
LEASE_SECONDS = 10


@pytest.fixture(scope="module")
def hosts():
    servers = [TestWeb(f"127.0.0.{n}").start() for n in (41, 42, 43)]
    yield servers
    for server in servers:
        server.stop()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def held_by(pid: int) -> list[int]:
    """Links leased by process `pid` and not recorded yet (the lease token carries the pid
    after the run's eight hex digits)."""
    return [
        pk
        for pk, token in Link.objects.filter(check_count=0)
        .exclude(lease_token="")
        .values_list("pk", "lease_token")
        if token[8:16] == f"{pid:08x}"
    ]


def checked() -> int:
    return Link.objects.filter(check_count__gt=0).count()


@pytest.mark.timeout(120)
def test_no_link_is_lost_or_checked_twice_when_a_process_is_killed(transactional_db, hosts):
    now = timezone.now()
    Link.objects.bulk_create(
        Link(url=hosts[n % 3].url(f"/ok/story-{n}"), host=hosts[n % 3].host, next_check_at=now)
        for n in range(LINKS)
    )
    env = worker_support.child_env(
        LINKCHECK_LEASE_SECONDS=str(LEASE_SECONDS),
        # Slow enough (60 requests/s in all, limits shared through Redis) to kill mid-batch.
        LINKCHECK_PER_HOST_CONCURRENCY="1",
        LINKCHECK_PER_HOST_INTERVAL_MS="50",
    )
    command = worker_support.start(
        [
            "manage.py", "check_links", "--all", "--processes", "2",
            "--batch", "20", "--no-archives", "--no-progress",
        ],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert command.poll() is None, command.stdout.read().decode()
            assert time.monotonic() < deadline, "no batch in flight after 40 checks"
            workers = children(command.pid)
            if checked() >= 40 and len(workers) == 2:
                victim = workers[0]
                if held_by(victim):  # killed mid-batch, with links it has not recorded
                    os.kill(victim, signal.SIGKILL)
                    break
            time.sleep(0.02)
        orphans = held_by(victim)
        assert orphans, "the killed process had recorded its whole batch"
        output, _ = command.communicate(timeout=LEASE_SECONDS + 60)
    finally:
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGKILL)
            command.wait()
    assert command.returncode == 0, output.decode()

    per_link = Link.objects.annotate(rows=Count("checks"))
    assert sorted({(link.check_count, link.rows) for link in per_link}) == [(1, 1)]
    assert set(Link.objects.values_list("status", flat=True)) == {Link.Status.OK}
    assert not Link.objects.exclude(lease_token="").exists()
    assert Link.objects.filter(pk__in=orphans, check_count=1).count() == len(orphans)
    # The killed process's unrecorded links were fetched again by the survivor.
    served = [s.path for server in hosts for s in server.seen if s.path.startswith("/ok/story-")]
    assert len(set(served)) == LINKS
