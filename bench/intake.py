"""Intake benchmark: ranking of the seed article, check-worthiness against a labelled set,
extraction time, and the match API at scale on PostgreSQL.

    DEBUG=1 .venv/bin/python bench/intake.py quality          # seed top 25, P/R/F1, timing
    DATABASE_URL=postgresql://…/claimtrack_i10 DEBUG=1 \\
        .venv/bin/python bench/intake.py match --claims 100000 # match API p95

`quality` needs no database rows. `match` fills the database it is given with synthetic claims
(one in ten published) by bulk insert, then times GET /api/v1/claims/match/ in-process through
Django's test client for anonymous and newsroom callers. Not part of the test suite.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# The benchmark measures the endpoint, not the rate limit that would answer 429 first.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")
os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")

import django  # noqa: E402

django.setup()

from claims.demo.data import CLAIMS  # noqa: E402
from claims.search import fold  # noqa: E402
from intake import scoring  # noqa: E402
from intake.extraction import extract  # noqa: E402

SEED = (PROJECT / "claims" / "demo" / "article-vi.txt").read_text()
LABELLED = PROJECT / "bench" / "intake_labelled.tsv"


def seed_ranking(top: int = 25) -> None:
    ranked = extract(SEED, known=[], match_above=2)[:top]
    folded = [fold(c.text) for c in ranked]
    quotes = {fold(a[2]) for claim in CLAIMS for a in claim["appearances"]}
    found = 0
    missing = []
    for quote in quotes:
        # A quote ranks when a top candidate holds its first sentence, or lies inside it.
        head = quote.split(". ")[0][:60]
        if any(head in text or text in quote for text in folded):
            found += 1
        else:
            missing.append(quote[:70])
    noise = [
        c.text[:60] for c in ranked if c.text.startswith("- ") or fold(c.text).startswith("theo:")
    ]
    noise += [c.text for c in ranked if c.text == "Nhịp sống Thị trường"]
    print(f"Seed: {found} of {len(quotes)} distinct demo quotes in the top {top}")
    for quote in missing:
        print(f"  missing: {quote}…")
    print(f"Related-article or credit lines in the top {top}: {len(noise)} {noise}")


def labelled_scores() -> None:
    rows = []
    for line in LABELLED.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        label, language, sentence = line.split("\t", 2)
        rows.append((int(label), language, sentence))

    def report(name: str, predict) -> None:
        for language in ("vi", "en", None):
            subset = [r for r in rows if language in (None, r[1])]
            tp = sum(1 for y, _, s in subset if y and predict(s))
            fp = sum(1 for y, _, s in subset if not y and predict(s))
            fn = sum(1 for y, _, s in subset if y and not predict(s))
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            print(
                f"| {name} | {language or 'both'} | {len(subset)} | {p:.2f} | {r:.2f} | {f1:.2f} |"
            )

    print("| Method | Language | Sentences | Precision | Recall | F1 |")
    print("|---|---|---|---|---|---|")
    report("rules (score ≥ 0.5)", lambda s: scoring.score(s).value >= scoring.THRESHOLD)
    report("has a number", lambda s: any(ch.isdigit() for ch in s))


def extraction_time(runs: int = 30) -> None:
    paragraphs = [p for p in SEED.splitlines() if p.strip()]
    random.seed(10)
    text = ""
    while len(text) < 10_000:
        text += random.choice(paragraphs) + "\n"
    text = text[:10_000]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        extract(text, known=[], match_above=2)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"Extraction of a {len(text):,}-character article (sentences, scores, speakers; "
        f"no matching): median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
    )


def synthetic_vocabulary(size: int = 30_000) -> list[str]:
    """The demo's words first (the commonest), then made-up words of Vietnamese-like syllables
    and English-like letters, so claims share common words but differ in rare ones."""
    seen = dict.fromkeys(w for c in CLAIMS for w in (c["text"] + " " + c["translation"]).split())
    onsets = [
        "b",
        "c",
        "ch",
        "d",
        "đ",
        "g",
        "h",
        "k",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "nh",
        "ph",
        "qu",
        "r",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
        "",
    ]
    rhymes = [
        "a",
        "ai",
        "am",
        "an",
        "ang",
        "anh",
        "ao",
        "ăn",
        "âm",
        "ân",
        "e",
        "em",
        "en",
        "ê",
        "i",
        "im",
        "in",
        "inh",
        "o",
        "oa",
        "oi",
        "om",
        "ong",
        "ô",
        "ơ",
        "u",
        "ung",
        "ư",
        "ương",
        "iêu",
        "uyên",
        "ất",
        "ước",
        "ộc",
        "ực",
        "ết",
        "ới",
    ]
    random.seed(0)
    while len(seen) < size:
        if random.random() < 0.6:
            word = random.choice(onsets) + random.choice(rhymes)
            word += " " + random.choice(onsets) + random.choice(rhymes)
        else:
            word = "".join(random.choices("abcdefghiklmnoprstuvwy", k=random.randint(4, 10)))
        seen.setdefault(word)
    return list(seen)


def fill(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from claims.models import Claim, RatingLevel, Review

    existing = Claim.objects.count()
    if existing >= count:
        print(f"{existing:,} claims present")
        return
    User = get_user_model()
    author, _ = User.objects.get_or_create(username="bench-author")
    editor, _ = User.objects.get_or_create(username="bench-editor")
    rating = RatingLevel.objects.order_by("pk").first()
    words = synthetic_vocabulary()
    # Zipf-like: a few words in most claims, most words rare, as in real text.
    cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    random.seed(count)

    def sentence() -> str:
        return " ".join(random.choices(words, cum_weights=cumulative, k=random.randint(10, 24)))

    batch = 5000
    started = time.perf_counter()
    for start in range(existing, count, batch):
        claims = Claim.objects.bulk_create(
            [
                Claim(text=sentence(), translation=sentence(), language="vi")
                for _ in range(min(batch, count - start))
            ]
        )
        now = timezone.now()
        Review.objects.bulk_create(
            [
                Review(
                    claim=c,
                    state="published",
                    rating=rating,
                    summary="Bench.",
                    author=author,
                    approved_by=editor,
                    published_at=now,
                )
                for c in claims[::10]
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim c SET published_review_id = r.id, status = 'published' "
            "FROM claims_review r WHERE r.claim_id = c.id AND r.state = 'published' "
            "AND c.published_review_id IS NULL"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    print(f"Inserted {count - existing:,} claims in {time.perf_counter() - started:.0f} s")


def match_latency(requests: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from claims.models import Claim

    newsroom = get_user_model().objects.filter(groups__name="Reporter").first()
    samples = list(Claim.objects.order_by("?").values_list("text", flat=True)[: requests // 2])
    samples += [c["translation"] for c in CLAIMS] + [fold(c["text"]) for c in CLAIMS]
    random.seed(1)
    for label, user in (("anonymous", None), ("newsroom", newsroom)):
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        timings = []
        for text in random.choices(samples, k=requests):
            started = time.perf_counter()
            response = client.get("/api/v1/claims/match/", {"text": text})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
        timings.sort()
        p50 = timings[len(timings) // 2]
        p95 = timings[int(len(timings) * 0.95)]
        print(f"match API, {label}: {requests} requests, p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["quality", "match"])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    if args.what == "quality":
        seed_ranking()
        labelled_scores()
        extraction_time()
    else:
        fill(args.claims)
        match_latency(args.requests)


if __name__ == "__main__":
    main()
