#!/usr/bin/env python
"""What a write costs on the archive: the same writes at 100k and at 1M claims (issue #12,
"writes stay O(1) in the archive's size").

    .venv/bin/python bench/scale_writes.py --claims 100000 --database claimtrack_scale_100k
    .venv/bin/python bench/scale_writes.py --claims 1000000 --database claimtrack_scale_1m

Uses the data set bench/scale.py loads (loaded here if missing). Each write is made through the
service the admin, the API and the workers call, inside a transaction that is then rolled back,
so the archive stays as loaded and runs repeat (a VACUUM at the end clears what the rolled-back
writes left behind):

- publish: a claim walked to "in review" by a fact-checker (not timed), said by the biggest
  speaker, published by an editor (claims.services.claim_transition);
- rename the biggest speaker, the most used topic and the biggest outlet (claims.edits);
- a cited link's health changes: the link of the source most cited by verdicts (the checker's
  sources.events.link_health_changed signal).

Measured for each, as the median of --repeat runs: the statements and wall time of the write's
transaction (what the admin's request waits for), the claims that show the edited object, and
the work left to tasks after the commit (a worker runs them in production; here they run inside
the same transaction): moving updated_at past dependents.TOUCH_INLINE_MAX claims, and the
search text past dependents.SEARCH_INLINE_MAX. Results go to
bench/out/scale-writes-N.json; when both sizes exist the growth is printed too.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scale import OUT, database_url, ensure_data  # noqa: E402


class RolledBack(Exception):
    """Raised at the end of each write so that its transaction is rolled back."""


def biggest(model, related: str):
    from django.db.models import Count

    return model.objects.annotate(n=Count(related)).order_by("-n").first()


def subjects() -> dict:
    """The objects each write edits: the ones that the most claims show."""
    from django.db.models import Count

    from claims.models import Appearance, Speaker, Topic
    from sources.models import Outlet, Source

    speaker = Speaker.objects.get(
        pk=Appearance.objects.values("speaker").annotate(n=Count("id")).order_by("-n")[0]["speaker"]
    )
    cited = Source.objects.annotate(n=Count("evidence")).order_by("-n").first()
    return {
        "speaker": speaker,
        "topic": biggest(Topic, "claims"),
        "outlet": biggest(Outlet, "sources"),
        "cited": cited,
    }


def newsroom():
    """A fact-checker and an editor (created inside each rolled-back write)."""
    from django.contrib.auth.models import Group, User

    checker = User.objects.create(username="bench-writes-checker", is_staff=True)
    checker.groups.add(Group.objects.get(name="Fact-checker"))
    editor = User.objects.create(username="bench-writes-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    return checker, editor


def ready_to_publish(speaker, checker):
    """A new claim, said by `speaker`, walked to "in review" with a review and one evidence."""
    from claims import edits, services
    from claims.models import Evidence, RatingLevel
    from sources.models import Source

    claim = edits.claim_create(by=checker, text="A claim published by the benchmark", language="en")
    source = Source.objects.order_by("pk").first()
    edits.appearance_create(
        claim=claim,
        by=checker,
        speaker=speaker,
        source=source,
        quote=claim.text,
        quote_language="en",
    )
    services.claim_transition(claim_id=claim.pk, name="start_research", by=checker)
    review = services.review_start(claim=claim, by=checker)
    edits.review_update(
        review=review, by=checker, rating=RatingLevel.objects.get(slug="false"), summary="Bench."
    )
    edits.evidence_add(review=review, by=checker, source=source, stance=Evidence.Stance.REFUTES)
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    return claim


def writes(rows: dict) -> dict:
    """name -> (prepare(checker, editor) -> state, write(state), shown(state) -> the edited
    (model, pk) whose claims need their search text, or None)."""
    from claims import edits, services
    from claims.models import Speaker, Topic
    from sources.events import link_health_changed
    from sources.models import Link, Outlet, Source

    def publish_prepare(checker, editor):
        return ready_to_publish(rows["speaker"], checker), editor

    def publish(state):
        claim, editor = state
        services.claim_transition(claim_id=claim.pk, name="publish", by=editor)

    def rename(update, key, field, value):
        def write(state):
            update(**{key: rows[key], "by": state, field: value})

        return write

    def as_superuser(checker, editor):
        from django.contrib.auth.models import User

        return User.objects.create_superuser("bench-writes-admin", "", None)

    def with_link(checker, editor):
        """The bench's data has no links: give the most cited source one (not timed)."""
        source = rows["cited"]
        link = Link.objects.create(url=f"https://example.org/cited/{source.pk}", host="example.org")
        Source.objects.filter(pk=source.pk).update(link=link, url=link.url)
        return link

    def link_changed(link):
        link_health_changed.send(sender=Link, link_ids=[link.pk])

    return {
        "publish a claim of the biggest speaker": (publish_prepare, publish, lambda state: None),
        "rename the biggest speaker": (
            as_superuser,
            rename(edits.speaker_update, "speaker", "name", "Renamed by the benchmark"),
            lambda state: (Speaker, rows["speaker"].pk),
        ),
        "rename the most used topic": (
            as_superuser,
            rename(edits.topic_update, "topic", "name", "Renamed topic"),
            lambda state: (Topic, rows["topic"].pk),
        ),
        "rename the biggest outlet": (
            as_superuser,
            rename(edits.outlet_update, "outlet", "name", "Renamed outlet"),
            lambda state: (Outlet, rows["outlet"].pk),
        ),
        "a cited link's health changes": (with_link, link_changed, lambda link: (Link, link.pk)),
    }


