import ipaddress
import json
import os
from pathlib import Path

import pytest

from tests import worker_support
from tests.factories import ClaimFactory, UserFactory, walk_to


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user; tests do not need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    """Production serves hashed files from collectstatic; tests read them from the apps."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request in Vietnamese leaves Vietnamese active in its thread (LocaleMiddleware does
    not switch back): code a later test calls outside a request would speak it."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def reporter(db):
    return UserFactory(username="rita-reporter", groups=["Reporter"])


@pytest.fixture
def checker(db):
    return UserFactory(username="fred-checker", groups=["Fact-checker"])


@pytest.fixture
def checker2(db):
    return UserFactory(username="fiona-checker", groups=["Fact-checker"])


@pytest.fixture
def editor(db):
    return UserFactory(username="erin-editor", groups=["Editor"])


@pytest.fixture
def editor2(db):
    return UserFactory(username="ed-editor", groups=["Editor"])


@pytest.fixture
def outsider(db):
    return UserFactory(username="olga-outsider", is_staff=False)


@pytest.fixture
def make_claim(checker, editor):
    """make_claim("published", rating="true", **claim_fields) walks a new claim there."""

    def make(status: str = "new", *, rating: str = "false", **fields):
        return walk_to(
            ClaimFactory(**fields), status, checker=checker, editor=editor, rating=rating
        )

    return make


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def uses_the_database(item) -> bool:
    """A pytest test with a database marker or fixture, a Django (or hypothesis.extra.django)
    TestCase, which pytest-django lets reach the database without either, or a test that needs
    PostgreSQL or a worker."""
    from django.test import TransactionTestCase

    test_case = getattr(item, "cls", None)
    return bool(
        item.get_closest_marker("django_db")
        or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        or (isinstance(test_case, type) and issubclass(test_case, TransactionTestCase))
        or "postgres" in item.keywords
        or "worker" in item.keywords
    )


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that touch the database, a broker or workers (CI's second "
        "pass, on PostgreSQL + Redis: the others run in the first)",
    )
    parser.addoption(
        "--sqlite-pass",
        action="store_true",
        help="run only the tests that touch no database, broker or worker, and those marked "
        "both_databases (CI's first pass, on SQLite: every other test runs on PostgreSQL)",
    )
    parser.addoption(
        "--record-selection",
        metavar="PATH",
        help="write the ids of the selected tests to PATH, one a line, with a tab and "
        "both_databases after those so marked (CI checks its passes with them: "
        "tests/selection_support.py)",
    )
    parser.addoption(
        "--record-durations",
        metavar="PATH",
        help="write each test's seconds (setup, call and teardown) to PATH as JSON when the run "
        "ends (CI's shards: tests/durations_support.py merges them into tests/durations.json)",
    )


def in_sqlite_pass(item) -> bool:
    """CI's SQLite pass: what needs no database, and the code paths that differ by database."""
    return not uses_the_database(item) or "both_databases" in item.keywords


def check_both_databases_marks(items) -> None:
    """`both_databases` says a test runs on SQLite as well as on PostgreSQL: on a test that
    needs PostgreSQL or a worker (skipped on SQLite) it would say something false."""
    needs = {"postgres", "worker"}
    wrong = [
        item.nodeid
        for item in items
        if item.get_closest_marker("both_databases") and needs & set(item.keywords)
    ]
    if wrong:
        raise pytest.UsageError(
            "both_databases marks tests that cannot run on SQLite:\n  " + "\n  ".join(wrong)
        )


