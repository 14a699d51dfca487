"""What an edit costs when many claims show the edited object (claims/dependents.py).

    DEBUG=1 .venv/bin/python bench/dependents.py [--claims 1,1000,10000]

For each size, a fresh SQLite database gets that many published claims, all said by one
speaker in one source of one outlet, all on one topic, all rated "False", all citing one
linked source. Then each of these edits is made once, inside a transaction, as the admin would:
rename the speaker, rename the topic, relabel the rating level, retitle the source, and report
the cited link's health as changed (the link checker's signal). For each: the queries and the
wall time of the edit's transaction (what the admin's request waits for: moving updated_at,
the search text of up to dependents.SEARCH_INLINE_MAX claims, retiring cached pages), and the
wall time after its commit (the search-text task, eager here as under `make run`; a worker
runs it in production). Results go to stdout as a Markdown table (bench/README.md keeps the
latest).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.pop("CACHE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(count: int) -> dict:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from claims.models import Appearance, Claim, Evidence, RatingLevel, Review, Speaker, Topic
    from sources.models import Link, Outlet, Source

    author = User.objects.create(username="bench-author")
    editor = User.objects.create(username="bench-editor")
    rating = RatingLevel.objects.get(slug="false")
    outlet = Outlet.objects.create(name="Bench outlet")
    said_in = Source.objects.create(title="Interview", outlet=outlet, language="en")
    link = Link.objects.create(url="https://example.org/report", host="example.org")
    cited = Source.objects.create(title="Report", language="en", url=link.url, link=link)
    speaker = Speaker.objects.create(name="Bench Speaker")
    topic = Topic.objects.create(name="Bench topic", slug="bench-topic")
    claims = Claim.objects.bulk_create(
        Claim(text=f"Claim number {n}", language="en", slug=f"claim-{n}") for n in range(count)
    )
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        Review(
            claim=c,
            state=Review.State.PUBLISHED,
            rating=rating,
            summary="Bench verdict",
            author=author,
            approved_by=editor,
            published_at=now,
            claim_text=c.text,
            claim_language=c.language,
        )
        for c in claims
    )
    for claim, review in zip(claims, reviews, strict=True):
        claim.published_review = review
    Claim.objects.bulk_update(claims, ["published_review"], batch_size=1000)
    Claim.objects.update(status="published")  # a protected field: set in bulk, as migrations do
    Appearance.objects.bulk_create(
        Appearance(claim=c, speaker=speaker, source=said_in, quote=c.text, quote_language="en")
        for c in claims
    )
    Evidence.objects.bulk_create(
        Evidence(review=r, source=cited, stance="refutes") for r in reviews
    )
    Claim.topics.through.objects.bulk_create(
        Claim.topics.through(claim=c, topic=topic) for c in claims
    )
    return {
        "speaker": speaker,
        "topic": topic,
        "rating": rating,
        "source": said_in,
        "link": link,
    }


def measure(name: str, action) -> tuple[str, int, float, float]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with transaction.atomic():
            action()
            in_request = len(queries)
            edited = time.perf_counter()
        done = time.perf_counter()
    return name, in_request, edited - started, done - edited


def edits(rows: dict) -> list:
    from sources.events import link_health_changed
    from sources.models import Link

    def rename(obj, field: str, value: str):
        def action() -> None:
            setattr(obj, field, value)
            obj.save()

        return action

    return [
        ("rename the speaker", rename(rows["speaker"], "name", "Renamed Speaker")),
        ("rename the topic", rename(rows["topic"], "name", "Renamed topic")),
        ("relabel the rating", rename(rows["rating"], "label_en", "Plainly false")),
        ("retitle the source", rename(rows["source"], "title", "Retitled interview")),
        (
            "link health changed",
            lambda: link_health_changed.send(sender=Link, link_ids=[rows["link"].pk]),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", default="1,1000,10000")
    sizes = [int(n) for n in parser.parse_args().claims.split(",")]
    results: dict[str, dict[int, tuple[int, float]]] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            # One process per size: Django's connection and settings are set up once.
            pid = os.fork()
            if pid == 0:
                setup(Path(folder) / "bench.sqlite3")
                rows = populate(size)
                with open(Path(folder) / "out", "w") as out:
                    for name, action in edits(rows):
                        name, queries, seconds, after = measure(name, action)
                        out.write(f"{name}\t{queries}\t{seconds}\t{after}\n")
                os._exit(0)
            os.waitpid(pid, 0)
            for line in (Path(folder) / "out").read_text().splitlines():
                name, queries, seconds, after = line.split("\t")
                results.setdefault(name, {})[size] = (int(queries), float(seconds), float(after))
    header = " | ".join(f"{n:,} claims: queries, s in request, s after commit" for n in sizes)
    print(f"| edit | {header} |")
    print("| --- |" + " --- |" * len(sizes))
    for name, by_size in results.items():
        cells = " | ".join(
            f"{by_size[n][0]}, {by_size[n][1]:.2f}, {by_size[n][2]:.2f}" for n in sizes
        )
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
