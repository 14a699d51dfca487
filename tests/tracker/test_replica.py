"""With DATABASE_REPLICA_URL, anonymous GETs read from the replica; signed-in people (who must
read their own writes), other methods, work outside a request and every write use the primary
(tracker/replica.py). Not tested against a running streaming replica: see docs/scaling.md."""

from types import SimpleNamespace

from django.test import RequestFactory

from claims.models import Claim
from tests.tracker.test_settings_from_env import start_django
from tracker.replica import ReplicaMiddleware, ReplicaRouter

router = ReplicaRouter()


def databases_seen(method: str, *, signed_in: bool) -> tuple[str | None, str | None]:
    """(read, write) database of a request, as the router answers inside it."""
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Claim)
        seen["write"] = router.db_for_write(Claim)
        return None

    request = getattr(RequestFactory(), method)("/claims/")
    request.user = SimpleNamespace(is_authenticated=signed_in)
    ReplicaMiddleware(view)(request)
    return seen["read"], seen["write"]


def test_an_anonymous_readers_get_reads_the_replica_and_writes_the_primary():
    assert databases_seen("get", signed_in=False) == ("replica", None)
    assert databases_seen("head", signed_in=False) == ("replica", None)


def test_editors_and_other_methods_read_the_primary():
    assert databases_seen("get", signed_in=True) == (None, None)
    assert databases_seen("post", signed_in=False) == (None, None)


def test_outside_a_request_everything_uses_the_primary():
    databases_seen("get", signed_in=False)
    assert router.db_for_read(Claim) is None
    assert router.allow_migrate("replica", "claims") is False


def test_a_bad_replica_url_names_its_variable():
    result = start_django(DATABASE_REPLICA_URL="not a url://")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr.strip().splitlines()[-1]
