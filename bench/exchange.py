"""ClaimReview exchange benchmark: export the DataFeed of N published claims, then import it.

    python bench/exchange.py [--claims 10000] [--timeout 900]

In a fresh SQLite database (a temporary folder), N published claims with a review, an evidence
item and an appearance are written in bulk; then, each as a child process whose wall time, CPU
time and peak resident memory are measured with wait4():
  1. export: GET /api/v1/claimreview/feed/ through Django's test client, body streamed to a file;
  2. import: `manage.py import_claimreview` of that file into the same database (external
     reviews plus the linking task, eager, which matches each one against our claims);
  3. re-import of the same file (nothing changes: the idempotent path).
The import steps run as another desk would (another SITE_URL): our own reviews coming back are
otherwise recognised as ours and skipped.

    python bench/exchange.py --hostile

instead imports the hostile documents of issue #20 (nesting 100,000 levels deep, a 40 kB wall
of brackets, a page's script, an @graph chain, nested microdata, 200,000 items) one by one in a
child process, with its peak resident memory (the aim: 200 MB at most).

Not part of the test suite. Results go to stdout as a Markdown table (bench/README.md).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

SEED = """
import datetime, django; django.setup()
from django.contrib.auth.models import User
from django.utils import timezone
from claims.models import Appearance, Claim, Evidence, RatingLevel, Review, Speaker
from sources.models import Source
n = {claims}
author = User.objects.create(username="bench-author")
editor = User.objects.create(username="bench-editor")
levels = list(RatingLevel.objects.all())
speaker = Speaker.objects.create(name="Bench Speaker", slug="bench-speaker")
source = Source.objects.create(title="Bench source", language="en")
words = "budget ministry coffee rice exports province growth survey teachers bridge".split()
claims = Claim.objects.bulk_create(
    Claim(text=f"The province exported {{i}} tonnes of " + " ".join(words[i % 7 : i % 7 + 3]),
          language="en", slug=f"claim-{{i}}")
    for i in range(n)
)
now = timezone.now()
reviews = Review.objects.bulk_create(
    Review(claim=c, rating=levels[i % len(levels)], summary="Bench verdict.", author=author,
           approved_by=editor, published_at=now, state="published",
           claim_text=c.text, claim_language=c.language)
    for i, c in enumerate(claims)
)
Evidence.objects.bulk_create(Evidence(review=r, source=source, stance="context") for r in reviews)
Appearance.objects.bulk_create(
    Appearance(claim=c, speaker=speaker, source=source, quote=c.text, quote_language="en",
               said_on=datetime.date(2024, 1, 1))
    for c in claims
)
for c, r in zip(claims, reviews):
    c.published_review = r
Claim.objects.bulk_update(claims, ["published_review"], batch_size=1000)
Claim.objects.update(status="published")  # the seed skips the workflow: it is not under test
"""

EXPORT = """
import django; django.setup()
from django.test import Client
response = Client().get("/api/v1/claimreview/feed/", secure=True)  # DEBUG off: HTTPS only
with open({path!r}, "wb") as out:
    for chunk in response.streaming_content:
        out.write(chunk)
"""


def measure(cmd: list[str], env: dict, timeout: float) -> dict:
    started = time.monotonic()
    process = subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=subprocess.PIPE, text=True)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"timed out: {cmd}")
        time.sleep(0.05)
    return {
        "wall": time.monotonic() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "ok": os.waitstatus_to_exitcode(status) == 0,
        "out": process.stdout.read().strip(),
    }


HOSTILE = {
    "500 kB: objects nested 100,000 levels": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "40 kB: lists nested 20,000 levels": b"[" * 20_000 + b"]" * 20_000,
    "400 kB: a feed of 200,000 brackets": b"[" * 200_000 + b"]" * 200_000,
    "a page whose JSON-LD nests 100,000 lists": b'<html><script type="application/ld+json">'
    + b"[" * 100_000
    + b"]" * 100_000
    + b"</script></html>",
    "an @graph chain of 1,000": b'{"@graph":' * 1_000 + b"[]" + b"}" * 1_000,
    "a page of 100,000 nested microdata items": b"<html><body>"
    + b'<div itemscope itemtype="http://schema.org/ClaimReview">' * 100_000
    + b"</body></html>",
    "a feed of 200,000 empty items (item limit)": b"[" + b",".join([b"{}"] * 200_000) + b"]",
}


def hostile(env: dict, timeout: float, folder: str) -> None:
    python = sys.executable
    print("| Document | Wall (s) | CPU (s) | Peak RSS (MB) | Report |")
    print("|---|---:|---:|---:|---|")
    baseline = Path(folder) / "empty.json"
    baseline.write_bytes(b"[]")
    documents = {"(baseline: an empty list)": baseline}
    for name, body in HOSTILE.items():
        path = Path(folder) / f"hostile-{len(documents)}.json"
        path.write_bytes(body)
        documents[name] = path
    for name, path in documents.items():
        command = [python, "manage.py", "import_claimreview", str(path), "--no-progress"]
        result = measure(command, env, timeout)
        last = result["out"].splitlines()[-1] if result["out"] else ""
        print(
            f"| {name} | {result['wall']:.1f} | {result['cpu']:.1f} | "
            f"{result['rss_mb']:.0f} | {last} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--hostile", action="store_true", help="the hostile documents only")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL")},
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench",
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "https://claimtrack.example.org",
            "CELERY_TASK_ALWAYS_EAGER": "1",  # no broker: the linking task runs in-process
        }
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=PROJECT, env=env, check=True)
        if args.hostile:
            hostile(env, args.timeout, folder)
            return
        subprocess.run(
            [python, "-c", SEED.format(claims=args.claims)], cwd=PROJECT, env=env, check=True
        )
        feed = Path(folder) / "feed.json"
        rows = [
            ("export (streamed DataFeed)", [python, "-c", EXPORT.format(path=str(feed))]),
            ("import + linking", [python, "manage.py", "import_claimreview", str(feed),
                                  "--no-progress"]),
            ("re-import (no change)", [python, "manage.py", "import_claimreview", str(feed),
                                       "--no-progress"]),
        ]  # fmt: skip
        print(f"{args.claims:,} published claims; feed file below.\n")
        print("| Step | Wall (s) | Items/s | CPU (s) | Peak RSS (MB) | Output |")
        print("|---|---:|---:|---:|---:|---|")
        another_desk = {**env, "SITE_URL": "https://another-desk.example.org"}
        for name, command in rows:
            result = measure(
                command, env if name.startswith("export") else another_desk, args.timeout
            )
            size = (
                f"{feed.stat().st_size / 2**20:.1f} MiB feed" if name.startswith("export") else ""
            )
            print(
                f"| {name} | {result['wall']:.1f} | {args.claims / result['wall']:,.0f} | "
                f"{result['cpu']:.1f} | {result['rss_mb']:.0f} | "
                f"{size or result['out'].splitlines()[-1] if result['out'] or size else ''} |"
            )


if __name__ == "__main__":
    main()