def run_once(prepare, write, shown, *, tasks: bool = True) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from claims import dependents, search
    from claims.dependents import SEARCH_TASK_BATCH
    from claims.models import Claim

    result = {}
    try:
        with transaction.atomic():
            state = prepare(*newsroom())
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                with transaction.atomic():
                    write(state)
                result["seconds"] = time.perf_counter() - started
            result["statements"] = len(queries)
            edited = shown(state)
            model = edited[0] if edited else None
            ids = sorted(dependents.claim_ids_showing(*edited[:1], [edited[1]])) if edited else []
            result["claims"] = len(ids)
            started = time.perf_counter()
            if tasks and len(ids) > dependents.TOUCH_INLINE_MAX:  # what the touch tasks do
                now = timezone.now()
                for start in range(0, len(ids), dependents.TOUCH_BATCH):
                    batch = ids[start : start + dependents.TOUCH_BATCH]
                    Claim.objects.filter(pk__in=batch).update(updated_at=now)
            if tasks and model in search.READS and len(ids) > dependents.SEARCH_INLINE_MAX:
                for start in range(0, len(ids), SEARCH_TASK_BATCH):
                    search.refresh(ids[start : start + SEARCH_TASK_BATCH])
            result["after_commit"] = time.perf_counter() - started
            raise RolledBack
    except RolledBack:
        pass
    return result


def measure(repeat: int, only: str = "", tasks: bool = True) -> dict:
    rows = subjects()
    results = {}
    for name, (prepare, write, shown) in writes(rows).items():
        if only not in name:
            continue
        runs = [run_once(prepare, write, shown, tasks=tasks) for _ in range(repeat)]
        results[name] = {
            "statements": runs[0]["statements"],
            "claims": runs[0]["claims"],
            "ms": statistics.median(r["seconds"] for r in runs) * 1000,
            "after_commit_s": statistics.median(r["after_commit"] for r in runs),
        }
        print(f"  {name}: {json.dumps(results[name])}", flush=True)
    return results


def table(by_size: dict[int, dict]) -> str:
    sizes = sorted(by_size)
    head = " | ".join(
        f"{n:,}: claims shown, statements, ms in the write, s in tasks after" for n in sizes
    )
    lines = [f"| write | {head} |", "| --- |" + " --- |" * len(sizes)]
    for name in by_size[sizes[0]]:
        cells = []
        for n in sizes:
            r = by_size[n].get(name)
            cells.append(
                f"{r['claims']:,}, {r['statements']}, {r['ms']:.0f}, {r['after_commit_s']:.1f}"
                if r
                else "—"
            )
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000, help="published claims")
    parser.add_argument("--database", default="claimtrack_scale")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each write (median)")
    parser.add_argument("--only", default="", help="only the writes whose name holds this")
    parser.add_argument(
        "--no-tasks", action="store_true", help="leave out the tasks' work after the commit"
    )
    args = parser.parse_args()

    ensure_data(args.claims, database_url(args.database))
    print(f"Writes on {args.claims:,} published claims:", flush=True)
    results = measure(args.repeat, args.only, tasks=not args.no_tasks)
    # Rolled back, every write still left dead row versions and index entries behind: touched
    # claims' old updated_at entries sit at the top of the updated_at indexes, where the read
    # benchmark's API list would step over them (1.4 million after one run at a million claims:
    # 32 ms instead of 0.2). Vacuum them away, so bench/scale.py measures the archive as loaded.
    from django.db import connection

    print("Vacuuming what the rolled-back writes left behind …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    if args.only or args.no_tasks:
        return  # a partial run: the saved table stays the last complete one
    OUT.mkdir(exist_ok=True)
    (OUT / f"scale-writes-{args.claims}.json").write_text(json.dumps(results, indent=2))
    by_size = {
        int(path.stem.rsplit("-", 1)[1]): json.loads(path.read_text())
        for path in sorted(OUT.glob("scale-writes-*.json"))
    }
    print()
    print(table(by_size))


if __name__ == "__main__":
    main()
