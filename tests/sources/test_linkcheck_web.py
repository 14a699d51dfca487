"""The checker against a local test web: every kind of answer a cited link can give, checked
end to end (fetch, classification, the check row and the link's new state)."""

import datetime
import time
import tracemalloc

import pytest

from sources import services
from sources.models import Link, LinkCheck
from tests.linkcheck_web import TestWeb, gzip_bomb, refused_port, self_signed_context


def check(*urls: str) -> list[Link]:
    """Register `urls` and check them now, as a worker would; return the refreshed links."""
    links = [services.link_register(url=url) for url in urls]
    token, leased = services.links_claim(
        limit=len(links), link_ids=[link.pk for link in links], due_only=False
    )
    assert len(leased) == len(links)
    services.links_check(
        lease_token=token,
        config=services.fetch_config(),
        politeness=services.politeness_factory(),
    )
    return [Link.objects.get(pk=link.pk) for link in links]


@pytest.fixture(scope="module")
def soft_404_site():
    server = TestWeb("127.0.0.3", soft_404=True).start()
    yield server
    server.stop()


@pytest.mark.both_databases
def test_a_page_that_answers_200_is_ok_with_its_check_recorded(
    db, linkcheck_settings, linkcheck_web
):
    [link] = check(linkcheck_web.url("/ok/report"))
    assert link.status == Link.Status.OK
    assert link.last_status_code == 200
    assert link.baseline_fingerprint and link.baseline_at == link.last_checked_at
    assert link.next_check_at > link.last_checked_at
    [row] = link.checks.all()
    assert row.http_status == 200
    assert row.redirect_chain == [{"url": link.url, "status": 200}]
    assert row.ip == "127.0.0.1"
    assert len(row.content_hash) == 64 and row.content_length > 0
    assert row.latency_ms < 2000


def test_a_permanent_redirect_elsewhere_is_redirected_with_every_hop(
    db, linkcheck_settings, linkcheck_web
):
    [link] = check(linkcheck_web.url("/redirect/301?to=/ok/moved-here"))
    assert link.status == Link.Status.REDIRECTED
    assert link.final_url == linkcheck_web.url("/ok/moved-here")
    assert [hop["status"] for hop in link.checks.get().redirect_chain] == [301, 200]


def test_a_chain_of_temporary_redirects_is_ok_and_every_hop_is_kept(
    db, linkcheck_settings, linkcheck_web
):
    [link] = check(linkcheck_web.url("/chain/3"))
    assert link.status == Link.Status.OK
    chain = link.checks.get().redirect_chain
    assert [hop["status"] for hop in chain] == [302, 302, 302, 200]
    assert chain[-1]["url"] == linkcheck_web.url("/chain/0")


def test_a_redirect_loop_is_broken(db, linkcheck_settings, linkcheck_web):
    [link] = check(linkcheck_web.url("/loop/a"))
    assert link.status == Link.Status.BROKEN
    assert link.checks.get().error_kind == "redirect_loop"
    assert linkcheck_web.paths().count("/loop/a") == 1


def test_it_follows_at_most_ten_redirects(db, linkcheck_settings, linkcheck_web):
    [link] = check(linkcheck_web.url("/chain/12"))
    assert link.status == Link.Status.BROKEN
    assert link.checks.get().error_kind == "too_many_redirects"
    assert len([p for p in linkcheck_web.paths() if p.startswith("/chain/")]) == 11


@pytest.mark.parametrize("code", [404, 410, 500])
def test_an_error_answer_is_broken_and_counts_as_a_failure(
    db, linkcheck_settings, linkcheck_web, code
):
    [link] = check(linkcheck_web.url(f"/status/{code}"))
    assert link.status == Link.Status.BROKEN
    assert link.last_status_code == code
    assert link.failure_count == 1 and link.failing_since == link.last_checked_at
    assert link.next_check_at - link.last_checked_at < datetime.timedelta(hours=2)


def test_a_429_with_retry_after_is_waited_out_and_never_counts_towards_dead(
    db, linkcheck_settings, linkcheck_web
):
    [link] = check(linkcheck_web.url("/status/429?retry_after=1"))
    asked = [s for s in linkcheck_web.seen if s.path.startswith("/status/429")]
    assert len(asked) == 2
    assert asked[1].at - asked[0].at >= 0.95
    assert link.failure_count == 0 and link.failing_since is None
    assert link.status == Link.Status.BROKEN  # never seen working: nothing better to say


def test_a_bot_blocker_does_not_spoil_a_link_that_worked(db, linkcheck_settings, linkcheck_web):
    [link] = check(linkcheck_web.url("/ok/guarded"))
    Link.objects.filter(pk=link.pk).update(url=linkcheck_web.url("/status/403"))
    link.refresh_from_db()
    token, _ = services.links_claim(limit=1, link_ids=[link.pk], due_only=False)
    services.links_check(lease_token=token)
    link.refresh_from_db()
    assert link.status == Link.Status.OK
    assert "refused the checker (403)" in link.status_reason
    assert link.failure_count == 0


def test_a_response_slower_than_the_timeout_is_unreachable(db, linkcheck_settings, linkcheck_web):
    linkcheck_settings.LINKCHECK_TOTAL_TIMEOUT = 1
    linkcheck_web.slow_seconds = 3
    started = time.monotonic()
    [link] = check(linkcheck_web.url("/slow"))
    assert time.monotonic() - started < 2.5
    assert link.status == Link.Status.UNREACHABLE
    assert link.checks.get().error_kind == "timeout"


