#!/usr/bin/env python
"""The match API at archive scale: GET /api/v1/claims/match/?text= served by gunicorn (one
worker, DEBUG off, as bench/scale.py serves pages) over bench/scale.py's data set, for a mix
of query texts; p50/p95 per kind, PostgreSQL's own execution time (EXPLAIN ANALYZE) of the
ranking query, and how much of the exhaustive ranking the prefilter keeps.

    .venv/bin/python bench/intake_match.py --database claimtrack_scale_NAME            # 100k
    .venv/bin/python bench/intake_match.py --database claimtrack_scale_NAME_1m --claims 1000000

The database is loaded (bench/scale_data.py) when it does not hold the claims yet, and migrated.
Each query text is sent once (cold: no page cache, nothing answered before); one request with
another text first, so that the worker has read pg_stats. `--recall N` scores N queries per kind
against every visible claim with the same pg_trgm scores (slow: seconds per query at 100k).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402

KINDS = ["claim text", "paraphrase", "translation", "diacritic-free", "no match", "long text"]
NO_MATCH = [
    "Giá lúa gạo xuất khẩu tháng này ổn định ở miền Tây.",
    "The central bank kept its policy rate unchanged for the third month in a row.",
    "Ông Lee cho biết công ty sẽ mở thêm ba nhà máy ở Bắc Ninh vào năm tới.",
    "Unemployment fell to 3.9% in October, the lowest level since 2019.",
    "Theo Tổng cục Thống kê, lạm phát tháng 10 tăng 0,3% so với tháng trước.",
]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def queries(per_kind: int, seed: int = 10) -> list[tuple[str, str, set[int]]]:
    """(kind, text, the claims it was made from) for every kind, from the loaded claims: what a
    desk or a reader sends."""
    from claims.models import Claim
    from claims.search import fold
    from demo.data import CLAIMS

    rng = random.Random(seed)
    top = Claim.objects.order_by("-pk").values_list("pk", flat=True).first()
    published = Claim.objects.published()

    def sample(**filters) -> list[tuple[int, str, str]]:
        ids = rng.sample(range(1, top + 1), k=per_kind * 20)
        rows = published.filter(pk__in=ids, **filters).values_list("pk", "text", "translation")
        return list(rows)[:per_kind]

    def paraphrase(text: str) -> str:
        words = text.rstrip(".").split()
        for _ in range(max(1, len(words) // 5)):  # drop a fifth of the words
            words.pop(rng.randrange(len(words)))
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
        words.insert(rng.randrange(len(words)), rng.choice(["theo", "said", "nearly", "hơn"]))
        return " ".join(words) + "."

    mix = [("claim text", t, {pk}) for pk, t, _ in sample()]
    mix += [("paraphrase", paraphrase(t), {pk}) for pk, t, _ in sample()]
    mix += [("translation", tr, {pk}) for pk, _, tr in sample(translation__gt="")]
    accented = sample(text__regex=r"[^\x00-\x7f]") + sample(text__regex=r"[^\x00-\x7f]")
    mix += [("diacritic-free", fold(t), {pk}) for pk, t, _ in accented[:per_kind]]
    demo = [c["translation"] for c in CLAIMS] + NO_MATCH
    mix += [("no match", rng.choice(demo), set()) for _ in range(per_kind)]
    for _ in range(per_kind):
        parts = [(pk, t) for pk, t, _ in sample()][:4] + [(None, rng.choice(NO_MATCH))]
        rng.shuffle(parts)
        text = " ".join(t for _, t in parts)[:1000]
        mix += [("long text", text, {pk for pk, t in parts if pk and t in text})]
    return mix


def time_api(base: str, mix: list[tuple[str, str, set[int]]]) -> dict[str, list[float]]:
    session = requests.Session()
    session.get(base + "/api/v1/claims/match/", params={"text": "warm up"}, timeout=300)
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for kind, text, _ in mix:
        started = time.perf_counter()
        response = session.get(base + "/api/v1/claims/match/", params={"text": text}, timeout=300)
        timings[kind].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"HTTP {response.status_code}: {response.text[:300]}")
    bare = []  # what a request costs here before any matching: bench/scale.py's baseline
    for _ in range(40):
        started = time.perf_counter()
        session.get(base + "/bench/bare/", timeout=300)
        bare.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(bare), percentile(bare, 0.95)
    print(f"bare template view: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return timings


def ranking_sql(text: str) -> str:
    """The ranking query match_claims() sends for an anonymous caller, with its values."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intake.matching import match_claims

    with CaptureQueriesContext(connection) as queries:
        match_claims(text)
    return next(q["sql"] for q in queries.captured_queries if "to_tsquery" in q["sql"])


