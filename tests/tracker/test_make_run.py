"""`make run` still gives a developer a working site: on a fresh SQLite database, with tasks run
eagerly and nothing else running, it migrates, loads the demo data and serves it; the public
pages, the feeds, the API and the admin answer on a free port. (The database tests themselves
run on PostgreSQL in CI: this is the SQLite site as a developer starts it.)"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import worker_support

PROJECT = Path(__file__).resolve().parents[2]
# A developer's shell has none of these: the site runs embedded (SQLite, eager tasks, local
# cache), and make run picks its own SITE_URL and DEBUG defaults.
NOT_IN_A_DEVELOPERS_SHELL = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CACHE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "PUBLISHER_NAME",
    "DEBUG",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, **headers: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def site(tmp_path_factory):
    """`make run` on a free port and a fresh SQLite file; yields its base URL."""
    folder = tmp_path_factory.mktemp("make-run")
    log = folder / "make-run.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_A_DEVELOPERS_SHELL}
    env["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    # The interpreter running the tests serves the site; its packages are already installed.
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "run"]
    command += ["HOST=127.0.0.1", f"PORT={port}", f"PY={sys.executable}"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # runserver's autoreloader child is stopped with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"make run stopped ({process.returncode}):\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"make run did not serve {base} in time:\n{log.read_text()}")
            try:
                if get(f"{base}/health/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        yield base, log
    finally:
        worker_support.stop(process)


PAGES = [
    "/",
    "/claims/",
    "/claims/?q=trung+quoc",
    "/speakers/",
    "/corrections/",
    "/methodology/",
    "/feeds/claims.atom",
    "/feeds/claims.rss",
    "/sitemap.xml",
    "/health/",
    "/admin/login/",
    "/api/v1/claims/",
    "/api/v1/speakers/",
    "/api/schema/",
    "/api/docs/",
]


def test_make_run_serves_the_demo_site_and_the_api(site):
    """One test (one site): under pytest-xdist, tests of one module may run in two processes."""
    base, log = site
    output = log.read_text()
    assert "Loaded" in output and "demo claims" in output, output
    assert re.search(r"user editor\s+password claimtrack-editor\b", output), output

    answers = {path: get(base + path)[0] for path in PAGES}
    assert answers == dict.fromkeys(PAGES, 200)

    status, content_type, body = get(f"{base}/api/v1/claims/")
    assert content_type.startswith("application/json")
    claims = json.loads(body)["results"]
    assert claims, "no published demo claim in the API"
    assert get(f"{base}/claims/{claims[0]['id']}/")[0] in (200, 301)  # or to its canonical URL
    listed = get(f"{base}/claims/", **{"Accept-Language": "vi"})[2].decode()
    links = re.findall(r'href="(/claims/\d+-[^"/]+/)"', listed)
    assert links, "the claim list shows no demo claim"
    status, _, page = get(base + links[0])
    assert status == 200 and b"application/ld+json" in page
    speakers = re.findall(r'href="(/speakers/[^"/]+/)"', get(f"{base}/speakers/")[2].decode())
    assert speakers and get(base + speakers[0])[0] == 200
    styles = re.findall(r'href="(/static/[^"]+\.css)"', listed)
    assert styles and get(base + styles[0])[0] == 200
    assert get(f"{base}/admin/")[0] == 302  # to the login page
