"""The OpenAPI contract: it validates, it is served with offline docs, and a fuzzer cannot break it.

Schemathesis runs every operation of the live schema against the test server, once anonymously
and once with an editor's token, and checks for 5xx answers and for any answer, status code,
content type or header the schema does not describe.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from rest_framework.authtoken.models import Token

from tests.factories import AppearanceFactory, SourceFactory, UserFactory

# The budget of the random (fuzzing) phase: cases per operation and run. The coverage phase,
# which runs with the editor's token, is not bounded by it: it sends every boundary and
# malformed value the schema defines for every parameter of every operation (~4,000 cases,
# three quarters of this test's time). 5 keeps random cases for each of the 56 operations in
# both runs (~560 in all) at half the cost of 10; CI balances the test into its shards by
# tests/durations.json.
MAX_EXAMPLES = 5
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]


def test_the_schema_validates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    for path in ("/api/v1/claims/{id}/transitions/", "/api/v1/claimreview/", "appearance_url"):
        assert path in text


def test_the_schema_describes_the_error_shape_and_conditional_answers(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    claims = schema["paths"]["/api/v1/claims/{id}/"]["get"]["responses"]
    assert {"200", "304", "404", "429"} <= set(claims)
    transitions = schema["paths"]["/api/v1/claims/{id}/transitions/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(transitions)
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "detail",
        "code",
        "fields",
    }


def test_the_interactive_docs_are_served_without_the_internet(client, db):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    # Every script, stylesheet and image is served by us: no address with a host of its own.
    # (A substring test for "cdn" failed whenever the random CSRF token happened to contain it.)
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references, "the docs page references no assets at all"
    assert [url for url in references if re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*:)?//", url)] == []
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


class OneThreadWSGIServer(WSGIServer):
    """Answers one request after another on the server's own thread. Django's live server
    answers each on a new thread, which opens a new PostgreSQL connection (a new backend, its
    catalogue caches cold) and closes it after the answer: half of each fuzzed request's time."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


class OneThreadLiveServer(LiveServerThread):
    server_class = OneThreadWSGIServer


@pytest.fixture
def api_server(transactional_db, settings):
    """A live server for a client that sends one request at a time (schemathesis with one
    worker): its thread keeps its database connection between requests (CONN_MAX_AGE)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    thread = OneThreadLiveServer("localhost", static_handler=StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()  # its connections are closed before the database is flushed


def run_schemathesis(base_url: str, tmp_path, phases: str, *headers: str) -> dict:
    """Run the schemathesis CLI on the live schema; return its exit code and output."""
    report = tmp_path / f"report-{len(headers)}.json"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--no-color",
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        phases,
        "--mode",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        "20261129",
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--generation-database",
        "none",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--request-timeout",
        "30",
        "--warnings",
        "off",
        # A fresh connection per request: keep-alive with the test server's WSGI server
        # waits ~40 ms for delayed ACKs on each request.
        "--header",
        "Connection: close",
        # intake/ fetches the URL it is given (in-process, tasks being eager here): fuzzed
        # URLs would reach outside addresses. tests/intake/test_intake_desk.py covers it instead.
        "--exclude-path-regex",
        "^/api/v1/intake/",
        # Importing ClaimReview fetches a given URL: random public host names would reach the
        # internet. tests/exchange/test_exchange_import.py covers that endpoint with a local server.
        "--exclude-path",
        "/api/v1/external-reviews/import/",
    ]
    for header in headers:
        command += ["--header", header]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    return {"code": done.returncode, "output": done.stdout + done.stderr, "report": report}


# Two schemathesis runs of ~100 s each alone; CI runs three test processes on two cores beside
# them, which took this past the suite's 300 s limit once. Each run has its own 600 s limit.
@pytest.mark.timeout(1500)
@pytest.mark.django_db(transaction=True)
def test_no_request_breaks_the_api_or_its_contract(api_server, make_claim, tmp_path, request):
    source = SourceFactory(url="https://example.org/a")  # one source per URL
    for _ in range(3):
        AppearanceFactory(claim=make_claim("published"), source=source)
    make_claim("researching")
    token = Token.objects.create(user=UserFactory(username="fuzz-editor", groups=["Editor"]))

    started = time.monotonic()
    # The coverage phase (boundary and malformed values for every parameter) runs with the
    # token, where every write is reachable; anonymous callers get the random fuzzing phase.
    runs = {
        "anonymous": run_schemathesis(api_server, tmp_path, "fuzzing"),
        "editor token": run_schemathesis(
            api_server, tmp_path, "coverage,fuzzing", f"Authorization: Token {token.key}"
        ),
    }

    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    for who, run in runs.items():
        summary = [line for line in run["output"].splitlines() if line.strip()][-12:]
        reporter.write_line(f"\nschemathesis ({who}):\n" + "\n".join(summary))
    reporter.write_line(f"schemathesis: both runs took {time.monotonic() - started:.0f}s")
    for who, run in runs.items():
        assert run["code"] == 0, f"schemathesis failed ({who}):\n{run['output'][-20000:]}"