def explain(mix: list[tuple[str, str, set[int]]], show: int) -> dict[str, list[float]]:
    """PostgreSQL's execution time of each ranking query (run again: warm buffers); the full
    plan of the first `show` texts of each kind is printed."""
    from django.db import connection

    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    shown = dict.fromkeys(KINDS, 0)
    cpu = []
    for kind, text, _ in mix:
        started = time.process_time()
        sql = ranking_sql(text)  # one match_claims() call, in this process
        cpu.append((time.process_time() - started) * 1000)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        times[kind].append(float(plan[-1].split()[-2]))
        if shown[kind] < show:
            shown[kind] += 1
            print(f"\n-- {kind}: {text[:80]!r}\n" + "\n".join(plan))
    p50, p95 = statistics.median(cpu), percentile(cpu, 0.95)
    print(f"\nPython CPU of one match_claims() call: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return times


def exhaustive(text: str, limit: int = 10) -> list[tuple[int, float]]:
    """The same pg_trgm ranking over every visible claim: what the prefilter may lose."""
    from django.db import connection

    from intake.matching import MIN_SCORE, MIN_WORD_SCORE
    from intake.matchtext import folded_words

    q = folded_words(text)
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute(
            "SELECT claim_id, GREATEST(s1, w1, s2, w2) FROM (SELECT m.claim_id, "
            "similarity(m.text, %s) s1, word_similarity(%s, m.text) w1, "
            "similarity(m.translation, %s) s2, word_similarity(%s, m.translation) w2 "
            "FROM intake_matchtext m JOIN claims_claim c ON c.id = m.claim_id "
            "WHERE c.published_review_id IS NOT NULL) s "
            "WHERE s1 >= %s OR s2 >= %s OR w1 >= %s OR w2 >= %s "
            "ORDER BY 2 DESC, 1 LIMIT %s",
            [q, q, q, q, MIN_SCORE, MIN_SCORE, MIN_WORD_SCORE, MIN_WORD_SCORE, limit],
        )
        return [(pk, float(score)) for pk, score in cursor.fetchall()]


def source_score(text: str, sources: set[int]) -> float:
    """The best pg_trgm score of `text` against the claims it was made from."""
    from django.db import connection

    from intake.matchtext import folded_words

    q = folded_words(text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MAX(GREATEST(similarity(text, %s), word_similarity(%s, text), "
            "similarity(translation, %s), word_similarity(%s, translation))) "
            "FROM intake_matchtext WHERE claim_id = ANY(%s)",
            [q, q, q, q, list(sources)],
        )
        return float(cursor.fetchone()[0] or 0)


def sources_found(mix: list[tuple[str, str, set[int]]]) -> None:
    """For queries made from claims (a copy, a paraphrase, its translation, its text without
    diacritics, claims inside a long text): is the source in the top 10, or are the top 10 all
    scored at least as high as the source (the synthetic archive holds each sentence many
    times, from a pool of 40,000: at 1M claims a sentence has ~25 copies scoring 1.0)? And is
    the best score at least the source's? Sources scoring below 0.3 cannot be listed at all."""
    from intake.matching import MIN_SCORE, match_claims

    print(
        "\n| kind | queries | source scores ≥ 0.3 | source (or as good) in top 10 | best ≥ source |"
    )
    print("|---|---:|---:|---:|---:|")
    for kind in KINDS:
        rows = [(t, src) for k, t, src in mix if k == kind and src]
        if not rows:
            continue
        matchable = top10 = first = 0
        for text, sources in rows:
            wanted = source_score(text, sources)
            if wanted < MIN_SCORE:
                continue
            matchable += 1
            got = match_claims(text)
            scores = [m.score for m in got]
            top10 += bool(sources & {m.claim_id for m in got}) or (
                len(got) == 10 and scores[-1] >= round(wanted, 3)
            )
            first += bool(got) and scores[0] >= round(wanted, 3)
        print(f"| {kind} | {len(rows)} | {matchable} | {top10} | {first} |")


def recall(mix: list[tuple[str, str, set[int]]], per_kind: int) -> None:
    """Of the exhaustive top 10 scoring ≥ 0.5 (exchange's linking threshold) and ≥ 0.8, how
    many the API's top 10 holds; and whether the best score is the same."""
    from intake.matching import match_claims

    print("\n| kind | queries | exhaustive ≥ 0.5 | found | exhaustive ≥ 0.8 | found | same best |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        texts = [t for k, t, _ in mix if k == kind][:per_kind]
        counts = [0, 0, 0, 0]
        same_best = 0
        for text in texts:
            reference = exhaustive(text)
            got = {m.claim_id for m in match_claims(text)}
            for i, threshold in enumerate((0.5, 0.8)):
                strong = {pk for pk, score in reference if score >= threshold}
                counts[2 * i] += len(strong)
                counts[2 * i + 1] += len(strong & got)
            best = match_claims(text, limit=1)
            same_best += (round(reference[0][1], 3) if reference else None) == (
                best[0].score if best else None
            )
        cells = " | ".join(str(c) for c in counts)
        print(f"| {kind} | {len(texts)} | {cells} | {same_best} of {len(texts)} |")


def report(title: str, timings: dict[str, list[float]]) -> None:
    every = [t for samples in timings.values() for t in samples]
    print(f"\n| {title} | n | p50 (ms) | p95 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|")
    for kind, samples in [*timings.items(), ("all", every)]:
        print(
            f"| {kind} | {len(samples)} | {statistics.median(samples):.1f} | "
            f"{percentile(samples, 0.95):.1f} | {max(samples):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000, help="published claims")
    parser.add_argument("--database", default="claimtrack_scale")
    parser.add_argument("--per-kind", type=int, default=40, help="query texts of each kind")
    parser.add_argument("--explain", type=int, default=1, help="plans printed per kind")
    parser.add_argument("--recall", type=int, default=0, help="queries per kind checked")
    parser.add_argument(
        "--redis", default=os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/11")
    )
    args = parser.parse_args()

    url = scale.database_url(args.database)
    scale.ensure_data(args.claims, url)
    mix = queries(args.per_kind)
    print(f"{len(mix)} query texts; load average before: {os.getloadavg()}", flush=True)
    from django.db import connection

    connection.close()
    process, base = scale.serve(url, 0, args.redis)
    try:
        timings = time_api(base, mix)
    finally:
        process.terminate()
        process.wait(timeout=30)
    load = os.getloadavg()
    executions = explain(mix, args.explain)
    report(f"GET /api/v1/claims/match/, {args.claims:,} claims, cold", timings)
    report("PostgreSQL execution time (EXPLAIN ANALYZE)", executions)
    print(f"\nload average after the timed requests: {load}")
    sources_found(mix)
    if args.recall:
        recall(mix, args.recall)


if __name__ == "__main__":
    main()
