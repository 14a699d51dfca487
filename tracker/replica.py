"""Public reads from a read replica, when DATABASE_REPLICA_URL names one.

Anonymous GET and HEAD requests (readers of the site and the API) read from the replica;
signed-in people and API clients sending credentials (editors, who must see their own writes
at once), every other method and everything outside a request (tasks, commands) use the
primary, and every write goes to the primary whatever the request.

The replica is used only while it is reachable and close behind: each process asks it, at most
every DATABASE_REPLICA_CHECK_SECONDS, how far its replay is behind what it has received. A
replica that does not answer, or is more than DATABASE_REPLICA_MAX_LAG_SECONDS behind, is left
alone and readers read the primary until it is back (docs/scaling.md). So an anonymous reader
sees a change at most DATABASE_REPLICA_MAX_LAG_SECONDS (plus a check interval) after its commit.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

from tracker.dbfaults import is_outage

log = logging.getLogger(__name__)

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)

# How far the replica's replay is behind what it has received from the primary, in seconds:
# 0 when it has replayed everything it received (an idle primary sends nothing: its last
# replayed commit may be old without the replica being behind), NULL when it cannot say.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""


class _Health:
    """This process's last verdict on the replica, and when it is due to be asked again."""

    lock = threading.Lock()
    usable = False
    next_check = float("-inf")
    lag: float | None = None


def replica_usable() -> bool:
    """Whether anonymous reads may go to the replica now: it answered the last check, and was
    at most DATABASE_REPLICA_MAX_LAG_SECONDS behind. One thread of the process asks it when
    the last verdict is older than DATABASE_REPLICA_CHECK_SECONDS; the others keep the verdict."""
    now = time.monotonic()
    if now < _Health.next_check or not _Health.lock.acquire(blocking=False):
        return _Health.usable
    try:
        _Health.usable, _Health.lag = _check()
        _Health.next_check = time.monotonic() + settings.DATABASE_REPLICA_CHECK_SECONDS
    finally:
        _Health.lock.release()
    return _Health.usable


def _check() -> tuple[bool, float | None]:
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError as error:
        if _Health.usable or _Health.lag is not None:
            log.warning("The read replica does not answer (%s): readers read the primary", error)
        connection.close()  # the next check connects anew
        return False, None
    lag = float(row[0]) if row and row[0] is not None else None
    usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if usable != _Health.usable:
        if usable:
            log.info("The read replica is in use (%.1f s behind)", lag)
        else:
            log.warning("The read replica is %s s behind: readers read the primary", lag)
    return usable, lag


def forget_health() -> None:
    """Ask the replica again at the next request (tests)."""
    _Health.usable, _Health.next_check, _Health.lag = False, float("-inf"), None


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model, **hints) -> str | None:
        return None  # the primary, always

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db == REPLICA else None


def anonymous_read(request) -> bool:
    """A GET or HEAD by nobody signed in and sending no credentials. An API token is only read
    by the view, after the middleware: its Authorization header alone sends the request to the
    primary, so an editor using the API reads their own writes too."""
    return (
        request.method in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.user.is_authenticated
    )


def replica_failed() -> None:
    """The replica failed a reader: read the primary until the next check finds it back."""
    with _Health.lock:
        _Health.usable, _Health.lag = False, None
        _Health.next_check = time.monotonic() + settings.DATABASE_REPLICA_CHECK_SECONDS
    connections[REPLICA].close()


class ReplicaMiddleware:
    """Marks anonymous reads as reading from the replica, when it is usable. It runs after
    AuthenticationMiddleware: who is signed in is itself read from the primary.

    A replica lost between two checks fails the reads in flight: they are answered again from
    the primary (a GET or HEAD may be), so readers do not see the replica go."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads_replica = anonymous_read(request) and replica_usable()
        token = _reading_replica.set(reads_replica)
        try:
            response = self.get_response(request)
            if reads_replica and getattr(request, "replica_failed", False):
                _reading_replica.set(False)
                response = self.get_response(request)
            return response
        finally:
            _reading_replica.reset(token)

    def process_exception(self, request, exception: Exception) -> None:
        """Before DatabaseUnavailableMiddleware (outer) turns the outage into a 503."""
        if _reading_replica.get() and is_outage(exception):
            replica_failed()
            request.replica_failed = True
