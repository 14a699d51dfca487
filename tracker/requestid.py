"""A request id for every request: taken from the X-Request-ID a proxy sent (when it looks
like one), else made up; sent back in the answer's X-Request-ID and put on every log record
written while the request is answered (`request_id`, in LOG_FORMAT=json's lines)."""

import logging
import re
import uuid
from contextvars import ContextVar

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
