"""Structured logs (LOG_FORMAT=json) and the request id every answer and log line carries
(tracker.requestid)."""

import io
import json
import logging
import re

import pytest
from django.conf import settings

from tracker.requestid import RequestIdFilter


@pytest.fixture
def json_log():
    """django.request's records, formatted as LOG_FORMAT=json formats them."""
    options = dict(settings.LOGGING["formatters"]["json"])
    formatter_class = options.pop("()")
    module, _, name = formatter_class.rpartition(".")
    formatter = getattr(__import__(module, fromlist=[name]), name)(**options)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_each_answer_carries_a_request_id_and_keeps_a_proxys(client, db):
    made_up = client.get("/no-such-page/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made_up)
    assert client.get("/no-such-page/")["X-Request-ID"] != made_up

    kept = client.get("/no-such-page/", HTTP_X_REQUEST_ID="edge-7f3a9c2e")
    assert kept["X-Request-ID"] == "edge-7f3a9c2e"
    forged = client.get("/no-such-page/", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_json_log_lines_are_one_object_each_with_the_request_id(client, db, json_log):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="edge-7f3a9c2e")

    lines = json_log.getvalue().splitlines()
    assert lines
    record = json.loads(lines[-1])
    assert record["request_id"] == "edge-7f3a9c2e"
    assert (record["level"], record["logger"]) == ("WARNING", "django.request")
    assert "Not Found: /no-such-page/" in record["message"]
    assert {"time", "level", "logger", "message", "request_id"} <= set(record)


def test_a_record_outside_any_request_says_so():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def stream_handlers_reached(record: logging.LogRecord) -> int:
    """How many console handlers print `record`, walking up from its logger as logging does
    (pytest's capture handlers aside)."""
    count, logger = 0, logging.getLogger(record.name)
    while logger is not None:
        count += sum(
            1
            for handler in logger.handlers
            if type(handler) is logging.StreamHandler
            and record.levelno >= handler.level
            and handler.filter(record)
        )
        if not logger.propagate:
            break
        logger = logger.parent
    return count


@pytest.mark.parametrize("debug", [True, False])
def test_a_django_record_is_printed_once(settings, debug):
    settings.DEBUG = debug  # Django's own console handler printed a second copy with DEBUG on
    for name in ("django.request", "django.utils.autoreload", "django.security.csrf"):
        record = logging.LogRecord(name, logging.WARNING, __file__, 1, "Not Found", None, None)
        assert stream_handlers_reached(record) == 1, name


def test_runserver_request_lines_keep_their_time_and_are_printed_once():
    logger = logging.getLogger("django.server")
    [handler] = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    assert not logger.propagate
    record = logging.LogRecord(
        logger.name, logging.INFO, __file__, 1, '"GET / HTTP/1.1" 200', None, None
    )
    RequestIdFilter().filter(record)
    line = handler.format(record)
    if settings.LOG_FORMAT == "json":
        assert json.loads(line)["message"] == '"GET / HTTP/1.1" 200'
    else:
        assert re.fullmatch(r'\[.+\] "GET / HTTP/1.1" 200', line)
