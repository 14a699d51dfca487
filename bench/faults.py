"""Redis stopped under load: throughput and the share of non-2xx answers on public pages and
the API, before, during and after a 10-second outage (issue 25), beside the same load on
uncached pages.

    .venv/bin/python bench/faults.py --claims 20000 --connections 16 --phase 10

Loads the archive-sized data set of bench/scale_data.py into PostgreSQL (once), starts a
private redis-server on a free port (cache, and nothing else), serves the site with gunicorn
(`--workers`, as the README deploys it) and keeps `--connections` readers asking for home, the
claim list, claim pages, the speaker list and the API. Phases of `--phase` seconds: uncached
(page cache off: the floor), then with the cache: before, Redis killed (during), Redis
restarted empty (after). Figures: bench/faults.md.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402
from tests.redis_support import PrivateRedis, free_port  # noqa: E402


def serve(url: str, *, cache_seconds: int, redis_url: str, workers: int) -> tuple:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-faults-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_PAGE_CACHE_SECONDS": str(cache_seconds),
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "REDIS_URL": redis_url,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    env.pop("CELERY_BROKER_URL", None)
    return scale.gunicorn_on(
        env, port, workers=workers, timeout=60, log_level="error", probe="/robots.txt"
    )


def paths(claims: int) -> list[str]:
    rng = random.Random(25)
    claim_pages = [f"/claims/{n}-claim-{n}/" for n in rng.sample(range(1, claims), 40)]
    api_claims = [f"/api/v1/claims/{n}/" for n in rng.sample(range(1, claims), 20)]
    return [
        "/", "/claims/", "/claims/?page=2", "/speakers/", "/api/v1/claims/",
        *claim_pages, *api_claims,
    ]  # fmt: skip


class Readers:
    def __init__(self, base: str, urls: list[str], connections: int) -> None:
        self.base, self.urls = base, urls
        self.answers: list[tuple[float, int, float]] = []
        self.running = True
        self.threads = [
            threading.Thread(target=self._read, args=(n,), daemon=True) for n in range(connections)
        ]
        for thread in self.threads:
            thread.start()

    def _read(self, n: int) -> None:
        session = requests.Session()
        rng = random.Random(n)
        while self.running:
            start = time.monotonic()
            try:
                status = session.get(self.base + rng.choice(self.urls), timeout=30).status_code
            except requests.RequestException:
                status = 0
            self.answers.append((start, status, time.monotonic() - start))

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(60)

    def phase(self, start: float, end: float) -> dict:
        answers = [a for a in self.answers if start <= a[0] < end]
        latencies = sorted(a[2] * 1000 for a in answers)
        bad = [a for a in answers if not 200 <= a[1] < 300]
        return {
            "requests": len(answers),
            "per_second": len(answers) / (end - start),
            "non_2xx_share": len(bad) / len(answers) if answers else 0.0,
            "5xx": sum(1 for a in answers if a[1] >= 500 or a[1] == 0),
            "p50_ms": statistics.median(latencies) if latencies else 0.0,
            "p95_ms": latencies[int(len(latencies) * 0.95)] if latencies else 0.0,
        }


def run(url: str, claims: int, *, connections: int, phase: float, workers: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="claimtrack-bench-redis-"))
    redis = PrivateRedis(folder).start()
    urls = paths(claims)
    results = {}
    try:
        process, base = serve(url, cache_seconds=0, redis_url=redis.url(1), workers=workers)
        readers = Readers(base, urls, connections)
        start = time.monotonic()
        time.sleep(phase)
        results["uncached (page cache off)"] = readers.phase(start, time.monotonic())
        readers.stop()
        process.terminate()
        process.wait(30)

        process, base = serve(url, cache_seconds=600, redis_url=redis.url(1), workers=workers)
        for path in urls:  # warm the cache, as a site that has been up a while has it
            requests.get(base + path, timeout=60)
        readers = Readers(base, urls, connections)
        marks = [time.monotonic()]
        time.sleep(phase)
        marks.append(time.monotonic())
        redis.stop()
        time.sleep(phase)
        marks.append(time.monotonic())
        redis.start()
        time.sleep(phase)
        marks.append(time.monotonic())
        readers.stop()
        process.terminate()
        process.wait(30)
        for name, (start, end) in zip(
            ["cached: before", "cached: Redis down", "cached: after (restarted empty)"],
            zip(marks, marks[1:], strict=False),
            strict=True,
        ):
            results[name] = readers.phase(start, end)
    finally:
        redis.stop()
    return results


def report(results: dict, *, claims: int, connections: int, phase: float, workers: int) -> str:
    lines = [
        f"{claims:,} published claims, {connections} connections, gunicorn --workers {workers}, "
        f"{phase:g} s per phase",
        "",
        "| phase | requests | per second | non-2xx | 5xx | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['requests']:,} | {r['per_second']:.0f} | "
            f"{r['non_2xx_share']:.2%} | {r['5xx']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--database", default="claimtrack_faults")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--phase", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = scale.database_url(args.database)
    scale.ensure_data(args.claims, url)
    from django.db import connection

    connection.close()
    results = run(
        url, args.claims, connections=args.connections, phase=args.phase, workers=args.workers
    )
    print(
        report(
            results,
            claims=args.claims,
            connections=args.connections,
            phase=args.phase,
            workers=args.workers,
        )
    )


if __name__ == "__main__":
    main()
