#!/usr/bin/env python
"""The read path at archive scale: load N published claims into PostgreSQL, serve them with
gunicorn as in production (one worker, DEBUG off), and time every public page and API list.

    .venv/bin/python bench/scale.py --claims 100000      # or: make bench-scale
    .venv/bin/python bench/scale.py --claims 1000000 --requests 15

The data set stays in the database (`claimtrack_scale` by default) between runs and is loaded
again only when its size differs. Each page is timed cold (page cache off) and warm (page cache
on, Redis), as p50/p95 in ms and as a ratio to a bare template view timed in the same run.
Results go to bench/out/scale-N.json; when both 100k and 1M results exist the growth is printed.
Admin pages are timed signed in as a superuser. See bench/README.md for the latest figures.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BENCH_PASSWORD = "bench-scale-only"


def database_url(name: str) -> str:
    return os.environ.get("SCALE_DATABASE_URL", f"postgresql://postgres@127.0.0.1:5432/{name}")


def setup_django(url: str) -> None:
    os.environ.update(DATABASE_URL=url, DEBUG="1", DJANGO_SETTINGS_MODULE="tracker.settings")
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the database (dropped first when `fresh`: a load starts from the migrations)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_data(claims: int, url: str) -> dict:
    """The data set of `claims` published claims, loaded unless it is already there."""
    ensure_database(url)
    setup_django(url)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from bench import scale_data
    from claims.models import Claim

    call_command("migrate", verbosity=0)
    meta_file = OUT / f"scale-load-{claims}.json"
    if meta_file.exists() and Claim.objects.published().count() == claims:
        return json.loads(meta_file.read_text())
    print(f"Loading {claims:,} published claims into {url.rsplit('/', 1)[1]} …", flush=True)
    connection.close()
    started = time.monotonic()
    ensure_database(url, fresh=True)
    call_command("migrate", verbosity=0)
    author, _ = User.objects.get_or_create(username="bench-author")
    editor, _ = User.objects.get_or_create(username="bench-editor")
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench-admin", "", BENCH_PASSWORD)
    timings = scale_data.load(claims, users=(author.pk, editor.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        counts = {}
        for table in scale_data.TABLES:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            counts[table] = cursor.fetchone()[0]
    timings["with_migrations"] = time.monotonic() - started
    meta = {"claims": claims, "seconds": timings, "database_bytes": size, "rows": counts}
    OUT.mkdir(exist_ok=True)
    meta_file.write_text(json.dumps(meta, indent=2))
    return meta


ALL_FILTERS = "rating=false&speaker=speaker-1&topic=topic-1&language=vi"
# The list's four filters, each at a value with many claims (the biggest speaker; every claim
# of the data set is in Vietnamese), and the searches timed with every combination of them.
FILTERS = {
    "rating": "rating=false",
    "speaker": "speaker=speaker-1",
    "topic": "topic=topic-1",
    "language": "language=vi",
}


def searches() -> dict[str, str]:
    from bench.scale_data import COMMON_WORD, RARE_WORD, VIETNAMESE_PHRASE

    return {
        "no search": "",
        "rare word": RARE_WORD,
        "common word": COMMON_WORD,
        "phrase of common words (trung quoc)": "trung quoc",
        f"Vietnamese without diacritics ({VIETNAMESE_PHRASE})": VIETNAMESE_PHRASE,
    }


def filter_combinations() -> dict[tuple[str, str], str]:
    """Every combination of the list's filters (16) with each search: (filters, search) → path."""
    paths = {}
    for mask in range(2 ** len(FILTERS)):
        chosen = [name for i, name in enumerate(FILTERS) if mask >> i & 1]
        label = "+".join(chosen) or "none"
        for search, words in searches().items():
            query = [FILTERS[name] for name in chosen]
            query += [f"q={words.replace(' ', '+')}"] if words else []
            paths[(label, search)] = "/claims/" + ("?" + "&".join(query) if query else "")
    return paths


def combination_pages() -> dict[str, str]:
    return {
        f"/claims/ {filters} | {search}": p
        for (filters, search), p in filter_combinations().items()
    }


