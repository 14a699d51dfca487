"""The fast path (several processes sharing the lease queue, results written by COPY and one
UPDATE per batch) records exactly what the careful path (one process, one statement per row)
records, for every kind of answer on the weird test web, over two rounds (the second sees the
drifting page changed)."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from sources import services
from sources.models import Link, LinkCheck
from tests import worker_support
from tests.linkcheck_web import TestWeb

pytestmark = pytest.mark.postgres

PATHS = [
    "/ok/story",
    "/news/2024/budget-report",
    "/redirect/301?to=/ok/moved-here",
    "/redirect/302?to=/ok/elsewhere",
    "/redirect/308?to=/",
    "/chain/3",
    "/chain/12",
    "/loop/a",
    "/to-root",
    "/status/404",
    "/status/410",
    "/status/500",
    "/status/403",
    "/status/429?retry_after=1",
    "/status/503?retry_after=5",
    "/changing",
    "/slow",
    "/endless",
    "/cookie",
]
SOFT_404_PATHS = ["/ok/story", "/news/2024/anything", "/"]


@pytest.fixture(scope="module")
def webs():
    """Two identical test webs (one per path) and two sites that answer 200 to everything."""
    servers = {
        "careful": TestWeb("127.0.0.31").start(),
        "fast": TestWeb("127.0.0.32").start(),
        "careful-soft": TestWeb("127.0.0.33", soft_404=True).start(),
        "fast-soft": TestWeb("127.0.0.34", soft_404=True).start(),
    }
    for server in servers.values():
        server.slow_seconds = 2.5
    yield servers
    for server in servers.values():
        server.stop()


def add_links(web: TestWeb, paths: list[str]) -> None:
    now = timezone.now()
    Link.objects.bulk_create(
        Link(url=web.url(path), host=web.host, next_check_at=now) for path in paths
    )


def check_carefully(host: str) -> None:
    token, _ = services.links_claim(limit=100, host=host, due_only=False)
    services.links_check(
        lease_token=token,
        config=services.fetch_config(),
        politeness=services.politeness_factory(0, 0),  # a 429's pause would outlast the test
        archive_ids=[],
        bulk=False,
    )


def check_fast(host: str) -> None:
    """`manage.py check_links` in its own process, as an operator runs it."""
    env = worker_support.child_env(
        LINKCHECK_TOTAL_TIMEOUT=str(django_settings.LINKCHECK_TOTAL_TIMEOUT),
        LINKCHECK_READ_TIMEOUT=str(django_settings.LINKCHECK_READ_TIMEOUT),
        LINKCHECK_MAX_BYTES=str(django_settings.LINKCHECK_MAX_BYTES),
        LINKCHECK_RETRY_AFTER_MAX=str(django_settings.LINKCHECK_RETRY_AFTER_MAX),
    )
    worker_support.manage(
        "check_links", "--all", "--host", host, "--processes", "2", "--batch", "4",
        "--no-politeness", "--no-archives", "--no-progress",
        env=env, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def recorded(web: TestWeb) -> dict[str, tuple]:
    """Everything recorded for each path on `web`, with its address written as WEB."""

    def plain(value):
        text = str(value)
        return text.replace(web.url(""), "WEB").replace(web.host, "WEB")

    state = {}
    for link in Link.objects.filter(host=web.host).prefetch_related("checks"):
        checks = [
            tuple(
                plain(getattr(check, name))
                for name in (
                    "status",
                    "reason",
                    "http_status",
                    "final_url",
                    "redirect_chain",
                    "content_hash",
                    "content_length",
                    "ip",
                    "error_kind",
                    "error",
                )
            )  # fmt: skip
            for check in sorted(link.checks.all(), key=lambda c: c.checked_at)
        ]
        fields = tuple(
            plain(getattr(link, name))
            for name in (
                "status", "status_reason", "last_status_code", "final_url", "check_count",
                "failure_count", "last_content_hash", "baseline_fingerprint", "baseline_hash",
                "lease_token", "leased_until",
            )
        )  # fmt: skip
        moments = (
            link.failing_since is not None,
            link.baseline_at is not None,
            link.last_good_at is not None,
        )
        wait = (link.next_check_at - link.last_checked_at) / datetime.timedelta(hours=1)
        state[plain(link.url)] = (fields, moments, checks, wait)
    return state


@pytest.mark.timeout(120)
def test_the_fast_path_records_what_the_careful_path_records(transactional_db, settings, webs):
    import ipaddress

    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    settings.LINKCHECK_TOTAL_TIMEOUT = 1
    settings.LINKCHECK_READ_TIMEOUT = 1
    settings.LINKCHECK_MAX_BYTES = 64 * 1024
    settings.LINKCHECK_RETRY_AFTER_MAX = 2
    for web in webs.values():
        add_links(web, SOFT_404_PATHS if web.soft_404 else PATHS)

    for round_ in (1, 2):
        if round_ == 2:  # the drifting page is now another story
            for web in webs.values():
                web.changing_version = 1
        check_carefully(webs["careful"].host)
        check_carefully(webs["careful-soft"].host)
        check_fast(webs["fast"].host)
        check_fast(webs["fast-soft"].host)

    for careful, fast in (("careful", "fast"), ("careful-soft", "fast-soft")):
        expected, got = recorded(webs[careful]), recorded(webs[fast])
        assert got.keys() == expected.keys()
        for path, (fields, moments, checks, wait) in expected.items():
            assert got[path][:3] == (fields, moments, checks), path
            # The next check is jittered by ±10% around the same wait.
            assert 0.8 < got[path][3] / wait < 1.25, path

    statuses = {state[0][0] for state in recorded(webs["fast"]).values()}
    statuses |= {state[0][0] for state in recorded(webs["fast-soft"]).values()}
    # Every status a check can give on the weird web was compared.
    assert statuses >= {"ok", "redirected", "soft_404", "changed", "broken", "unreachable"}
    assert LinkCheck.objects.count() == 2 * 2 * (len(PATHS) + len(SOFT_404_PATHS))
