"""How long `GET /api/v1/claims/?appearance_url=…` takes as sources accumulate on one host.

Builds a fresh SQLite database with N sources on the same host (the worst case for the old
lookup, which normalised every source whose URL contained the host, in Python, per request),
then times the API answer (indexed `Source.url_normalised`) and, for comparison, the old
lookup's Python pass alone, reimplemented here as it was.

    .venv/bin/python bench/appearance_url.py            # --sources 2000 20000 100000 --repeat 20
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    os.environ.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{database}",
        API_THROTTLE_ANON="1000000/minute",
        PUBLIC_PAGE_CACHE_SECONDS="0",
        ALLOWED_HOSTS="testserver",
    )
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(count: int) -> str:
    from claims.models import Appearance, Claim, Speaker
    from sources.models import Source, normalised_or_blank

    already = Source.objects.count()
    urls = [f"https://news.example.org/story/{n}?utm_source=x" for n in range(already, count)]
    Source.objects.bulk_create(
        [
            Source(title=f"S{n}", url=url, url_normalised=normalised_or_blank(url), language="en")
            for n, url in enumerate(urls)
        ],
        batch_size=5000,
    )
    target = Source.objects.order_by("pk").first()
    if not Appearance.objects.exists():
        claim = Claim.objects.create(text="A claim", language="en")
        Appearance.objects.create(
            claim=claim,
            speaker=Speaker.objects.create(name="Bench speaker"),
            source=target,
            quote="A claim",
            quote_language="en",
        )
    return normalised_or_blank(target.url)


def old_python_pass(value: str) -> list[int]:
    """The lookup before issue 9: every source on the host, normalised in Python."""
    from urllib.parse import urlsplit

    from sources.linkcheck.normalize import normalize_url
    from sources.models import Source

    host = urlsplit(value).hostname or ""
    found = []
    for pk, url in Source.objects.filter(url__icontains=host).values_list("pk", "url"):
        try:
            if normalize_url(url) == value:
                found.append(pk)
        except ValueError:
            pass
    return found


def timed(call, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.contrib.auth.models import User
        from django.test import Client

        client = Client()
        # A newsroom account sees the unpublished bench claim, so the lookup really runs.
        client.force_login(User.objects.create_superuser("bench", password="bench-only-pass"))
        print("| sources on the host | API answer, median (ms) | old Python pass alone (ms) |")
        print("| ---: | ---: | ---: |")
        for count in sorted(args.sources):
            value = fill(count)
            answer = client.get("/api/v1/claims/", {"appearance_url": value})
            assert answer.status_code == 200 and len(answer.json()["results"]) == 1, answer
            api_ms = timed(
                lambda v=value: client.get("/api/v1/claims/", {"appearance_url": v}), args.repeat
            )
            old_ms = timed(lambda v=value: old_python_pass(v), max(3, args.repeat // 5))
            print(f"| {count:,} | {api_ms:.1f} | {old_ms:.1f} |")


if __name__ == "__main__":
    main()
