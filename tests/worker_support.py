"""Child processes on the test database: Celery workers and beat, `manage.py` commands.

One home for what the worker tests share: the environment a child needs to reach the very
database (and broker) the test is using, starting it in a process group of its own (so SIGKILL
reaches its pool too), stopping it, and waiting for what it should do. The `worker` fixture
(one `celery worker`, solo pool) lives in tests/conftest.py and is built from these.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from django.conf import settings as django_settings

PROJECT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database the tests run on (the test database, not the configured one)."""
    db = django_settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgresql://{db['USER']}@{host}:{port}/{db['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    """This process's environment, pointed at the test database, with `overrides` on top.
    Children may fetch from the local test webs (127.0.0.0/8) unless told otherwise."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LINKCHECK_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        **overrides,
    }


def start(args: Iterable[str], *, env: dict[str, str], log: Path | None = None):
    """Start `python <args>` in the project, in its own process group; its output goes to
    `log` (appended), or to a pipe when no log is given."""
    output = log.open("ab") if log is not None else subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=PROJECT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so SIGKILL reaches the pool too
    )


def start_celery(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`celery -A tracker <args>` (worker, beat) on the test database."""
    return start(["-m", "celery", "-A", "tracker", *args], env=env, log=log)


def manage(*args: str, env: dict[str, str], **run) -> subprocess.CompletedProcess:
    """`manage.py <args>` run to its end on the test database."""
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, **run)


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Send `sig` to the process group (SIGKILL after 20 s) and reap it."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def log_tails(logs: Iterable[Path], chars: int = 5000) -> str:
    return "\n".join(log.read_text(errors="replace")[-chars:] for log in logs if log.exists())


def wait_for(condition: Callable[[], bool], seconds: float, log: Path) -> None:
    """Poll `condition` until it holds; past `seconds`, fail with the worker's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out; worker log:\n{log_tails([log])}")
