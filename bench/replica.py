"""Public reads with a streaming replica: throughput and latency of the same load served by the
primary alone and by the primary with DATABASE_REPLICA_URL, and where the reads went.

    .venv/bin/python bench/replica.py --claims 20000 --connections 16 --phase 20
    .venv/bin/python bench/replica.py --copy claimtrack_scale --claims 105000

Makes a private PostgreSQL primary (wal_level=replica) on a free port, loads the data set of
bench/scale_data.py into it (or copies an already loaded database, `--copy`, from the
PostgreSQL on 127.0.0.1:5432), makes a hot standby of it with `pg_basebackup -R`, then serves the
site with gunicorn (`--workers`, page cache off: every page reads the database) twice: primary
only, then primary + replica. `--connections` anonymous readers ask for home, the claim list,
claim pages, the speaker list and the API for `--phase` seconds each. Counts each server's
committed transactions in each phase (pg_stat_database) to show where the reads went, and the
replica's staleness (replay behind the primary) under a publish every `--write-every` seconds.
Figures: bench/replica.md.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402
from bench.faults import Readers, paths  # noqa: E402
from tests.fault_support import PrivatePostgres, postgres_bin  # noqa: E402
from tests.redis_support import free_port  # noqa: E402

DATABASE = "claimtrack_replica_bench"


def serve(env_extra: dict[str, str], *, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-replica-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        **env_extra,
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL", "DATABASE_REPLICA_URL"):
        if name not in env_extra:
            env.pop(name, None)
    return scale.gunicorn_on(
        env, port, workers=workers, timeout=60, log_level="error", probe="/robots.txt"
    )


def copy(source_url: str, primary: PrivatePostgres, name: str) -> None:
    """pg_dump of `source_url` into a new database `name` of the private primary, streamed."""
    primary.sql(f'CREATE DATABASE "{name}"')
    dump = subprocess.Popen(
        [postgres_bin("pg_dump"), "--no-owner", source_url], stdout=subprocess.PIPE
    )
    subprocess.run(
        [postgres_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", primary.url(name)],
        stdin=dump.stdout,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    if dump.wait() != 0:
        raise SystemExit("pg_dump failed")
    primary.sql("ANALYZE", name)


def transactions(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = %s", [DATABASE]
        ).fetchone()
    return int(row[0]) if row else 0


def staleness(primary_url: str, standby_url: str, seconds: float) -> list[float]:
    """Seconds between a commit on the primary and its replay on the standby, sampled."""
    samples = []
    deadline = time.monotonic() + seconds
    with (
        psycopg.connect(primary_url, autocommit=True) as primary,
        psycopg.connect(standby_url, autocommit=True) as standby,
    ):
        primary.execute("CREATE TABLE IF NOT EXISTS bench_replica_beat (at timestamptz)")
        while time.monotonic() < deadline:
            primary.execute("INSERT INTO bench_replica_beat VALUES (clock_timestamp())")
            (written,) = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
            start = time.monotonic()
            while True:
                (done,) = standby.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written]
                ).fetchone()
                if done:
                    break
                time.sleep(0.001)
            samples.append(time.monotonic() - start)
            time.sleep(0.2)
        primary.execute("DROP TABLE bench_replica_beat")
    return samples


def phase(name: str, env: dict[str, str], urls: list[str], servers: dict[str, str], args) -> dict:
    process, base = serve(env, workers=args.workers)
    try:
        for path in urls[:10]:
            requests.get(base + path, timeout=60)
        before = {server: transactions(url) for server, url in servers.items()}
        readers = Readers(base, urls, args.connections)
        start = time.monotonic()
        time.sleep(args.phase)
        end = time.monotonic()
        readers.stop()
        after = {server: transactions(url) for server, url in servers.items()}
    finally:
        process.terminate()
        process.wait(30)
    result = readers.phase(start, end)
    result["transactions"] = {server: after[server] - before[server] for server in servers}
    print(name, result, flush=True)
    return result


def report(results: dict, lag: list[float], args) -> str:
    lines = [
        f"{args.claims:,} published claims, {args.connections} connections, gunicorn --workers "
        f"{args.workers}, {args.phase:g} s per phase, page cache off",
        "",
        "| served by | requests | per second | non-2xx | p50 ms | p95 ms | primary transactions "
        "| replica transactions |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['requests']:,} | {r['per_second']:.0f} | {r['non_2xx_share']:.2%} | "
            f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['transactions']['primary']:,} | "
            f"{r['transactions']['replica']:,} |"
        )
    lag_ms = sorted(x * 1000 for x in lag)
    lines += [
        "",
        f"Replay behind a commit, {len(lag_ms)} commits: p50 {lag_ms[len(lag_ms) // 2]:.1f} ms, "
        f"p95 {lag_ms[int(len(lag_ms) * 0.95)]:.1f} ms, max {lag_ms[-1]:.1f} ms",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--phase", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="each setup, alternated")
    parser.add_argument("--copy", help="a database holding --claims claims, copied, not loaded")
    args = parser.parse_args()

    primary = PrivatePostgres(options="-c wal_level=replica -c max_wal_senders=4")
    standby = None
    try:
        primary.init()
        primary.start()
        url = primary.url(DATABASE)
        started = time.monotonic()
        if args.copy:
            copy(scale.database_url(args.copy), primary, DATABASE)
        else:
            scale.ensure_data(args.claims, url)
            from django.db import connection

            connection.close()
        print(f"loaded in {time.monotonic() - started:.0f} s", flush=True)
        started = time.monotonic()
        standby = primary.standby()
        print(f"standby made in {time.monotonic() - started:.1f} s", flush=True)
        servers = {"primary": primary.url("postgres"), "replica": standby.url("postgres")}
        urls = paths(args.claims)
        setups = {
            "primary only": {"DATABASE_URL": url},
            "primary + replica": {
                "DATABASE_URL": url,
                "DATABASE_REPLICA_URL": standby.url(DATABASE),
            },
        }
        results = {}
        for round in range(1, args.rounds + 1):  # alternated: a busy machine drifts
            for name, env in setups.items():
                label = f"{name} (round {round})"
                results[label] = phase(label, env, urls, servers, args)
        lag = staleness(url, standby.url(DATABASE), 10)
        print(report(results, lag, args))
    finally:
        if standby is not None:
            standby.remove()
        primary.remove()


if __name__ == "__main__":
    main()
