"""Politeness per host: at most N requests at once and M ms between starts, shared by every
worker through Redis when a broker is configured."""

import ipaddress
import threading
import time
import uuid

import pytest

from sources import services
from sources.linkcheck.fetch import FetchConfig, Target, fetch_all
from sources.linkcheck.politeness import LocalPoliteness, RedisPoliteness
from sources.services import config
from tests.linkcheck_web import TestWeb

CONFIG = FetchConfig(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),), probe_soft_404=False)


@pytest.fixture(scope="module")
def other_host():
    server = TestWeb("127.0.0.4").start()
    yield server
    server.stop()


@pytest.fixture
def web(linkcheck_web):
    linkcheck_web.seen.clear()
    slow = linkcheck_web.slow_seconds
    yield linkcheck_web
    linkcheck_web.slow_seconds = slow


def starts(server, prefix: str) -> list[float]:
    return [seen.at for seen in server.seen if seen.path.startswith(prefix)]


def test_requests_to_one_host_are_spaced_by_the_interval(web, other_host):
    targets = [Target(web.url(f"/ok/spaced-{n}")) for n in range(4)]
    targets.append(Target(other_host.url("/ok/elsewhere")))
    fetch_all(targets, CONFIG, lambda: LocalPoliteness(per_host=4, interval_ms=300))
    times = starts(web, "/ok/spaced-")
    assert len(times) == 4
    # Spaced by 300 ms when sent; arrivals may bunch up by scheduling jitter, never to ~0.
    assert all(b - a >= 0.2 for a, b in zip(times, times[1:], strict=False))
    # Other hosts do not wait: the request elsewhere starts before this host's last turn.
    assert starts(other_host, "/ok/elsewhere")[0] < times[-1]


def test_at_most_n_requests_run_at_once_on_one_host(web):
    web.slow_seconds = 0.3
    targets = [Target(web.url(f"/slow?n={n}")) for n in range(4)]
    began = time.monotonic()
    fetch_all(targets, CONFIG, lambda: LocalPoliteness(per_host=2, interval_ms=0))
    assert time.monotonic() - began >= 0.58
    times = sorted(starts(web, "/slow"))
    assert times[2] - times[0] >= 0.28  # the third waited for one of the first two


def test_without_politeness_nothing_waits(web):
    """20 answers of 1 s each to one host: ~1 s at once, 20 s or more one after another (the
    margin is wide so that a loaded machine cannot make it fail, and no wait can pass it)."""
    web.slow_seconds = 1.0
    targets = [Target(web.url(f"/slow?n={n}")) for n in range(20)]
    began = time.monotonic()
    fetch_all(targets, CONFIG, services.politeness_factory(0, 0))
    assert time.monotonic() - began < 10
    assert len(starts(web, "/slow")) == 20


def test_the_embedded_setup_keeps_politeness_in_process(settings):
    settings.CELERY_BROKER_URL = ""
    assert isinstance(services.politeness_factory(2, 100)(), LocalPoliteness)


@pytest.mark.worker
def test_two_workers_share_the_per_host_interval_through_redis(web):
    """Two checkers in separate threads (as two workers would be) share one Redis: requests to
    the host stay spaced by the interval across both."""
    prefix = f"test:{uuid.uuid4().hex}"
    redis_url = config.redis_url()
    assert redis_url

    def worker(name: str) -> None:
        fetch_all(
            [Target(web.url(f"/ok/shared-{name}-{n}")) for n in range(3)],
            CONFIG,
            lambda: RedisPoliteness(redis_url, per_host=4, interval_ms=300, prefix=prefix),
        )

    threads = [threading.Thread(target=worker, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    times = sorted(starts(web, "/ok/shared-"))
    assert len(times) == 6
    # Spaced by 300 ms when sent (unshared, the two threads would start together).
    assert all(b - a >= 0.2 for a, b in zip(times, times[1:], strict=False))
    assert isinstance(services.politeness_factory(2, 100)(), RedisPoliteness)
