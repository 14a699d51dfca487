"""Real ClaimReview markup through the import: how much of it comes in right.

    python bench/exchange_sample.py

The sample (tests/exchange/data/claimreview/, origin and licence in its SOURCES.md) is
fact-checkers' own pages and a Data Commons feed item, with what each should import as in
expected.json: the publishing organisation, the language and our rating (null: the
publisher's words are kept, not mapped). Each document is imported, as by URL, into a fresh
SQLite database; the figures (bench/exchange.md) are: items imported, wrong ratings (ours
differs from the expected one, a guess included), right publishers, a language on each item.
"""

import io
import json
import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "tests" / "exchange" / "data" / "claimreview"


def evaluate() -> dict:
    """Import every document of the sample; the counts and each item's problems."""
    from exchange.importing import import_claimreview
    from exchange.languages import primary
    from exchange.models import ExternalReview

    expected = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))
    figures = {"items": len(expected), "imported": 0, "wrong_rating": 0, "not_mapped": 0}
    figures.update(right_publisher=0, language=0, right_language=0, problems=[])
    for item in expected:
        body = (SAMPLE / item["file"]).read_bytes()
        before = set(ExternalReview.objects.values_list("pk", flat=True))
        report = import_claimreview(io.BytesIO(body), url=item["page_url"])
        rows = list(ExternalReview.objects.exclude(pk__in=before).select_related("our_rating"))
        if len(rows) != 1:
            figures["problems"].append((item["file"], f"{len(rows)} imported: {report.skipped}"))
            continue
        row = rows[0]
        figures["imported"] += 1
        ours = row.our_rating.slug if row.our_rating else None
        if ours != item["rating"]:
            figures["wrong_rating"] += 1
            figures["problems"].append((item["file"], f"rating {ours}, not {item['rating']}"))
        figures["not_mapped"] += ours is None
        if row.publisher == item["publisher"]:
            figures["right_publisher"] += 1
        else:
            figures["problems"].append((item["file"], f"publisher {row.publisher!r}"))
        figures["language"] += bool(row.language)
        figures["right_language"] += primary(row.language) == item["language"]
    figures["publishers"] = len({item["publisher"] for item in expected})
    figures["languages"] = len({item["language"] for item in expected})
    return figures


def main() -> None:
    folder = tempfile.mkdtemp(prefix="claimreview-sample-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/sample.sqlite3"
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DEBUG", "1")  # a throwaway database: no secret to keep
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(PROJECT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    f = evaluate()
    n = f["items"]
    print(f"| Sample | {n} items, {f['publishers']} publishers, {f['languages']} languages |")
    print("|---|---:|")
    print(f"| imported | {f['imported']} ({100 * f['imported'] / n:.0f}%) |")
    print(f"| wrong ratings | {f['wrong_rating']} |")
    print(f"| kept in the publisher's words (not mapped) | {f['not_mapped']} |")
    print(f"| right publisher | {f['right_publisher']} |")
    print(f"| with a language | {f['language']} (right: {f['right_language']}) |")
    for name, problem in f["problems"]:
        print(f"- {name}: {problem}")


if __name__ == "__main__":
    main()