def pytest_collection_modifyitems(config, items):
    """CI runs each test once: `--sqlite-pass` (SQLite, eager tasks) takes the tests that touch
    no database and the ones marked `both_databases`; `--database-tests-only` (PostgreSQL +
    Redis + real workers) takes every test that touches a database, broker or worker. Without
    either option (`make test`), every test runs; `postgres` and `worker` tests skip themselves
    where their services are missing.

    Every transactional test restores the database as migrations left it (rating scale, groups,
    beat schedule): a plain flush would empty those tables for the tests that follow.
    """
    from django.conf import settings
    from django.db import connection

    check_both_databases_marks(items)
    sqlite_pass = config.getoption("--sqlite-pass")
    database_tests_only = config.getoption("--database-tests-only")
    if sqlite_pass and database_tests_only:
        raise pytest.UsageError("--sqlite-pass and --database-tests-only are CI's two passes")
    if sqlite_pass and connection.vendor != "sqlite":
        raise pytest.UsageError("--sqlite-pass runs on SQLite: unset DATABASE_URL")
    if sqlite_pass or database_tests_only:
        wanted = in_sqlite_pass if sqlite_pass else uses_the_database
        kept = [item for item in items if wanted(item)]
        config.hook.pytest_deselected(items=[item for item in items if not wanted(item)])
        items[:] = kept

    for item in items:
        if is_transactional(item):
            marker = item.get_closest_marker("django_db")
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)

    no_postgres = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgresql://…")
    no_broker = pytest.mark.skip(reason="needs a broker and real workers: set CELERY_BROKER_URL")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(no_postgres)
        if "worker" in item.keywords and not settings.CELERY_BROKER_URL:
            item.add_marker(no_broker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With NO_SKIPS=1 (.ci/run sets it) a skipped test fails: each pass selects only tests its
    services can run, so a skip there means a missing install (redis-server, a PostgreSQL
    cluster, a Redis broker) that would otherwise hide behind a green run."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("NO_SKIPS") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped where nothing may be (NO_SKIPS): {reason}"


def pytest_collection_finish(session):
    """--record-selection: what this run selected (in each pytest-xdist worker: the same)."""
    path = session.config.getoption("--record-selection")
    if not path:
        return
    lines = [
        f"{item.nodeid}\t{'both_databases' if item.get_closest_marker('both_databases') else ''}"
        for item in session.items
    ]
    partial = Path(f"{path}.{os.getpid()}")
    partial.write_text("".join(f"{line}\n" for line in lines))
    partial.replace(path)


_durations: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """--record-durations: the seconds each test took, its fixtures' setup and teardown too."""
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    path = session.config.getoption("--record-durations")
    if path and _durations:
        Path(path).write_text(json.dumps(_durations, indent=0, sort_keys=True))


@pytest.fixture
def worker(tmp_path, settings):
    """A real `celery worker` (solo pool) on the test database and the configured broker,
    started empty (the broker purged) and stopped after the test; yields its log file. It may
    deliver webhooks and fetch links on 127.0.0.0/8, with short webhook retries."""
    from tracker.celery import app

    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    app.control.purge()  # nothing left over from earlier runs on this broker
    log = tmp_path / "worker.log"
    env = worker_support.child_env(WEBHOOK_RETRY_BASE_SECONDS="2", WEBHOOK_TIMEOUT_SECONDS="5")
    process = worker_support.start_celery(
        "worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        env=env, log=log,
    )  # fmt: skip
    yield log
    worker_support.stop(process)


# Link health: a local test web, allowed through LINKCHECK_ALLOWED_PRIVATE_NETWORKS only in
# the tests that ask for `linkcheck_settings`.
@pytest.fixture(scope="session")
def linkcheck_web():
    from tests.linkcheck_web import TestWeb

    server = TestWeb().start()
    yield server
    server.stop()


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process even when a broker is configured."""
    from tracker.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def linkcheck_settings(settings, linkcheck_web, eager_tasks):
    """Settings for checking the local test web, with tasks in-process."""
    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    settings.ARCHIVE_AVAILABILITY_URL = linkcheck_web.url("/wayback/available")
    settings.ARCHIVE_INTERVAL_MS = 0
    settings.LINKCHECK_PER_HOST_INTERVAL_MS = 0
    settings.LINKCHECK_PER_HOST_CONCURRENCY = 8
    settings.LINKCHECK_TOTAL_TIMEOUT = 2
    settings.LINKCHECK_READ_TIMEOUT = 2
    settings.LINKCHECK_RETRY_AFTER_MAX = 2
    linkcheck_web.seen.clear()
    linkcheck_web.archived.clear()
    linkcheck_web.changing_version = 0
    return settings


# Fault tests: a private redis-server (tests/redis_support.py) they may stop and restart.
@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    """One private redis-server per session, running at the start of each test using it."""
    import shutil

    from tests.redis_support import PrivateRedis

    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (apt install redis-server)")
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def running_redis(private_redis):
    if not private_redis.answers():
        private_redis.start()
    return private_redis