def pages(claims: int) -> dict[str, str]:
    """What is timed: (name → path). Big speaker and source are the Zipf heads (ids 1)."""
    from bench.scale_data import COMMON_WORD, RARE_WORD, TAIL_WORD, VIETNAMESE_PHRASE

    deep = claims // 20 // 2  # half way into the list, in pages of 20
    return {
        "bare template view": "/bench/bare/",
        "home": "/",
        "claim page": "/claims/{claim}-claim-{claim}/",
        "/claims/": "/claims/",
        f"/claims/?page={deep}": f"/claims/?page={deep}",
        "/claims/?q=<common word>": f"/claims/?q={COMMON_WORD}",
        "/claims/?q=<rare word>": f"/claims/?q={RARE_WORD}",
        "/claims/?q=trung quoc": "/claims/?q=trung+quoc",
        "/claims/?q=<tail word>": f"/claims/?q={TAIL_WORD}",
        "/claims/?q=<Vietnamese, no diacritics>": f"/claims/?q={VIETNAMESE_PHRASE}",
        "/claims/?q=<phrase: common + tail>": f"/claims/?q={COMMON_WORD}+{TAIL_WORD}",
        "/claims/?speaker=<biggest>": "/claims/?speaker=speaker-1",
        # Filters combined (read from the read model), with and without a search word.
        "/claims/?rating+speaker+topic+language": f"/claims/?{ALL_FILTERS}",
        "/claims/?rating+speaker+topic+language+q": f"/claims/?{ALL_FILTERS}&q={COMMON_WORD}",
        "/claims/?rating+topic": "/claims/?rating=false&topic=topic-2",
        "/claims/?language+q=<rare word>": f"/claims/?language=en&q={RARE_WORD}",
        "speaker page, biggest": "/speakers/speaker-1/",
        "/speakers/": "/speakers/",
        "source page, most cited": "/sources/1/",
        "/sitemap.xml": "/sitemap.xml",
        "sitemap section, last": "/sitemap-claims.xml?p={last_section}",
        "/api/v1/claims/": "/api/v1/claims/",
        "/api/v1/claims/ (304)": "/api/v1/claims/",
        "/api/v1/claims/?q=<common word>": f"/api/v1/claims/?q={COMMON_WORD}",
        "/api/v1/claims/?rating+speaker+topic+language": f"/api/v1/claims/?{ALL_FILTERS}",
        "/api/v1/claims/?updated_since": "/api/v1/claims/?updated_since=2024-06-01T00:00:00Z",
        "/api/v1/claims/ page 20 (cursor)": "cursor:20",
        "admin: claims changelist": "/admin/claims/claim/",
        "admin: changelist, filtered": "/admin/claims/claim/?status__exact=published",
        # The "My queue" links of the admin's home page.
        "admin: my queue, assigned": "/admin/claims/claim/?queue=assigned",
        "admin: my queue, awaiting my review": "/admin/claims/claim/?queue=review",
        "admin: my queue, due for re-check": "/admin/claims/claim/?queue=recheck",
        "admin: claim change page": "/admin/claims/claim/{claim}/change/",
        "admin: speaker autocomplete": (
            "/admin/autocomplete/?term=ba&app_label=claims&model_name=appearance&field_name=speaker"
        ),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, cache_seconds: int, redis_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-scale-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "bench.scale_settings",
        "PUBLIC_PAGE_CACHE_SECONDS": str(cache_seconds),
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "REDIS_URL": redis_url,
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("CELERY_BROKER_URL", None)
    return gunicorn_on(env, port)


def gunicorn_on(
    env: dict[str, str],
    port: int,
    *,
    workers: int = 1,
    timeout: int = 300,
    log_level: str = "warning",
    probe: str = "/health/",
) -> tuple[subprocess.Popen, str]:
    """collectstatic, then gunicorn on 127.0.0.1:`port` with `env`, once `probe` answers (the
    benchmarks' one way of serving the site as production does)."""
    # Production serves hashed static files from collectstatic's output (whitenoise).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        + ["--timeout", str(timeout), "--log-level", log_level],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + probe, timeout=30)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def admin_session(base: str) -> requests.Session:
    session = requests.Session()
    session.get(base + "/admin/login/")
    session.post(
        base + "/admin/login/",
        data={
            "username": "bench-admin",
            "password": BENCH_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": base + "/admin/login/"},
    )
    return session


def cursor_url(base: str, pages_deep: int) -> str:
    """The API list URL `pages_deep` pages in, found by following `next` (not timed)."""
    url = base + "/api/v1/claims/"
    for _ in range(pages_deep):
        url = requests.get(url, timeout=300).json()["next"]
    return url


def time_page(
    session: requests.Session, url: str, n: int, budget: float, headers=None
) -> list[float]:
    samples: list[float] = []
    deadline = time.monotonic() + budget
    for i in range(n):
        started = time.perf_counter()
        response = session.get(url.format(**next_values(i)), headers=headers, timeout=300)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 304):
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if time.monotonic() > deadline:
            break
    return samples


SAMPLE = {"claim_count": 0, "last_section": 1}


def next_values(i: int) -> dict:
    # Different claims each time: a claim page is cold for each new claim.
    claim = 1 + (i * 7919) % SAMPLE["claim_count"]
    return {"claim": claim, "last_section": SAMPLE["last_section"]}


def measure(
    base: str, claims: int, n: int, budget: float, *, warm: bool, combinations: bool = False
) -> dict:
    anonymous, admin = requests.Session(), admin_session(base)
    results = {}
    timed = combination_pages() if combinations else pages(claims)
    for name, path in timed.items():
        if name.startswith("admin") and warm:
            continue  # the admin is never cached
        session = admin if name.startswith("admin") else anonymous
        url = cursor_url(base, int(path[7:])) if path.startswith("cursor:") else base + path
        headers = None
        if name.endswith("(304)"):
            etag = session.get(url, timeout=300).headers["ETag"]
            headers = {"If-None-Match": etag}
        if warm:
            session.get(url.format(**next_values(0)), headers=headers, timeout=300)
            samples = []
            for _ in range(n):  # the same URL again and again: served from the page cache
                started = time.perf_counter()
                session.get(url.format(**next_values(0)), headers=headers, timeout=300)
                samples.append((time.perf_counter() - started) * 1000)
        else:
            samples = time_page(session, url, n, budget, headers)
        samples.sort()
        results[name] = {
            "n": len(samples),
            "p50": statistics.median(samples),
            "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
        }
        print(f"  {name:40} p50 {results[name]['p50']:9.1f} ms  p95 {results[name]['p95']:9.1f}")
    return results


def report(claims: int, runs: dict) -> str:
    bare_cold = runs["cold"]["bare template view"]["p50"]
    lines = [
        f"| page ({claims:,} claims) | cold p50 | cold p95 | cold p50 / bare | warm p50 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, cold in runs["cold"].items():
        warm = runs["warm"].get(name)
        lines.append(
            f"| {name} | {cold['p50']:.1f} ms | {cold['p95']:.1f} ms | "
            f"{cold['p50'] / bare_cold:.1f}× | {warm['p50']:.1f} ms |"
            if warm
            else f"| {name} | {cold['p50']:.1f} ms | {cold['p95']:.1f} ms | "
            f"{cold['p50'] / bare_cold:.1f}× | — |"
        )
    return "\n".join(lines)


def combination_table(figures: dict[str, float], unit: str) -> str:
    """One row per combination of filters, one column per search (figures by page name)."""
    columns = list(searches())
    lines = [
        f"| filters \\ search ({unit}) | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    rows = dict.fromkeys(filters for filters, _ in filter_combinations())
    for filters in rows:
        cells = [figures.get(f"/claims/ {filters} | {search}") for search in columns]
        lines.append(
            f"| {filters} | " + " | ".join("—" if c is None else f"{c:.1f}" for c in cells) + " |"
        )
    return "\n".join(lines)


def growth() -> str | None:
    small, big = OUT / "scale-100000.json", OUT / "scale-1000000.json"
    if not (small.exists() and big.exists()):
        return None
    a, b = json.loads(small.read_text())["cold"], json.loads(big.read_text())["cold"]
    lines = ["| page | 100k p95 | 1M p95 | growth |", "|---|---:|---:|---:|"]
    for name in a:
        if name in b:
            lines.append(
                f"| {name} | {a[name]['p95']:.1f} ms | {b[name]['p95']:.1f} ms | "
                f"{b[name]['p95'] / a[name]['p95']:.2f}× |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000, help="published claims")
    parser.add_argument("--database", default="claimtrack_scale")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--budget", type=float, default=20, help="seconds per page, at most")
    parser.add_argument(
        "--redis", default=os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/11")
    )
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument(
        "--combinations",
        action="store_true",
        help="time every combination of the list's filters with and without a search instead",
    )
    args = parser.parse_args()

    url = database_url(args.database)
    meta = ensure_data(args.claims, url)
    print(f"Data: {json.dumps(meta)}")
    if args.load_only:
        return
    from django.db import connection

    from claims.models import Claim
    from public.sitemaps import SECTION_SIZE

    SAMPLE["claim_count"] = args.claims
    top = Claim.objects.published().order_by("-pk").values_list("pk", flat=True).first()
    SAMPLE["last_section"] = max(1, -(-top // SECTION_SIZE))
    connection.close()

    runs = {}
    modes = (("cold", 0),) if args.combinations else (("cold", 0), ("warm", 600))
    for label, seconds in modes:
        print(f"{label} (PUBLIC_PAGE_CACHE_SECONDS={seconds}):", flush=True)
        process, base = serve(url, seconds, args.redis)
        try:
            runs[label] = measure(
                base,
                args.claims,
                args.requests,
                args.budget,
                warm=bool(seconds),
                combinations=args.combinations,
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
    OUT.mkdir(exist_ok=True)
    if args.combinations:
        out = OUT / f"scale-combinations-{args.claims}.json"
        out.write_text(json.dumps({**runs, "load": meta}, indent=2))
        print()
        print(combination_table({name: r["p95"] for name, r in runs["cold"].items()}, "p95 ms"))
        return
    (OUT / f"scale-{args.claims}.json").write_text(json.dumps({**runs, "load": meta}, indent=2))
    print()
    print(report(args.claims, runs))
    table = growth()
    if table:
        print()
        print(table)


if __name__ == "__main__":
    main()
