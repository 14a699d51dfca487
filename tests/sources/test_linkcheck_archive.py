"""Archived copies: a failing link gets the nearest Wayback snapshot (from a local fake of the
availability API), asked at most weekly per link and at a bounded rate."""

import datetime
import time

from django.template import Context, Template
from django.utils import timezone

from sources import services
from sources.models import Link
from tests.factories import SourceFactory


def failing_link(web, path: str) -> Link:
    link = services.link_register(url=web.url(path))
    token, _ = services.links_claim(limit=1, link_ids=[link.pk], due_only=False)
    services.links_check(lease_token=token)
    link.refresh_from_db()
    assert link.is_failing
    return link


def wayback_calls(web) -> int:
    return sum(1 for seen in web.seen if seen.path.startswith("/wayback/available"))


def test_a_failing_link_gets_its_nearest_archived_copy(db, linkcheck_settings, linkcheck_web):
    link = failing_link(linkcheck_web, "/status/404?story=1")
    linkcheck_web.archived[link.url] = "20240105103000"
    assert services.find_archives([link.pk]) == 1
    link.refresh_from_db()
    assert link.archive_url == f"https://web.archive.org/web/20240105103000/{link.url}"
    assert link.archived_at == datetime.datetime(2024, 1, 5, 10, 30, tzinfo=datetime.UTC)
    assert link.archive_looked_up_at is not None


def test_the_archive_is_asked_at_most_weekly_per_link(db, linkcheck_settings, linkcheck_web):
    link = failing_link(linkcheck_web, "/status/410")
    services.find_archives([link.pk])
    services.find_archives([link.pk])
    assert wayback_calls(linkcheck_web) == 1
    link.refresh_from_db()
    assert link.archive_url == ""  # the archive has none
    Link.objects.filter(pk=link.pk).update(
        archive_looked_up_at=timezone.now() - datetime.timedelta(days=8)
    )
    services.find_archives([link.pk])
    assert wayback_calls(linkcheck_web) == 2


def test_archive_lookups_are_rate_limited(db, linkcheck_settings, linkcheck_web):
    linkcheck_settings.ARCHIVE_INTERVAL_MS = 300
    links = [failing_link(linkcheck_web, f"/status/404?n={n}") for n in range(3)]
    started = time.monotonic()
    services.find_archives([link.pk for link in links])
    assert time.monotonic() - started >= 0.55
    assert wayback_calls(linkcheck_web) == 3


def test_healthy_links_are_not_looked_up(db, linkcheck_settings, linkcheck_web):
    link = services.link_register(url=linkcheck_web.url("/ok/fine"))
    token, _ = services.links_claim(limit=1)
    services.links_check(lease_token=token)
    assert services.find_archives([link.pk]) == 0
    assert wayback_calls(linkcheck_web) == 0


def test_a_failing_check_enqueues_the_archive_lookup_on_commit(
    db, linkcheck_settings, linkcheck_web, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory(url=linkcheck_web.url("/status/404?cited=1"))
    assert wayback_calls(linkcheck_web) == 1
    source.link.refresh_from_db()
    assert source.link.archive_looked_up_at is not None


def test_the_badge_shows_health_and_the_archived_copy(db):
    source = SourceFactory(url="https://news.example.org/gone")
    Link.objects.filter(pk=source.link_id).update(
        status=Link.Status.DEAD,
        status_reason="failing on 4 checks over 5 days",
        archive_url="https://web.archive.org/web/2024/https://news.example.org/gone",
        archived_at=datetime.datetime(2024, 2, 3, tzinfo=datetime.UTC),
    )
    source.refresh_from_db()
    html = Template("{% load linkhealth %}{% link_badge source.link %}").render(
        Context({"source": source})
    )
    assert "link-health-dead" in html and "Dead" in html
    assert 'href="https://web.archive.org/web/2024/https://news.example.org/gone"' in html
    assert "archived copy (2024-02-03)" in html
    empty = Template("{% load linkhealth %}{% link_badge source.link %}").render(
        Context({"source": SourceFactory(url="")})
    )
    assert empty.strip() == ""
