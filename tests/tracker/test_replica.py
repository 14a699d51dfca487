"""With DATABASE_REPLICA_URL, anonymous GETs read from the replica; signed-in people and API
clients sending a token (who must read their own writes), other methods, work outside a request
and every write use the primary (tracker/replica.py). Against a running streaming replica, with
the replica away or behind: tests/tracker/test_replica_streaming.py."""

from types import SimpleNamespace

from django.test import RequestFactory

from claims.models import Claim
from tests.tracker.test_settings_from_env import start_django
from tracker import replica
from tracker.replica import ReplicaMiddleware, ReplicaRouter, anonymous_read

router = ReplicaRouter()


def databases_seen(
    method: str, *, signed_in: bool, headers: dict | None = None
) -> tuple[str | None, str | None]:
    """(read, write) database of a request, as the router answers inside it, with the replica
    taken as usable (whether it is: test_replica_streaming.py)."""
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Claim)
        seen["write"] = router.db_for_write(Claim)
        return None

    request = getattr(RequestFactory(), method)("/claims/", headers=headers or {})
    request.user = SimpleNamespace(is_authenticated=signed_in)
    usable = replica.replica_usable
    replica.replica_usable = lambda: True
    try:
        ReplicaMiddleware(view)(request)
    finally:
        replica.replica_usable = usable
    return seen["read"], seen["write"]


def test_an_anonymous_readers_get_reads_the_replica_and_writes_the_primary():
    assert databases_seen("get", signed_in=False) == ("replica", None)
    assert databases_seen("head", signed_in=False) == ("replica", None)


def test_editors_and_other_methods_read_the_primary():
    assert databases_seen("get", signed_in=True) == (None, None)
    assert databases_seen("post", signed_in=False) == (None, None)


def test_an_api_client_sending_a_token_reads_the_primary():
    # The token is read by the view, after the middleware: the header alone decides.
    headers = {"Authorization": "Token abc"}
    assert databases_seen("get", signed_in=False, headers=headers) == (None, None)
    request = RequestFactory().get("/api/v1/claims/", headers=headers)
    request.user = SimpleNamespace(is_authenticated=False)
    assert not anonymous_read(request)


def test_a_follows_confirmation_link_reads_the_primary():
    # Opened from a mail sent right after the subscription's commit: the replica may lag it.
    request = RequestFactory().get("/follow/confirm/abc/")
    request.user = SimpleNamespace(is_authenticated=False)
    assert not anonymous_read(request)


def test_outside_a_request_everything_uses_the_primary():
    databases_seen("get", signed_in=False)
    assert router.db_for_read(Claim) is None
    assert router.allow_migrate("replica", "claims") is False


def test_a_bad_replica_url_names_its_variable():
    result = start_django(DATABASE_REPLICA_URL="not a url://")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr.strip().splitlines()[-1]


def test_a_replica_that_is_not_postgresql_is_refused():
    result = start_django(DATABASE_REPLICA_URL="sqlite:///replica.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr.strip().splitlines()[-1]
