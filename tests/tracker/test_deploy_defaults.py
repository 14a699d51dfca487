"""A production start: `check --deploy` is clean with an https SITE_URL, settings errors
redact credentials, and there is no silent in-request fallback for background work."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SITE_URL": "https://claims.example.org",
    "ALLOWED_HOSTS": "claims.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}
UNSET = {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL", "CELERY_TASK_ALWAYS_EAGER"}


def python(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    """This Python run in the project with a production environment plus `env` (None unsets)."""
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    merged = {**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={k: v for k, v in merged.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    return python("manage.py", *args, **env)


def printed(code: str, **env: str | None) -> str:
    """The last line `code` prints (it must succeed)."""
    result = python("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def setting(name: str, **env: str | None) -> str:
    """A setting as Django reads it from `env` (settings only: the apps are not loaded)."""
    return printed(f"from django.conf import settings; print(settings.{name})", **env)


def test_check_deploy_is_clean_with_an_https_site_url():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_tls_settings_follow_the_site_url_with_safe_defaults():
    assert setting("SECURE_SSL_REDIRECT") == "True"
    assert int(setting("SECURE_HSTS_SECONDS")) >= 31_536_000
    assert setting("SECURE_PROXY_SSL_HEADER") == "None"  # only when a proxy is named
    assert setting("SECURE_SSL_REDIRECT", SITE_URL="http://intranet.example") == "False"
    assert setting("SECURE_HSTS_SECONDS", SITE_URL="http://intranet.example") == "0"


def test_a_tls_proxy_header_is_configured_by_name():
    value = setting("SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert value == "('HTTP_X_FORWARDED_PROTO', 'https')"
    bad = manage("check", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    assert bad.returncode != 0 and "SECURE_PROXY_SSL_HEADER" in bad.stderr


def test_trusted_proxy_count_is_read_from_the_environment():
    # The throttles and the login lockout both read it through tracker.clientip.
    assert setting("TRUSTED_PROXY_COUNT") == "0"
    assert setting("TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="2") == "2"


def test_production_without_a_broker_is_an_error_unless_eager_is_asked_for():
    result = manage("check", CELERY_BROKER_URL=None)
    assert result.returncode != 0
    assert "tracker.E001" in result.stderr and "CELERY_BROKER_URL" in result.stderr
    assert manage("check", CELERY_BROKER_URL=None, CELERY_TASK_ALWAYS_EAGER="1").returncode == 0


def test_development_without_a_broker_runs_tasks_eagerly():
    assert manage("check", DEBUG="1", CELERY_BROKER_URL=None).returncode == 0
    assert setting("CELERY_TASK_ALWAYS_EAGER", DEBUG="1", CELERY_BROKER_URL=None) == "True"


def test_a_per_process_cache_is_a_deploy_warning():
    result = manage("check", "--deploy", CACHE_URL=None)
    assert "tracker.W001" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "postgresql://claimtrack:hunter2-secret@db.internal:notaport/ct"),
        ("DATABASE_URL", "postgresql://claimtrack:hunter2-secret@db.internal:99999/ct"),
        ("CELERY_BROKER_URL", "localhost:hunter2-secret@redis"),
        ("CACHE_URL", "memcached://user:hunter2-secret@cache"),
        ("SITE_URL", "ftp://user:hunter2-secret@example.org"),
    ],
)
def test_a_bad_url_setting_names_the_variable_and_hides_the_password(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert variable in last_line
    assert "hunter2-secret" not in result.stderr + result.stdout


def test_the_wsgi_application_freezes_what_it_loaded_out_of_full_collections():
    """Each web worker keeps the objects it loaded at start-up out of the garbage collector's
    full collections (gc.freeze), which otherwise walk them all every few requests."""
    frozen = printed("import gc, tracker.wsgi; print(gc.get_freeze_count())")
    assert int(frozen) > 10_000


def test_postgresql_connections_run_without_parallel_workers_unless_asked():
    url = "postgresql://claimtrack@db.internal:5432/claimtrack"
    options = "DATABASES['default']['OPTIONS']['options']"
    assert setting(options, DATABASE_URL=url) == "-c max_parallel_workers_per_gather=0"
    assert setting(options, DATABASE_URL=url, DATABASE_PARALLEL_WORKERS="2").endswith("=2")
    kept = setting(options, DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000")
    assert kept == "-c statement_timeout=5000 -c max_parallel_workers_per_gather=0"