def test_an_endless_body_is_read_only_up_to_the_limit(db, linkcheck_settings, linkcheck_web):
    linkcheck_settings.LINKCHECK_MAX_BYTES = 100_000
    started = time.monotonic()
    [link] = check(linkcheck_web.url("/endless"))
    assert time.monotonic() - started < 3
    assert link.status == Link.Status.OK
    assert link.checks.get().content_length == 100_000


def test_a_gzip_bomb_is_decompressed_only_up_to_the_limit(db, linkcheck_settings, linkcheck_web):
    linkcheck_settings.LINKCHECK_MAX_BYTES = 1_000_000
    gzip_bomb()  # built before measuring: it is the server's memory, not the checker's
    tracemalloc.start()
    try:
        [link] = check(linkcheck_web.url("/gzip-bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert link.checks.get().content_length == 1_000_000
    assert peak < 16 * 1024 * 1024  # the bomb holds 64 MB


def test_a_site_that_answers_200_not_found_everywhere_is_soft_404(
    db, linkcheck_settings, soft_404_site
):
    [link] = check(soft_404_site.url("/news/2024/budget-report"))
    assert link.status == Link.Status.SOFT_404
    assert "missing address" in link.status_reason
    probes = [s.path for s in soft_404_site.seen if "claimtrack-" in s.path]
    assert len(probes) == 1 and probes[0].startswith("/news/2024/")


def test_a_real_page_on_a_site_with_proper_404s_is_not_soft_404(
    db, linkcheck_settings, linkcheck_web
):
    [link] = check(linkcheck_web.url("/news/2024/budget-report"))
    assert link.status == Link.Status.OK
    [probe] = [p for p in linkcheck_web.paths() if "claimtrack-" in p]
    assert probe.startswith("/news/2024/")  # answered 404, as a real site does


def test_a_site_answering_every_path_with_its_own_page_is_not_soft_404(
    db, linkcheck_settings, linkcheck_web
):
    [link] = check(linkcheck_web.url("/ok/story"))
    assert link.status == Link.Status.OK
    assert any("claimtrack-" in path for path in linkcheck_web.paths())


def test_a_redirect_to_the_home_page_is_soft_404(db, linkcheck_settings, linkcheck_web):
    [link] = check(linkcheck_web.url("/to-root"))
    assert link.status == Link.Status.SOFT_404
    assert "home page" in link.status_reason


def test_a_page_whose_text_changes_is_reported_as_changed(db, linkcheck_settings, linkcheck_web):
    [link] = check(linkcheck_web.url("/changing"))
    assert link.status == Link.Status.OK
    baseline = link.baseline_fingerprint
    [link] = check(linkcheck_web.url("/changing"))
    assert link.status == Link.Status.OK  # same text again
    linkcheck_web.changing_version = 1
    [link] = check(linkcheck_web.url("/changing"))
    assert link.status == Link.Status.CHANGED
    assert "like the first capture" in link.status_reason
    assert link.baseline_fingerprint == baseline  # measured against the first good capture
    assert link.failure_count == 0


def test_a_refused_connection_is_unreachable(db, linkcheck_settings):
    [link] = check(f"http://127.0.0.1:{refused_port()}/gone")
    assert link.status == Link.Status.UNREACHABLE
    assert link.checks.get().error_kind == "connection"
    assert link.failure_count == 1


def test_a_bad_certificate_is_recorded_and_never_bypassed(db, linkcheck_settings, tmp_path):
    server = TestWeb(ssl_context=self_signed_context(tmp_path)).start()
    try:
        [link] = check(server.url("/ok/secure"))
    finally:
        server.stop()
    assert link.status == Link.Status.UNREACHABLE
    row = link.checks.get()
    assert row.error_kind == "tls" and "certificate" in row.error
    assert server.seen == []


def test_it_sends_an_honest_user_agent_and_no_cookies(db, linkcheck_settings, linkcheck_web):
    check(linkcheck_web.url("/cookie"))
    [first, second] = [s for s in linkcheck_web.seen if "cookie" in s.path]
    assert "https://claimtrack.example.org" in first.headers["User-Agent"]
    assert second.path == "/ok/after-cookie"
    assert "Cookie" not in second.headers and "Authorization" not in second.headers


@pytest.mark.both_databases
def test_a_batch_is_recorded_in_a_bounded_number_of_queries(
    db, linkcheck_settings, linkcheck_web, django_assert_max_num_queries
):
    links = [services.link_register(url=linkcheck_web.url(f"/ok/{n}")) for n in range(40)]
    token, _ = services.links_claim(limit=40, link_ids=[link.pk for link in links], due_only=False)
    with django_assert_max_num_queries(20):
        summary = services.links_check(lease_token=token, config=services.fetch_config())
    assert summary == {"ok": 40}
    assert LinkCheck.objects.count() == 40


@pytest.mark.both_databases
def test_the_check_history_is_bounded(db, linkcheck_settings, linkcheck_web):
    linkcheck_settings.LINKCHECK_HISTORY = 3
    for _ in range(5):
        [link] = check(linkcheck_web.url("/ok/often"))
    assert link.check_count == 5
    assert link.checks.count() == 3
