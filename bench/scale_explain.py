#!/usr/bin/env python
"""The database's own time for each page of bench/scale.py: every query a page runs, replayed
under EXPLAIN ANALYZE, summed. Unlike wall times on a shared machine, PostgreSQL's execution
times hardly move with the load, so these are the figures to compare between runs.

    .venv/bin/python bench/scale_explain.py --claims 100000 --database claimtrack_scale
    .venv/bin/python bench/scale_explain.py ... --plan "/claims/?q=trung+quoc"   # print plans

The data set must be loaded already (bench/scale.py). Pages are requested in-process through
Django's test client with the page cache off; admin pages as the benchmark's superuser.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import (  # noqa: E402
    combination_pages,
    combination_table,
    database_url,
    pages,
    setup_django,
)


def explain(cursor, sql: str) -> tuple[float, str]:
    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")
    text = "\n".join(row[0] for row in cursor.fetchall())
    return plan[0]["Execution Time"] + plan[0].get("Planning Time", 0), text


def page_queries(client, path: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code not in (200, 304):
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and "django_session" not in q["sql"]
        and "auth_user" not in q["sql"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database", default="claimtrack_scale")
    parser.add_argument("--plan", action="append", default=[], help="print the plans of a page")
    parser.add_argument(
        "--parallel", type=int, help="max_parallel_workers_per_gather for this session"
    )
    parser.add_argument(
        "--combinations",
        action="store_true",
        help="every combination of the list's filters with and without a search, as a table",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="replay each page this many times, keep the median"
    )
    args = parser.parse_args()

    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    setup_django(database_url(args.database))
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from bench.scale import SAMPLE, next_values
    from claims.models import Claim
    from public.sitemaps import SECTION_SIZE

    settings.ALLOWED_HOSTS = ["*"]
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    SAMPLE["claim_count"] = args.claims
    top = Claim.objects.published().order_by("-pk").values_list("pk", flat=True).first()
    SAMPLE["last_section"] = max(1, -(-top // SECTION_SIZE))
    if args.parallel is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET max_parallel_workers_per_gather = {int(args.parallel)}")
    anonymous, admin = Client(), Client()
    admin.force_login(User.objects.get(username="bench-admin"))
    print(f"| page ({args.claims:,} claims) | queries | PostgreSQL ms (sum) | slowest query ms |")
    print("|---|---:|---:|---:|")
    totals = {}
    timed_pages = combination_pages() if args.combinations else pages(args.claims)
    for name, path in timed_pages.items():
        if path.startswith("cursor:") or name.endswith("(304)") or name.startswith("bare"):
            continue
        client = admin if name.startswith("admin") else anonymous
        path = path.format(**next_values(3))
        queries = page_queries(client, path)
        runs = []
        for _ in range(max(1, args.runs)):
            timed = []
            with connection.cursor() as cursor:
                for sql in queries:
                    timed.append((*explain(cursor, sql), sql))
            runs.append((sum(ms for ms, _, _ in timed), timed))
        total, timed = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
        totals[name] = total
        slowest = max(timed, default=(0, "", ""))
        print(f"| {name} | {len(queries)} | {total:.1f} | {slowest[0]:.1f} |", flush=True)
        if path in args.plan or name in args.plan:
            for ms, text, sql in sorted(timed, reverse=True)[:3]:
                print(f"\n-- {ms:.1f} ms\n{sql}\n{text}\n")
    if args.combinations:
        print()
        print(combination_table(totals, "PostgreSQL ms"))


if __name__ == "__main__":
    main()
