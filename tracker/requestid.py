"""A request id for every request: taken from the X-Request-ID a proxy sent (when it looks
like one), else made up; sent back in the answer's X-Request-ID and put on every log record
written while the request is answered (`request_id`, in LOG_FORMAT=json's lines), and by the
Celery tasks it queued (below)."""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from importlib import import_module
from typing import Any

from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    before_task_publish,
    task_postrun,
    task_prerun,
)
from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What a proxy's id looks like (a UUID, nginx's $request_id, a trace id): anything else is
# replaced, so a client cannot write arbitrary text into the logs.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")

current_request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if WELL_FORMED.fullmatch(given) else uuid.uuid4().hex
        # Kept until the request is finished: Django logs a 4xx or 5xx answer after the last
        # middleware has returned it (django.core.handlers.base.log_response).
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs) -> None:
    current_request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being answered on each record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


# Celery: a task runs with the id of the request that queued it. Publishing puts the current
# id in the message's headers (the outbox stores it with the message: a task relayed later by
# beat keeps it); the worker sets it around the task's run, so the task's log lines, and the
# tasks it queues in turn, carry it.
TASK_HEADER = "request_id"
_bound_for_task: dict[str, Token] = {}


def task_request_id(request: Any) -> str:
    """The request id a task message carries ("" when none)."""
    found = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        TASK_HEADER
    )
    return found if isinstance(found, str) and WELL_FORMED.fullmatch(found) else ""


@contextmanager
def bound(request_id: str) -> Iterator[None]:
    """Log as request `request_id` (when it has one) within the block."""
    if not request_id:
        yield
        return
    token = current_request_id.set(request_id)
    try:
        yield
    finally:
        current_request_id.reset(token)


@before_task_publish.connect(dispatch_uid="requestid-publish")
def _publish_with_request_id(headers: dict | None = None, **kwargs) -> None:
    request_id = current_request_id.get()
    if headers is not None and request_id != "-":
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect(dispatch_uid="requestid-prerun")
def _run_with_request_id(task_id: str = "", task: Any = None, **kwargs) -> None:
    request_id = task_request_id(getattr(task, "request", None))
    if request_id and task_id:
        _bound_for_task[task_id] = current_request_id.set(request_id)


@task_postrun.connect(dispatch_uid="requestid-postrun")
def _forget_task_request_id(task_id: str = "", **kwargs) -> None:
    token = _bound_for_task.pop(task_id, None)
    if token is not None:
        current_request_id.reset(token)


@after_setup_logger.connect(dispatch_uid="requestid-worker-logger")
@after_setup_task_logger.connect(dispatch_uid="requestid-worker-task-logger")
def _worker_lines_carry_request_id(logger: logging.Logger, **kwargs) -> None:
    """A worker's handlers (Celery sets up its own) get the request id, and the JSON lines of
    LOG_FORMAT=json."""
    json_formatter = None
    if settings.LOG_FORMAT == "json":
        logging_config: dict[str, Any] = settings.LOGGING
        options = dict(logging_config["formatters"]["json"])
        module, _, name = options.pop("()").rpartition(".")
        json_formatter = getattr(import_module(module), name)(**options)
    for handler in logger.handlers:
        handler.addFilter(RequestIdFilter())
        if json_formatter is not None:
            handler.setFormatter(json_formatter)
