"""A bad setting stops start-up with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"SECRET_KEY": "x" * 40, "DEBUG": "0"}


def start_django(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "tracker.settings", **GOOD, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_settings_start():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/claims"),
        ("DATABASE_URL", "not a url"),
        ("CELERY_BROKER_URL", "localhost:6379"),
        ("CACHE_URL", "memcached://x"),
        ("SITE_URL", "claimtrack.example.org"),
        ("PUBLISHER_URL", "ftp://example.org"),
        ("LINKCHECK_ALLOWED_PRIVATE_NETWORKS", "127.0.0.0/8,not-a-network"),
        ("ARCHIVE_AVAILABILITY_URL", "archive.org"),
        ("METRICS_ALLOWED_NETWORKS", "10.0.0.0/8,not-a-network"),
        ("LOG_FORMAT", "xml"),
        ("PUBLIC_CACHE_PURGE_URLS", "http://varnish-1:6081,varnish-2:6081"),
        ("DATABASE_REPLICA_MAX_LAG_SECONDS", "soon"),
    ],
)
def test_a_bad_value_names_its_variable(variable, value):
    result = start_django(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_production_needs_a_secret_key():
    result = start_django(SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.strip().splitlines()[-1]
