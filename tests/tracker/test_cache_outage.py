"""The cache is an accelerator: with Redis unreachable, stopped or restarted, pages and the API
are served, publishing works, limits hold, and no page from before a write comes back."""

import socket
import threading

import pytest
from django.core.cache import caches

from claims import pagecache, services
from tests.redis_support import free_port
from tests.site_data import correct, fresh_page_cache, plain_static_storage  # noqa: F401

pytestmark = pytest.mark.django_db


def use_cache(settings, url: str, *, breaker_seconds: float = 1) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "tracker.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "fault-tests",
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.2,
                "BREAKER_FAILURES": 3,
                "BREAKER_SECONDS": breaker_seconds,
            },
        },
        "local": settings.LOCAL_CACHE,
    }


@pytest.fixture
def unreachable_cache(settings):
    """The cache points at a port where nothing listens: every connection is refused."""
    use_cache(settings, f"redis://127.0.0.1:{free_port()}/0")
    return settings


def test_pages_and_the_api_are_served_uncached_when_the_cache_is_unreachable(
    client, make_claim, unreachable_cache
):
    claim = make_claim("published", text="Served without Redis", translation="")
    for url in ("/", "/claims/", claim.get_absolute_url(), "/speakers/", "/methodology/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
    assert "Served without Redis" in client.get(claim.get_absolute_url(), follow=True).text
    assert client.get("/api/v1/claims/").json()["results"][0]["id"] == claim.pk
    assert client.get(f"/api/v1/claims/{claim.pk}/").status_code == 200


def test_a_publish_succeeds_while_the_cache_is_unreachable(
    make_claim, editor2, unreachable_cache, django_capture_on_commit_callbacks
):
    claim = make_claim("in_review")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_transition(claim_id=claim.pk, name="publish", by=editor2, note="")
    claim.refresh_from_db()
    assert claim.status == "published"


class SilentServer:
    """Accepts connections and never answers: a Redis that hangs. Counts the connections."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


def test_the_breaker_stops_asking_a_cache_that_hangs(client, settings):
    server = SilentServer()
    try:
        use_cache(settings, f"redis://127.0.0.1:{server.port}/0", breaker_seconds=60)
        cache = caches["default"]
        for n in range(3):  # three timeouts in a row open the breaker
            assert cache.get(f"k{n}") is None
        asked = len(server.accepted)
        assert asked >= 1
        for n in range(20):
            assert cache.get(f"k{n}") is None
            cache.set(f"k{n}", n)
        assert len(server.accepted) == asked  # nobody waited on Redis again
    finally:
        server.close()


def test_throttles_count_per_process_while_the_cache_is_unreachable(client, unreachable_cache):
    unreachable_cache.REST_FRAMEWORK = {
        **unreachable_cache.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }
    caches["local"].clear()
    codes = [client.get("/api/v1/ratings/").status_code for _ in range(8)]
    # The first requests open the breaker (and are let through); from then on the limit holds.
    assert codes[-1] == 429
    assert 200 in codes and 500 not in codes


def test_the_admin_lockout_holds_while_the_cache_is_unreachable(client, editor, unreachable_cache):
    editor.set_password("right-password-123")
    editor.save()
    for _ in range(unreachable_cache.AXES_FAILURE_LIMIT):
        client.post("/admin/login/?next=/admin/", {"username": editor.username, "password": "x"})
    locked = client.post(
        "/admin/login/?next=/admin/",
        {"username": editor.username, "password": "right-password-123"},
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


# With a real Redis, stopped and restarted.


def cached_claim_page(client, claim) -> str:
    url = claim.get_absolute_url()
    client.get(url, follow=True)
    return client.get(url, follow=True).text


def wait_for_the_breaker() -> None:
    """After a restart, the breaker (1 s here) lets a call through again."""
    cache = caches["default"]
    for _ in range(50):
        cache.set("probe", 1)
        if cache.get("probe") == 1:
            return
        threading.Event().wait(0.1)
    pytest.fail("the cache did not come back")


@pytest.fixture
def real_cache(settings, running_redis):
    use_cache(settings, running_redis.url(3))
    settings.PUBLIC_PAGE_GENERATION_CHECK_SECONDS = 0
    wait_for_the_breaker()
    caches["default"].clear()
    pagecache.invalidate()
    return running_redis


@pytest.mark.parametrize("restart", ["empty", "from an older snapshot"])
def test_a_page_retired_while_redis_was_down_is_not_served_when_it_comes_back(
    restart, client, make_claim, checker, editor2, real_cache, django_capture_on_commit_callbacks
):
    claim = make_claim("published", text="A claim", translation="")
    before = cached_claim_page(client, claim)
    real_cache.snapshot()
    real_cache.stop()

    with django_capture_on_commit_callbacks(execute=True):
        correct(claim, checker=checker, editor=editor2, rating="true")
    assert "Corrected summary." in client.get(claim.get_absolute_url(), follow=True).text

    real_cache.start(from_snapshot=restart != "empty")
    wait_for_the_breaker()
    page = cached_claim_page(client, claim)
    assert "Corrected summary." in page and "Corrected summary." not in before


def test_a_write_is_not_undone_by_redis_restored_from_a_snapshot_taken_before_it(
    client, make_claim, checker, editor2, real_cache, django_capture_on_commit_callbacks
):
    claim = make_claim("published", text="A claim", translation="")
    cached_claim_page(client, claim)
    real_cache.snapshot()  # the page, and the generation it was stored under

    with django_capture_on_commit_callbacks(execute=True):
        correct(claim, checker=checker, editor=editor2, rating="true")
    assert "Corrected summary." in cached_claim_page(client, claim)

    real_cache.stop()
    real_cache.start(from_snapshot=True)
    wait_for_the_breaker()
    assert "Corrected summary." in cached_claim_page(client, claim)
