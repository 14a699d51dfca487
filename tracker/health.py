"""/health/: what a load balancer needs to know, and what an operator needs to see.

Everyone gets `{"status": "ok" | "degraded" | "error"}`:
- `error` (HTTP 503): the database does not answer, so this instance cannot serve; a load
  balancer should take it out of rotation.
- `degraded` (HTTP 200): the site serves readers and editors, but a part behind it is away:
  the shared cache (pages served uncached), the broker (work waits in the outbox), the read
  replica (readers read the primary), no worker or no beat seen lately, or outbox messages
  waiting too long or given up on. Taking the instance
  out of rotation would not help (every instance shares those parts), so it answers 200.
- `ok` (HTTP 200): everything answers.
The detail of each part (which may name hosts and errors) goes only to callers with the
HEALTH_TOKEN (`Authorization: Bearer …`), from HEALTH_ALLOWED_NETWORKS, or signed in as staff.
"""

import datetime
import hmac
import ipaddress
import logging
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tracker import outbox, replica
from tracker.clientip import client_ip
from tracker.dbfaults import RETRY_AFTER_SECONDS
from tracker.models import Heartbeat, OutboxMessage

log = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # the point of a health check is to report any failure
        log.exception("Health check: the database does not answer")
        return str(exc) or type(exc).__name__
    return "ok"


def _cache() -> str:
    backend = caches["default"]
    ping = getattr(backend, "ping", None)
    if ping is None:
        return "per process"  # locmem: nothing shared to lose
    return "ok" if ping() else "unreachable"


def _broker() -> str:
    if current_app.conf.task_always_eager:
        return "not used"  # tasks run in-process
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    except Exception as exc:  # kombu and redis raise many kinds; all mean "away"
        return f"unreachable: {exc}"
    return "ok"


def _ago(at: datetime.datetime | None, now: datetime.datetime) -> float | None:
    return round((now - at).total_seconds(), 1) if at else None


def _background(now: datetime.datetime) -> dict[str, Any]:
    beats = dict(Heartbeat.objects.values_list("name", "at"))
    workers = {
        name.removeprefix("worker:"): _ago(at, now)
        for name, at in beats.items()
        if name.startswith("worker:")
    }
    waiting = OutboxMessage.objects.filter(done_at__isnull=True, available_at__lte=now)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "workers": workers,
        "beat": _ago(beats.get("beat"), now),
        "outbox": {
            "waiting": waiting.count(),
            "oldest_seconds": _ago(oldest, now),
            "given_up": outbox.stuck().count(),
        },
    }


def _degraded_by(parts: dict[str, Any]) -> list[str]:
    stale = settings.HEALTH_STALE_SECONDS
    fine = ("ok", "per process", "not used")
    found = [name for name in ("cache", "broker", "replica") if parts[name] not in fine]
    if "background" in parts:
        background = parts["background"]
        if not any(age is not None and age <= stale for age in background["workers"].values()):
            found.append("workers")
        if background["beat"] is None or background["beat"] > stale:
            found.append("beat")
        waiting = background["outbox"]
        if waiting["given_up"] or (waiting["oldest_seconds"] or 0) > stale:
            found.append("outbox")
    return found


def may_see_detail(request: HttpRequest) -> bool:
    token = settings.HEALTH_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        address = None
    if address is not None and any(address in net for net in settings.HEALTH_ALLOWED_NETWORKS):
        return True
    try:
        return bool(request.user.is_staff)
    except Exception:  # sessions live in the database that may just have failed
        return False


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    parts: dict[str, Any] = {
        "database": _database(),
        "cache": _cache(),
        "broker": _broker(),
        "replica": replica.state(),
    }
    if parts["database"] == "ok" and not current_app.conf.task_always_eager:
        try:
            parts["background"] = _background(now)
        except DatabaseError as exc:
            parts["database"] = str(exc)
    if parts["database"] != "ok":
        status, code = "error", 503
    else:
        degraded = _degraded_by(parts)
        status, code = ("degraded", 200) if degraded else ("ok", 200)
        parts["degraded_by"] = degraded
    body: dict[str, Any] = {"status": status}
    if may_see_detail(request):
        body.update(parts)
    response = JsonResponse(body, status=code)
    if code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
