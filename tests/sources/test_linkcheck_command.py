"""manage.py check_links: due or all links, by host, with a summary by status."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sources import services
from sources.models import Link


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("check_links", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def links(db, linkcheck_settings, linkcheck_web):
    made = [
        services.link_register(url=linkcheck_web.url(path))
        for path in ("/ok/one", "/ok/two", "/status/404", "/redirect/301?to=/ok/three")
    ]
    Link.objects.filter(pk=made[1].pk).update(
        next_check_at=timezone.now() + datetime.timedelta(days=3)
    )
    return made


def test_it_checks_due_links_and_sums_up_by_status(links):
    output = run()
    assert "Checked 3 links" in output
    assert "OK                       1" in output
    assert "Broken                   1" in output
    assert "Moved                    1" in output
    assert Link.objects.get(pk=links[1].pk).status == Link.Status.UNCHECKED


def test_all_checks_links_that_are_not_due(links):
    assert "Checked 4 links" in run("--all", "--concurrency", "2")
    assert not Link.objects.filter(status=Link.Status.UNCHECKED).exists()


def test_host_limits_the_check_to_one_host(links, linkcheck_web):
    services.link_register(url="https://elsewhere.example.org/a")
    assert "Checked 4 links" in run("--all", "--host", "127.0.0.1")
    assert Link.objects.get(host="elsewhere.example.org").status == Link.Status.UNCHECKED


def test_links_a_worker_holds_are_left_to_it(links):
    services.links_claim(limit=1, link_ids=[links[0].pk], due_only=False)
    output = run("--all")
    assert "Checked 3 links" in output
    assert "Left to a worker         1" in output


def test_it_says_so_when_there_is_nothing_to_check(db):
    assert "No links to check." in run()


def test_it_refuses_a_concurrency_below_one(db):
    with pytest.raises(CommandError):
        run("--concurrency", "0")


def test_it_looks_up_archived_copies_of_failing_links_after_the_checks(links, linkcheck_web):
    linkcheck_web.archived[links[2].url] = "20240101000000"
    output = run("--all")
    assert "Looking up archived copies of 1 failing links" in output
    assert "1 have an archived copy." in output
    assert Link.objects.get(pk=links[2].pk).archive_url


def test_no_archives_skips_the_lookups(links, linkcheck_web):
    assert "archived" not in run("--all", "--no-archives")
    assert not any(s.path.startswith("/wayback") for s in linkcheck_web.seen)
