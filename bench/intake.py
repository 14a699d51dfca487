"""Intake benchmark: ranking of the seed article, check-worthiness against a labelled set,
and extraction time. The match API at scale is bench/intake_match.py.

    DEBUG=1 .venv/bin/python bench/intake.py quality          # seed top 25, P/R/F1, timing
    DEBUG=1 .venv/bin/python bench/intake.py articles         # the labelled real articles
    DEBUG=1 .venv/bin/python bench/intake.py articles --show vi-dantri-world-002  # one, in full

Neither needs database rows. Not part of the test suite. The labelled articles and their
origin are in bench/data/intake/ (SOURCES.md).
"""

import argparse
import json
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

from claims.search import fold  # noqa: E402
from demo.data import CLAIMS, SPEAKERS  # noqa: E402
from intake import scoring  # noqa: E402
from intake.extraction import extract  # noqa: E402
from intake.speakers import KnownSpeaker  # noqa: E402

SEED = (PROJECT / "demo" / "article-vi.txt").read_text()
LABELLED = PROJECT / "bench" / "intake_labelled.tsv"
ARTICLES = PROJECT / "bench" / "data" / "intake" / "articles"


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


def synthetic_speakers(count: int) -> list[KnownSpeaker]:
    """`count` speakers named as a newsroom's archive names them: many share a surname."""
    rng = random.Random(count)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Smith", "Li", "Wang", "Zhang", "Chen"]
    middles = ["Văn", "Thị", "Minh", "Hữu", "Đức", "J.", "Xiao", "Wei", ""]
    given = [
        f"{syllable}{i}" for syllable in ("An", "Bình", "Lan", "Mai", "John") for i in range(40)
    ]
    return [
        KnownSpeaker(
            i,
            " ".join(
                p for p in (rng.choice(surnames), rng.choice(middles), rng.choice(given)) if p
            ),
            f"CEO của Công ty {i}" if i % 3 == 0 else "",
        )
        for i in range(count)
    ]


def extraction_time(runs: int = 30) -> None:
    paragraphs = [p for p in SEED.splitlines() if p.strip()]
    random.seed(10)
    text = ""
    while len(text) < 10_000:
        text += random.choice(paragraphs) + "\n"
    text = text[:10_000]
    demo = [KnownSpeaker(i, s["name"], s.get("role", "")) for i, s in enumerate(SPEAKERS.values())]
    for extra in (0, 5_000, 50_000):  # 5,000 speakers: the archive bench/scale.py loads
        known = demo + synthetic_speakers(extra)
        timings = []
        for _ in range(runs if extra < 50_000 else 5):
            started = time.perf_counter()
            extract(text, known=known, match_above=2)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"Extraction of a {len(text):,}-character article (sentences, scores, speakers; "
            f"no matching), {len(known):,} known speakers: median "
            f"{statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
        )


def _same_sentence(candidate: str, labelled: str) -> bool:
    """A candidate is a labelled sentence when one holds the other: a change in how sentences
    are split does not undo the labels. A short line ("JAKARTA") must be the whole candidate."""
    candidate, labelled = " ".join(candidate.split()), " ".join(labelled.split())
    if candidate == labelled:
        return True
    return (len(labelled) >= 20 and labelled in candidate) or (
        len(candidate) >= 20 and candidate in labelled
    )


def _article_figures(label: dict, show: bool) -> dict:
    text = (ARTICLES / label["article"]).read_text()
    ranked = extract(text, known=[], match_above=2)
    top = [c.text for c in ranked]

    def labelled_as(kind: str, sentence: str) -> bool:
        return any(_same_sentence(sentence, s) for s in label[kind])

    relevant = sum(1 for s in top[:10] if labelled_as("checkworthy", s))
    found = sum(1 for s in label["checkworthy"] if any(_same_sentence(c, s) for c in top[:25]))
    boilerplate = [s for s in top[:10] if labelled_as("boilerplate", s)]
    right, wrong = 0, []
    for quote in label["quotes"]:
        candidate = next((c for c in ranked if _same_sentence(c.text, quote["sentence"])), None)
        said = fold(candidate.speaker) if candidate and candidate.speaker else None
        accepted = {fold(n) if n else None for n in [quote["speaker"], *quote.get("also", [])]}
        if said in accepted:
            right += 1
        else:
            wrong.append((quote["sentence"][:70], quote["speaker"], said))
    if show:
        print(f"== {label['article']}: top 10")
        for c in ranked[:10]:
            mark = "+" if labelled_as("checkworthy", c.text) else "-"
            print(f"  {mark} {c.score:.2f} {c.text[:90]}  [{', '.join(c.reasons)}]")
        for sentence, wanted, said in wrong:
            print(f"  speaker: {sentence}… wanted {wanted!r}, got {said!r}")
    return {
        "language": label["language"],
        "precision": relevant / min(10, len(label["checkworthy"]) or 1),
        "found": found,
        "labelled": len(label["checkworthy"]),
        "boilerplate": len(boilerplate),
        "quotes": len(label["quotes"]),
        "speakers_right": right,
    }


def articles(show: str | None = None) -> None:
    """Precision@10, recall of the labelled sentences in the top 25, speaker accuracy and
    boilerplate in the top 10, per language, on the labelled real articles."""
    labels = [json.loads(p.read_text()) for p in sorted(ARTICLES.glob("*.json"))]
    figures = [
        _article_figures(label, show in ("all", label["article"].removesuffix(".txt")))
        for label in labels
    ]
    print(
        "| language | articles | precision@10 | recall in top 25 | speaker right (or rightly none)"
        " | boilerplate lines in a top 10 |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for language in ("en", "vi", None):
        subset = [f for f in figures if language in (None, f["language"])]
        precision = statistics.mean(f["precision"] for f in subset)
        found = sum(f["found"] for f in subset)
        labelled = sum(f["labelled"] for f in subset)
        right = sum(f["speakers_right"] for f in subset)
        quotes = sum(f["quotes"] for f in subset)
        print(
            f"| {language or 'both'} | {len(subset)} | {precision:.2f} | "
            f"{found / labelled:.2f} ({found}/{labelled}) | {right / quotes:.2f} ({right}/{quotes})"
            f" | {sum(f['boilerplate'] for f in subset)} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["quality", "articles"])
    parser.add_argument("--show", help="an article's name (or 'all'): its top 10 and misses")
    args = parser.parse_args()
    if args.what == "articles":
        articles(args.show)
        return
    seed_ranking()
    labelled_scores()
    extraction_time()


if __name__ == "__main__":
    main()
