"""Public reads from a read replica, when DATABASE_REPLICA_URL names one.

Anonymous GET and HEAD requests (readers of the site and the API) read from the replica;
signed-in people (editors, who must see their own writes at once), every other method and
everything outside a request (tasks, commands) use the primary, and every write goes to the
primary whatever the request. The replica may lag: a reader sees a change when it arrives
there, as a reader behind a CDN does (docs/scaling.md).
"""

from contextvars import ContextVar

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model, **hints) -> str | None:
        return None  # the primary, always

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db == REPLICA else None


class ReplicaMiddleware:
    """Marks anonymous GET and HEAD requests as reading from the replica. It runs after
    AuthenticationMiddleware: who is signed in is itself read from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads_replica = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        token = _reading_replica.set(reads_replica)
        try:
            return self.get_response(request)
        finally:
            _reading_replica.reset(token)
