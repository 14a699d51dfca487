#!/usr/bin/env python
"""The desk dashboard and /metrics at archive scale: on the data set of bench/scale.py, each
page requested in-process (Django's test client, signed in as the benchmark's superuser) and
timed, p50 / p95 in ms, with PostgreSQL's own time for its queries (EXPLAIN ANALYZE, summed).

    .venv/bin/python bench/scale.py --claims 100000 --load-only      # the data set, once
    .venv/bin/python bench/desk.py --claims 100000 [--database claimtrack_scale] [--requests 20]

The scale data set's claims were filed from 2015 to 2024 (and published as they were filed),
so the ranges timed are its last 90 days and its last year. See bench/desk.md for the figures.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import database_url, ensure_data  # noqa: E402
from bench.scale_explain import explain  # noqa: E402

TOKEN = "bench-desk-token"


def pages() -> dict[str, tuple[str, dict]]:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    return {
        "/admin/desk/ (last 90 days: empty)": ("/admin/desk/", {}),
        "/admin/desk/, 90 days of data": ("/admin/desk/?start=2024-10-03&end=2024-12-31", {}),
        "/admin/desk/, a year of data": ("/admin/desk/?start=2024-01-01&end=2024-12-31", {}),
        "/admin/desk/ CSV, a year": (
            "/admin/desk/?start=2024-01-01&end=2024-12-31&export=csv",
            {},
        ),
        "/api/v1/desk/, a year": ("/api/v1/desk/?start=2024-01-01&end=2024-12-31", {}),
        "/metrics": ("/metrics", auth),
    }


def page_queries(client, path: str, headers: dict) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, **headers)
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "django_session" not in q["sql"]
    ]


def add_workflow_history() -> None:
    """The scale data set has no workflow log and files each claim when it is published: give
    every published claim a submit and a publish move (by two people) and a filing time 1 to
    240 hours before its verdict, once, so that every figure has rows to read."""
    from django.db import connection

    from claims.models import ClaimTransition

    if ClaimTransition.objects.exists():
        return
    print("Adding the workflow history the dashboard reads …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim SET created_at = first_published_at"
            " - make_interval(hours => (1 + (id * 7919) % 240)::int)"
            " WHERE first_published_at IS NOT NULL"
        )
        for name, source, target, by, hours in (
            ("submit", "researching", "in_review", "bench-author", 1),
            ("publish", "in_review", "published", "bench-editor", 0),
        ):
            cursor.execute(
                "INSERT INTO claims_claimtransition"
                " (claim_id, name, from_status, to_status, by_id, note, at)"
                " SELECT c.id, %s, %s, %s, u.id, '', c.first_published_at"
                " - make_interval(hours => %s::int)"
                " FROM claims_claim c, auth_user u"
                " WHERE c.first_published_at IS NOT NULL AND u.username = %s",
                [name, source, target, hours, by],
            )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database", default="claimtrack_scale")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    ensure_data(args.claims, database_url(args.database))

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    add_workflow_history()
    settings.ALLOWED_HOSTS = ["*"]
    settings.METRICS_TOKEN = TOKEN
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client = Client()
    client.force_login(User.objects.get(username="bench-admin"))
    print(f"{args.claims:,} published claims, {args.requests} requests per page")
    print("| page | p50 ms | p95 ms | database ms (EXPLAIN ANALYZE, summed) |")
    print("|---|---:|---:|---:|")
    for label, (path, headers) in pages().items():
        times = []
        for _ in range(args.requests + 1):
            started = time.perf_counter()
            response = client.get(path, **headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times = sorted(times[1:])  # the first warms the process up
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        with connection.cursor() as cursor:
            database = sum(explain(cursor, sql)[0] for sql in page_queries(client, path, headers))
        print(f"| {label} | {statistics.median(times):.0f} | {p95:.0f} | {database:.1f} |")


if __name__ == "__main__":
    main()
