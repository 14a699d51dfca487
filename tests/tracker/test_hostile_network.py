"""Limits that hold against a hostile client, and what leaks to whom (issue 9's findings)."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection

from claims import pagecache
from claims.models import Claim
from tests.api_support import client_for
from tests.factories import UserFactory
from tests.site_data import fresh_page_cache, plain_static_storage  # noqa: F401
from webhooks.models import Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_anon_rate(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }
    yield settings
    cache.clear()


def test_rotating_x_forwarded_for_does_not_lift_the_anonymous_limit(low_anon_rate):
    client = client_for()
    codes = [
        client.get("/api/v1/ratings/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_behind_one_trusted_proxy_the_client_is_the_address_it_saw(low_anon_rate):
    low_anon_rate.TRUSTED_PROXY_COUNT = 1
    client = client_for()

    def get(forwarded: str) -> int:
        return client.get("/api/v1/ratings/", HTTP_X_FORWARDED_FOR=forwarded).status_code

    # What the client itself claims (left of the proxy's entry) changes nothing.
    assert [get(f"10.0.0.{n}, 198.51.100.7") for n in range(4)] == [200, 200, 200, 429]
    assert get("198.51.100.8") == 200  # another client, as the proxy saw it


def test_admin_login_locks_out_after_repeated_failures(client, editor, settings):
    editor.set_password("right-password-123")
    editor.save()
    codes = [
        client.post(
            "/admin/login/?next=/admin/", {"username": editor.username, "password": "wrong"}
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(
        "/admin/login/?next=/admin/",
        {"username": editor.username, "password": "right-password-123"},
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_not_lifted_by_rotating_x_forwarded_for(client, editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": editor.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    again = client.post(
        "/admin/login/",
        {"username": editor.username, "password": "wrong"},
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert again.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.9"),
        (1, "1.1.1.1", "1.1.1.1"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),
        (2, "6.6.6.6, 1.1.1.1, 172.16.0.2", "1.1.1.1"),
        (3, "1.1.1.1", "1.1.1.1"),
        (1, "", "10.0.0.9"),
    ],
)
def test_the_client_address_trusts_exactly_the_configured_proxies(
    rf, settings, proxies, forwarded, expected
):
    from tracker.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_correct_password_logs_in_when_not_locked_out(client, editor):
    editor.set_password("right-password-123")
    editor.save()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": editor.username, "password": "right-password-123"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_an_account_may_register_only_so_many_webhook_endpoints(outsider, settings):
    settings.WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT = 2
    client = client_for(outsider)
    codes = [
        client.post(
            "/api/v1/webhooks/", {"url": f"https://hooks.example.org/{n}"}, format="json"
        ).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 400]
    assert Endpoint.objects.filter(owner=outsider).count() == 2
    other = client_for(UserFactory(username="another-consumer"))
    assert (
        other.post(
            "/api/v1/webhooks/", {"url": "https://h.example.org/"}, format="json"
        ).status_code
        == 201
    )


def test_junk_query_parameters_share_one_cached_page(client, make_claim, settings):
    make_claim("published", text="A cached claim", translation="")
    pagecache.invalidate()
    stored: list[str] = []
    real_set = pagecache.cache.set

    def counting_set(key, value, *args, **kwargs):
        if key.startswith("public-page:"):
            stored.append(key)
        return real_set(key, value, *args, **kwargs)

    pagecache.cache.set = counting_set
    try:
        for n in range(5):
            assert client.get(f"/claims/?junk={n}&utm_source=x{n}").status_code == 200
            assert client.get(f"/?x={n}").status_code == 200
            assert client.get(f"/feeds/claims.atom?x={n}").status_code == 200
    finally:
        pagecache.cache.set = real_set
    assert len(stored) == 3


def test_junk_parameters_are_not_echoed_into_a_cached_page(client, make_claim):
    for n in range(25):
        make_claim("published", text=f"Claim number {n}", translation="")
    body = client.get("/claims/?evil=%22injected%22").content.decode()
    assert "evil" not in body
    assert "page=2" in body  # the pagination links still work


def test_the_parameters_a_page_reads_still_select_what_it_shows(client, make_claim):
    make_claim("published", text="Alpha claim", translation="")
    make_claim("published", text="Beta claim", translation="")
    assert "Beta claim" not in client.get("/claims/?q=alpha&junk=1").content.decode()
    assert "Beta claim" in client.get("/claims/?junk=1").content.decode()


def test_appearance_url_does_not_normalise_stored_sources_per_request(make_claim, monkeypatch):
    from public.api import filters
    from tests.factories import AppearanceFactory, SourceFactory

    claim = make_claim("published")
    AppearanceFactory(
        claim=claim, source=SourceFactory(url="https://News.example.org/a?utm_source=x")
    )
    for n in range(30):
        SourceFactory(url=f"https://news.example.org/other-{n}")
    calls = []
    real = filters.normalize_url
    monkeypatch.setattr(filters, "normalize_url", lambda url: calls.append(url) or real(url))

    found = client_for().get("/api/v1/claims/", {"appearance_url": "https://news.example.org/a"})

    assert [c["id"] for c in found.json()["results"]] == [claim.pk]
    assert len(calls) == 1  # the caller's URL only, not every source on the host


def test_the_source_keeps_its_normalised_url_when_the_url_changes():
    from tests.factories import SourceFactory

    source = SourceFactory(url="HTTPS://Example.org:443/x?utm_campaign=y#top")
    assert source.url_normalised == "https://example.org/x"
    source.url = "https://example.org/y"
    source.save(update_fields=["url"])
    source.refresh_from_db()
    assert source.url_normalised == "https://example.org/y"


def test_a_groupless_account_does_not_read_reviewer_usernames(make_claim, outsider, editor):
    claim = make_claim("published")
    assert client_for().get("/api/v1/reviews/").status_code == 401
    for user, sees in ((outsider, False), (editor, True)):
        reviews = client_for(user).get("/api/v1/reviews/", {"claim": claim.pk}).json()["results"]
        assert reviews, user
        usernames = {reviews[0]["author"], reviews[0]["approved_by"]}
        assert ("fred-checker" in usernames) is sees, user
        assert ("erin-editor" in usernames) is sees, user


def test_outside_the_newsroom_the_names_are_those_the_claim_page_shows(
    make_claim, checker, outsider, client
):
    checker.first_name, checker.last_name = "Fred", "Checker"
    checker.save()
    claim = make_claim("published")
    review = client_for(outsider).get("/api/v1/reviews/", {"claim": claim.pk}).json()
    assert review["results"][0]["author"] == "Fred Checker"
    assert review["results"][0]["approved_by"] is None  # the editor has no full name
    assert "Fred Checker" in client.get(claim.get_absolute_url(), follow=True).content.decode()


class FailingProbe:
    """The real cursor, except that the health probe's query fails as if the server were gone."""

    def __init__(self, cursor):
        self.cursor = cursor

    def __enter__(self):
        self.cursor.__enter__()
        return self

    def __exit__(self, *exc):
        return self.cursor.__exit__(*exc)

    def execute(self, sql, params=None):
        if sql == "SELECT 1":
            raise RuntimeError('connection to server at "db.internal" (10.0.0.5), user "ct"')
        return self.cursor.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def test_health_tells_anonymous_callers_only_ok_or_error(client, admin_client, monkeypatch):
    from tracker import outbox

    outbox.beat("beat")  # beat and a worker alive (they matter when a broker is configured)
    outbox.beat("worker:celery@here")
    assert client.get("/health/").json() == {"status": "ok"}
    real_cursor = connection.cursor
    monkeypatch.setattr(connection, "cursor", lambda: FailingProbe(real_cursor()))

    anonymous = client.get("/health/")
    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "error"}
    staff = admin_client.get("/health/")
    assert staff.status_code == 503 and "db.internal" in staff.json()["database"]


def test_the_atom_self_link_comes_from_site_url_not_the_host_header(client, make_claim, settings):
    make_claim("published")
    for host in ("evil.example.net", "claimtrack.example.org"):
        settings.ALLOWED_HOSTS = [host, "testserver"]
        body = client.get("/feeds/claims.atom", HTTP_HOST=host).content
        root = ET.fromstring(body)
        links = [el.get("href") for el in root.iter("{http://www.w3.org/2005/Atom}link")]
        assert f"{settings.SITE_URL}/feeds/claims.atom" in links
        assert not any("evil" in href for href in links)


def test_a_control_character_stored_before_the_validator_does_not_break_the_feeds(
    client, make_claim
):
    claim = make_claim("published")
    # As a row written before the validator existed would be: straight through SQL.
    Claim.objects.filter(pk=claim.pk).update(text="Escape\x1b in an old claim", translation="")
    from claims.models import Review

    Review.objects.filter(pk=claim.published_review_id).update(summary="Old \x07 summary")
    for feed in ("/feeds/claims.atom", "/feeds/claims.rss"):
        response = client.get(feed)
        assert response.status_code == 200, feed
        ET.fromstring(response.content)
