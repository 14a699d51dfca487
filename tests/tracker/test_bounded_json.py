"""JSON from outside cannot crash or stall the process: huge numbers, deep nesting, any bytes.

The hostile documents go through `manage.py import_claimreview` in a child process with a memory
cap and a time limit, and its peak resident memory must stay at or under 200 MB (about 100 MB of
it is Django and the libraries, loaded), the way an editor's upload or a feed imported by URL
reaches the parser:
ijson's C backend used to segfault on a 4.4 kB file (an integer of more than 4,300 digits),
taking every request of its gunicorn worker down with it.
"""

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import bounded_json

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space for the importing process
PEAK_MEMORY = 200 * 1024 * 1024  # what the importing process may hold at most (resident)

DIGITS = b"9" * 5000
HOSTILE = {
    "a rating of 5,000 digits": b'{"@type":"ClaimReview","reviewRating":{"ratingValue":'
    + DIGITS
    + b"}}",
    "a feed item of 5,000 digits": b'[{"@type":"ClaimReview","reviewRating":{"ratingValue":-'
    + DIGITS
    + b"}}]",
    "a float beyond a double": b'[{"@type":"ClaimReview","reviewRating":{"ratingValue":1e99999}}]',
    "200,000 brackets in a feed": b"[" * 200_000 + b"]" * 200_000,
    "100,000 objects deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "a DataFeed nested past the limit": b'{"dataFeedElement":' + b"[" * 50_000 + b"]" * 50_000,
    "a page whose script nests 100,000 lists": b'<html><script type="application/ld+json">'
    + b"[" * 100_000
    + b"]" * 100_000
    + b"</script></html>",
    "an @graph chain of 1,000": b'{"@graph":' * 1_000 + b"[]" + b"}" * 1_000,
    "a page of 100,000 nested microdata items": b"<html><body>"
    + b'<div itemscope itemtype="http://schema.org/ClaimReview">' * 100_000
    + b"</body></html>",
}


# The importing process is started by a small Python process that caps it, waits for it and
# prints its peak resident memory. Linux counts in a child's ru_maxrss the resident memory of
# the process it was forked from (the high-water mark survives exec), so measured straight from
# the test process the figure would be the pytest worker's size, not the importer's.
MEASURE = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]),) * 2)
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
print(f"\\npeak resident kB: {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 99)
"""


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """A migrated SQLite database of its own, for the child processes."""
    database = tmp_path_factory.mktemp("hostile") / "db.sqlite3"
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return env


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_document_is_reported_and_the_importing_process_lives(name, tmp_path, site_env):
    path = tmp_path / "feed.json"
    path.write_bytes(HOSTILE[name])
    output = tmp_path / "output.txt"
    with output.open("wb") as sink:
        child = subprocess.Popen(
            [sys.executable, "-c", MEASURE, str(MEMORY_CAP), "manage.py", "import_claimreview"]
            + [str(path), "--no-progress"],
            cwd=ROOT,
            env=site_env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timer = threading.Timer(60, os.killpg, (child.pid, signal.SIGKILL))
        timer.start()
        code = child.wait()
        timer.cancel()
    report = output.read_text(errors="replace")
    assert code in (0, 1), report[-2000:]  # never a signal (a crash, a kill at 60 s): 99
    assert "skipped" in report.lower()
    reasons = ("overflow", "digits", "nested deeper", "no ClaimReview", "no http(s) `url`")
    assert any(reason in report for reason in reasons), report[-2000:]
    peak = int(re.search(r"peak resident kB: (\d+)", report)[1]) * 1024
    assert peak <= PEAK_MEMORY, f"{name}: {peak // 2**20} MB"


@pytest.mark.parametrize(
    "document",
    [b"[" + DIGITS + b"]", b"[1e99999]", b"[" * 40 + b"]" * 40, b"[NaN]", b"", b"{} x"],
)
def test_loads_and_items_refuse_what_is_out_of_bounds_with_their_own_error(document):
    with pytest.raises(bounded_json.BadJSON):
        bounded_json.loads(document)
    with pytest.raises(bounded_json.BadJSON):
        list(bounded_json.items(io.BytesIO(document), "item"))


def test_a_page_script_may_hold_raw_line_breaks_inside_strings():
    assert bounded_json.loads('{"claimReviewed": "line one\nline two\ttab"}') == {
        "claimReviewed": "line one\nline two\ttab"
    }


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)  # ijson: 64-bit integers
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_document_within_bounds_reads_back_as_written(value):
    text = json.dumps(value)
    assert bounded_json.loads(text) == value
    assert list(bounded_json.items(io.BytesIO(text.encode()), "")) == [value]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_a_value_or_a_bad_json_error(data):
    for read in (
        lambda: bounded_json.loads(data),
        lambda: list(bounded_json.items(io.BytesIO(data), "item")),
    ):
        with contextlib.suppress(bounded_json.BadJSON):
            read()
