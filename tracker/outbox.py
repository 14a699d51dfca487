"""The transactional outbox: no task handed on after a commit is lost to the broker.

`enqueue("claims.refresh_search_text", ids)` records the task (by its Celery name) in the
current transaction, so it exists exactly when the write does. After the commit the message is
relayed to the broker; if the broker does not answer it stays in the table. Beat runs
`tracker.relay_outbox` every few seconds: it relays what was never sent and sends again what
was sent OUTBOX_RESEND_SECONDS ago and is still not done (the broker restarted empty, a worker
died with it), up to OUTBOX_MAX_SENDS times. A worker marks a message done when its task
succeeds. Every task handed on this way is safe to run twice.

Without a broker (tasks run eagerly: `make run`, the SQLite tests) the task runs in-process
after the commit, as `.delay()` would.

Why not a library: django-celery-outbox (PyPI, MIT) is the closest fit, but it forgets a
message once the broker has taken it, and Claimtrack's broker is a Redis that may restart empty
and lose its queue; here a message stays until a worker has finished it. It also needs a relay
daemon of its own; here beat's sweep and the committing process relay. (Found late; it was
not tried: docs/operations.md.)
"""

import datetime
import logging
from functools import partial
from typing import Any

from celery import current_app, shared_task
from celery.signals import task_success
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tracker import requestid
from tracker.cache import CircuitBreaker
from tracker.models import Heartbeat, OutboxMessage

log = logging.getLogger(__name__)

HEADER = "claimtrack_outbox_id"
# After a failed send, this process leaves relaying to the sweep for a few seconds instead of
# making every commit wait for a broker that is down.
broker_breaker = CircuitBreaker(failures=1, reset_seconds=5, name="The broker")


def enqueue(
    task: str, *args: Any, countdown: float = 0, now: bool = False, once: bool = False
) -> OutboxMessage | None:
    """Record `task(*args)` in the current transaction (JSON arguments) and relay it to the
    broker after the commit; not before `countdown` seconds from now. `now`: relay it at once,
    for a caller whose edit is committed already (a task handing on more work). `once`: not
    again if this transaction has recorded the same task and arguments already (a task that
    reads the committed state, asked for by each of several saves). Returns the message
    recorded (None when `once` found it recorded already)."""
    key = (task, list(args))
    if once and key in _recorded_in_this_transaction():
        return None
    request_id = requestid.current_request_id.get()
    message = OutboxMessage.objects.create(
        task=task,
        args=list(args),
        available_at=timezone.now() + datetime.timedelta(seconds=countdown),
        request_id="" if request_id == "-" else request_id,
    )
    if now:
        relay([message.pk])
        return message
    after_commit = partial(relay, [message.pk])
    after_commit.outbox_key = key  # type: ignore[attr-defined]  # read back by `once`
    transaction.on_commit(after_commit)
    return message


def _recorded_in_this_transaction() -> list[tuple[str, list]]:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return []
    return [
        callback.outbox_key
        for _savepoints, callback, _robust in connection.run_on_commit
        if hasattr(callback, "outbox_key")
    ]


def relay(ids: list[int]) -> None:
    """Hand these committed messages to the broker (or run them, eager). A failure leaves them
    to the sweep and never reaches the request that committed them."""
    if current_app.conf.task_always_eager:
        for message in OutboxMessage.objects.filter(pk__in=ids, done_at__isnull=True):
            _run_here(message)
        return
    if not broker_breaker.allows():
        return
    try:
        messages = list(OutboxMessage.objects.filter(pk__in=ids, done_at__isnull=True))
    except DatabaseError:
        log.exception("Could not read outbox messages %s; the sweep will relay them", ids)
        return
    for message in messages:
        if not _send(message):
            return


def _run_here(message: OutboxMessage) -> None:
    with requestid.bound(message.request_id):
        current_app.tasks[message.task].apply_async(message.args)
    OutboxMessage.objects.filter(pk=message.pk).update(
        done_at=timezone.now(), sent_at=timezone.now(), sends=F("sends") + 1
    )


def _send(message: OutboxMessage) -> bool:
    """Publish one message to the broker; False when the broker did not take it."""
    eta = message.available_at if message.available_at > timezone.now() else None
    try:
        headers: dict[str, Any] = {HEADER: message.pk}
        if message.request_id:
            headers[requestid.TASK_HEADER] = message.request_id
        current_app.send_task(
            message.task, args=message.args, eta=eta, headers=headers, retry=False
        )
    except Exception as error:  # kombu and redis raise many kinds; all mean "not sent"
        broker_breaker.failed(error)
        log.warning("Outbox message %s not sent (%s); the sweep will retry", message.pk, error)
        return False
    broker_breaker.succeeded()
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), sends=F("sends") + 1)
    return True


def due(now: datetime.datetime | None = None):
    """Messages to (re)send: never sent (and older than a moment, the relay's own time), or
    sent OUTBOX_RESEND_SECONDS ago, due by then and still not done; not given up on."""
    now = now or timezone.now()
    moment = now - datetime.timedelta(seconds=2)
    resend = now - datetime.timedelta(seconds=settings.OUTBOX_RESEND_SECONDS)
    return OutboxMessage.objects.filter(
        Q(sent_at__isnull=True, created_at__lt=moment)
        | Q(sent_at__lt=resend, available_at__lt=resend),
        done_at__isnull=True,
        sends__lt=settings.OUTBOX_MAX_SENDS,
    ).order_by("pk")


def stuck():
    """Messages given up on: sent OUTBOX_MAX_SENDS times and never done."""
    return OutboxMessage.objects.filter(done_at__isnull=True, sends__gte=settings.OUTBOX_MAX_SENDS)


def relay_due(*, limit: int = 1000) -> int:
    """Send what is due (see `due`); returns how many were sent. Done messages are kept a day.
    Without a broker (eager) each due message runs here, as its relay would have run it."""
    OutboxMessage.objects.filter(done_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    sent = 0
    for message in due()[:limit]:
        if current_app.conf.task_always_eager:
            _run_here(message)
        elif not _send(message):
            break
        sent += 1
    return sent


@task_success.connect(dispatch_uid="outbox-done")
def _mark_done(sender=None, **kwargs) -> None:
    request = getattr(sender, "request", None)
    message_id = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER
    )
    if message_id is None or getattr(request, "is_eager", False):
        return
    try:
        OutboxMessage.objects.filter(pk=message_id).update(done_at=timezone.now())
    except DatabaseError:  # left undone: the sweep sends it again, and the task is idempotent
        log.exception("Could not mark outbox message %s done", message_id)


def beat(name: str) -> None:
    """Record that `name` (a worker, beat) was alive now, for /health/."""
    Heartbeat.objects.update_or_create(name=name[:200], defaults={"at": timezone.now()})


@shared_task(name="tracker.relay_outbox", ignore_result=True, soft_time_limit=60, time_limit=90)
def relay_outbox() -> int:
    """Run by beat every few seconds: relay what the commits could not, resend what was lost.
    Its run is also the heartbeat of beat and of the worker running it (/health/)."""
    beat("beat")
    beat(f"worker:{relay_outbox.request.hostname or 'unknown'}")
    return relay_due()
