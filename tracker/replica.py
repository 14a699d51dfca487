"""Public reads from a read replica, when DATABASE_REPLICA_URL names one.

Anonymous GET and HEAD requests (readers of the site and the API) read from the replica;
signed-in people and API clients sending credentials (editors, who must see their own writes
at once), every other method and everything outside a request (tasks, commands) use the
primary, and every write goes to the primary whatever the request.

The replica is used only while it answers and is close behind: each process asks, at most every
DATABASE_REPLICA_CHECK_SECONDS, how far the primary's WAL has gone and how far the replica has
replayed it, and remembers when the primary was at each point. The replica is as stale as the
newest point it has replayed is old. A replica that does not answer, or is more than
DATABASE_REPLICA_MAX_LAG_SECONDS stale, is left alone and readers read the primary until it is
back (docs/scaling.md). So an anonymous reader sees a commit at most
DATABASE_REPLICA_MAX_LAG_SECONDS plus one check after it. While the primary does not answer,
readers read the replica (the newest record there is).
"""

import logging
import threading
import time
from collections import deque
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

from tracker.dbfaults import is_outage

log = logging.getLogger(__name__)

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


class _Health:
    """This process's last verdict on the replica, when it is due to be asked again, and when
    the primary's WAL reached each point seen (oldest first)."""

    lock = threading.Lock()
    usable = False
    next_check = float("-inf")
    staleness: float | None = None
    points: deque[tuple[float, int]] = deque()


def replica_usable() -> bool:
    """Whether anonymous reads may go to the replica now (see the module's docstring). One
    thread of the process asks when the last verdict is older than
    DATABASE_REPLICA_CHECK_SECONDS; the others keep the verdict meanwhile."""
    if time.monotonic() < _Health.next_check or not _Health.lock.acquire(blocking=False):
        return _Health.usable
    try:
        usable = _check()
        if usable != _Health.usable:
            if usable:
                log.info("The read replica is in use (%s s stale)", _Health.staleness)
            else:
                log.warning("The read replica is not in use (%s s stale)", _Health.staleness)
        _Health.usable = usable
        _Health.next_check = time.monotonic() + settings.DATABASE_REPLICA_CHECK_SECONDS
    finally:
        _Health.lock.release()
    return _Health.usable


def state() -> str:
    """The replica as /health/ reports it (tracker.health)."""
    if REPLICA not in connections.databases:
        return "not used"
    if replica_usable():
        return "ok"
    if _Health.staleness is None:
        return "unreachable"
    return f"behind: {_Health.staleness:.1f} s stale"


def lsn(text: str) -> int:
    """A WAL position ("16/B374D848") as a number."""
    high, low = text.split("/")
    return int(high, 16) << 32 | int(low, 16)


def _position(alias: str, sql: str) -> int | None:
    """The WAL position `sql` reads on `alias`; None when it does not answer."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(sql)
            (text,) = cursor.fetchone()
    except DatabaseError:
        connections[alias].close()  # the next check connects anew
        return None
    return lsn(text) if text else None


def _check() -> bool:
    now = time.monotonic()
    written = _position("default", "SELECT pg_current_wal_lsn()")
    replayed = _position(REPLICA, "SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())")
    if replayed is None:
        _Health.staleness = None
        return False
    if written is None:
        return True  # the primary is away: the replica is the newest record there is
    points = _Health.points
    points.append((now, written))
    keep = settings.DATABASE_REPLICA_MAX_LAG_SECONDS + 2 * settings.DATABASE_REPLICA_CHECK_SECONDS
    while points and points[0][0] < now - keep:
        points.popleft()
    if replayed >= written:
        _Health.staleness = 0.0
    else:  # as old as the newest point replayed; older than every point kept if none was
        reached = [at for at, position in points if position <= replayed]
        _Health.staleness = now - (reached[-1] if reached else points[0][0] - keep)
    return _Health.staleness <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS


def replica_failed() -> None:
    """The replica failed a reader: read the primary until the next check finds it back."""
    with _Health.lock:
        _Health.usable, _Health.staleness = False, None
        _Health.next_check = time.monotonic() + settings.DATABASE_REPLICA_CHECK_SECONDS
    connections[REPLICA].close()


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model, **hints) -> str | None:
        return None  # the primary, always

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db == REPLICA else None


# Anonymous pages that read what the same person has just written: a follow's confirmation
# and unsubscribe links, opened from a mail sent right after the subscription's commit.
PRIMARY_PATHS = ("/follow/",)


def anonymous_read(request) -> bool:
    """A GET or HEAD by nobody signed in and sending no credentials. An API token is only read
    by the view, after the middleware: its Authorization header alone sends the request to the
    primary, so an editor using the API reads their own writes too."""
    return (
        request.method in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(PRIMARY_PATHS)
        and not request.user.is_authenticated
    )


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
            log.warning("A read failed on the replica (%s): answered from the primary", exception)
            replica_failed()
            request.replica_failed = True
