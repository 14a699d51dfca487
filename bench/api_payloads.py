#!/usr/bin/env python
"""The public API's claim pages served from stored payloads (issue 21): time them under gunicorn
(one worker, DEBUG off, page cache off) on a copy of the scale data set, with the PostgreSQL time
and the worker's CPU per request.

    .venv/bin/python bench/api_payloads.py --database claimtrack_scale_payloads

Run from the checkout whose code is measured (the current directory is served), so the same
script times main's code on a copy and then this branch's. It never loads or migrates data:
copy the scale data set first (createdb -T claimtrack_scale), migrate it with the code served,
and run `manage.py rebuild_read_model` once for the payloads. Each page: p50/p95 wall time in
ms; PostgreSQL's time per request from pg_stat_database.active_time of that database (nothing
else may use it meanwhile); the gunicorn worker's user+system CPU per request from /proc. The
cursor chain follows `next` 50 times from the first page (51 pages) and is timed per step.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import ALL_FILTERS, serve  # noqa: E402

ROOT = Path.cwd()
COMMON_WORD = "kinh"  # bench.scale_data: in about half of all claims
PAGES = {
    "/api/v1/claims/": "/api/v1/claims/",
    "/api/v1/claims/ (304)": "/api/v1/claims/",
    "/api/v1/claims/?page_size=200": "/api/v1/claims/?page_size=200",
    "/api/v1/claims/?q=<common word>": f"/api/v1/claims/?q={COMMON_WORD}",
    "/api/v1/claims/?rating+speaker+topic+language": f"/api/v1/claims/?{ALL_FILTERS}",
    "/api/v1/claims/<id>/": "/api/v1/claims/{claim}/",
    "/api/v1/claimreview/": "/api/v1/claimreview/",
}


def worker_cpu(master: int) -> float:
    """User + system CPU seconds of the gunicorn master's children (the one worker)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def pg_active_ms(url: str) -> float:
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        name = url.rsplit("/", 1)[1]
        row = conn.execute(
            "SELECT pg_stat_force_next_flush(), active_time FROM pg_stat_database "
            "WHERE datname = %s",
            [name],
        ).fetchone()
    return float(row[1])


def summary(samples: list[float], cpu: float, pg: float) -> dict:
    samples = sorted(samples)
    n = len(samples)
    return {
        "n": n,
        "p50": statistics.median(samples),
        "p95": samples[min(n - 1, int(n * 0.95))],
        "pg_ms": pg / n,
        "cpu_ms": cpu * 1000 / n,
    }


def timed(session, urls: list[str], headers, master: int, url: str) -> dict:
    cpu, pg = worker_cpu(master), pg_active_ms(url)
    samples = []
    for each in urls:
        started = time.perf_counter()
        response = session.get(each, headers=headers, timeout=300)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 304):
            raise SystemExit(f"{each}: HTTP {response.status_code}")
    time.sleep(0.6)  # the statistics collector flushes the sessions' counters
    return summary(samples, worker_cpu(master) - cpu, pg_active_ms(url) - pg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="claimtrack_scale_payloads")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--label", default=subprocess.getoutput("git rev-parse --short HEAD"))
    args = parser.parse_args()
    url = f"postgresql://postgres@127.0.0.1:5432/{args.database}"
    with psycopg.connect(url) as conn:
        top = conn.execute("SELECT max(claim_id) FROM claims_publishedclaim").fetchone()[0]
    os.chdir(ROOT)
    process, base = serve(url, 0, args.redis)
    results = {}
    try:
        session = requests.Session()
        session.get(base + "/api/v1/claims/", timeout=300)  # the worker's imports, warmed
        for name, path in PAGES.items():
            urls = [
                base + path.format(claim=top - (i * 7919) % 50_000) for i in range(args.requests)
            ]
            headers = None
            if name.endswith("(304)"):
                headers = {"If-None-Match": session.get(urls[0], timeout=300).headers["ETag"]}
            results[name] = timed(session, urls, headers, process.pid, url)
        chain = [base + "/api/v1/claims/"]
        for _ in range(50):
            chain.append(session.get(chain[-1], timeout=300).json()["next"])
        results["51-page cursor chain, per step"] = timed(session, chain, None, process.pid, url)
    finally:
        process.terminate()
        process.wait(timeout=30)
    load = os.getloadavg()
    print(f"{args.label}: load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("| page | p50 ms | p95 ms | PostgreSQL ms/request | worker CPU ms/request |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['pg_ms']:.1f} | {r['cpu_ms']:.1f} |"
        )
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / f"api-payloads-{args.label}.json").write_text(
        json.dumps({"load": load, "results": results}, indent=2)
    )


if __name__ == "__main__":
    main()
