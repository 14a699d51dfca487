"""Intake benchmark: ranking of the seed article, check-worthiness against a labelled set,
and extraction time. The match API at scale is bench/intake_match.py.

    DEBUG=1 .venv/bin/python bench/intake.py quality          # seed top 25, P/R/F1, timing
    DEBUG=1 .venv/bin/python bench/intake.py articles         # the labelled real articles
    DEBUG=1 .venv/bin/python bench/intake.py articles --show vi-dantri-world-002  # one, in full
    DEBUG=1 .venv/bin/python bench/intake.py phrasings        # repeats in other words
    DEBUG=1 .venv/bin/python bench/intake.py timing           # extraction time alone

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
# Labelled before the rules of issue 22's second round were written and never tuned on: the
# figures that say how intake does on articles nobody here has seen.
HELD_OUT = PROJECT / "bench" / "data" / "intake" / "heldout"
# Labelled (check-worthy sentences and boilerplate, no speakers) in issue 22's third round,
# after the learned check-worthiness was designed and before it was fitted on them.
MORE = PROJECT / "bench" / "data" / "intake" / "more"


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
    report("rules + learned (score ≥ 0.5)", lambda s: scoring.score(s).value >= scoring.THRESHOLD)
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
        timings, cpu = [], []
        for _ in range(runs if extra < 50_000 else 5):
            started, started_cpu = time.perf_counter(), time.process_time()
            extract(text, known=known, match_above=2)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)

        def p95(values: list[float]) -> float:
            return sorted(values)[min(len(values) - 1, int(len(values) * 0.95))]

        print(
            f"Extraction of a {len(text):,}-character article (sentences, scores, speakers; "
            f"no matching), {len(known):,} known speakers: median "
            f"{statistics.median(timings):.1f} ms, p95 {p95(timings):.1f} ms, max "
            f"{max(timings):.1f} ms (the first, folding the names: {timings[0]:.1f} ms); "
            f"CPU time median {statistics.median(cpu):.1f} ms, p95 {p95(cpu):.1f} ms"
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


def _article_figures(label: dict, show: bool, folder: Path = ARTICLES) -> dict:
    text = (folder / label["article"]).read_text()
    ranked = extract(text, known=[], match_above=2)
    top = [c.text for c in ranked]

    def labelled_as(kind: str, sentence: str) -> bool:
        return any(_same_sentence(sentence, s) for s in label[kind])

    relevant = sum(1 for s in top[:10] if labelled_as("checkworthy", s))
    found = sum(1 for s in label["checkworthy"] if any(_same_sentence(c, s) for c in top[:25]))
    # A sentence labelled check-worthy is not a boilerplate line it holds: the lede
    # "SURABAYA, Indonesia/JAKARTA (Reuters) - Indonesian rescuers…" holds the dateline line.
    boilerplate = [
        s for s in top[:10] if labelled_as("boilerplate", s) and not labelled_as("checkworthy", s)
    ]
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
    boilerplate in the top 10, per language, on the labelled real articles: those the rules
    were tuned on, then the held-out ones."""
    for title, folder in (("tuned on", ARTICLES), ("held out", HELD_OUT), ("third round", MORE)):
        labels = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
        figures = [
            _article_figures(label, show in ("all", label["article"].removesuffix(".txt")), folder)
            for label in labels
        ]
        print(f"\n{title}: {folder.relative_to(PROJECT)}")
        print(
            "| language | articles | precision@10 | recall in top 25 |"
            " speaker right (or rightly none) | boilerplate lines in a top 10 |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for language in ("en", "vi", None):
            subset = [f for f in figures if language in (None, f["language"])]
            precision = statistics.mean(f["precision"] for f in subset)
            found = sum(f["found"] for f in subset)
            labelled = sum(f["labelled"] for f in subset)
            right = sum(f["speakers_right"] for f in subset)
            quotes = sum(f["quotes"] for f in subset)
            speakers = f"{right / quotes:.2f} ({right}/{quotes})" if quotes else "not labelled"
            print(
                f"| {language or 'both'} | {len(subset)} | {precision:.2f} | "
                f"{found / labelled:.2f} ({found}/{labelled}) | {speakers}"
                f" | {sum(f['boilerplate'] for f in subset)} |"
            )


# Published claims said again in other words: (the demo claim's start, what a desk would read).
PHRASINGS = [
    ("Trung Quốc chậm hơn Mỹ", "The US is two to three years ahead of China in AI."),
    ("Trung Quốc chậm hơn Mỹ", "China lags the United States by two or three years in AI."),
    ("Trung Quốc chậm hơn Mỹ", "Mỹ đi trước Trung Quốc khoảng hai, ba năm trong phát triển AI."),
    ("Trung Quốc chậm hơn Mỹ", "The United States is two to three years ahead of China."),
    ("Trung Quốc chậm hơn Mỹ", "China is two or three years behind America."),
    ("Trung Quốc có hơn 200", "China has over two hundred large language models."),
    ("Trung Quốc có hơn 200", "Chinese firms have built more than 200 LLMs."),
    ("Yi-34B vượt trội", "The leading open-source models trail Yi-34B."),
    ("01.AI đã đào tạo", "01.AI trained its model from scratch with its own data."),
    ("Baidu và 01.AI đã dự trữ", "Baidu and 01.AI stockpiled enough chips for the near future."),
    ("Khoảng 50% khoản đầu tư", "Half of China's AI investment went into computer vision."),
    ("Khoảng 50% khoản đầu tư", "Một nửa vốn đầu tư AI ở Trung Quốc đổ vào thị giác máy tính."),
    ("ByteDance, Baidu, Alibaba", "Alibaba, Tencent, Baidu and ByteDance slashed LLM prices."),
    ("01.AI được định giá 1 tỷ", "01.AI was worth one billion dollars at eight months old."),
    ("01.AI được định giá 1 tỷ", "Mới 8 tháng tuổi, 01.AI đã được định giá một tỷ USD."),
    ("LLaMA đã trở thành", "LLaMA is now the gold standard of the open-source community."),
    ("Việc có hàng trăm mô hình", "Hundreds of foundation models in China waste computing power."),
    (
        "Các công ty Trung Quốc chịu",
        "Chinese companies are under great pressure to catch up with the US.",
    ),
    ("Đổi mới AI tạo sinh", "Generative AI innovation is difficult and risky under China's rules."),
    ("Việc giảm giá dịch vụ AI", "China's AI price cuts mainly aim to win more customers."),
    ("AIsphere xây dựng", "AIsphere is a true pioneer that built its video models from scratch."),
    ("Cuộc đua giá cho thấy", "The price war shows players see attractive opportunities ahead."),
]
# Texts that repeat no claim, some sharing only function words with one.
UNRELATED = [
    "Giá lúa gạo xuất khẩu tháng này ổn định ở miền Tây.",
    "The central bank kept its policy rate unchanged for the third month in a row.",
    "Unemployment fell to 3.9% in October, the lowest level since 2019.",
    "Các cầu thủ của đội tuyển là những người được yêu mến trong năm nay.",
    "Việc các em học sinh được nghỉ học là do thời tiết trong tuần này.",
    "Những người dân của xã đã được hỗ trợ gạo và nước sạch trong mùa lũ.",
    "Trung Quốc và Việt Nam đã ký kết thỏa thuận về du lịch trong năm nay.",
    "The price of the house is the talk of the town in the summer.",
    "The company said it would open a new office in Hanoi next year.",
    "Mỹ và Nhật Bản tập trận chung ở Thái Bình Dương trong tuần này.",
    # Added in the second round: news of the same topics as the claims (schools, China, AI,
    # airlines, health, sport, money), in both languages, repeating none of them.
    "Học sinh tiểu học ở Hà Nội được nghỉ Tết từ ngày 20 tháng Giêng.",
    "Giá vàng trong nước tăng mạnh trong phiên sáng nay.",
    "Mỹ công bố gói viện trợ mới cho Ukraine trị giá 2 tỷ USD.",
    "Trung Quốc phóng thành công tàu vũ trụ mới lên trạm không gian.",
    "Bệnh viện Bạch Mai tiếp nhận thêm 50 bệnh nhân sốt xuất huyết.",
    "Đội tuyển Việt Nam thắng Thái Lan 2-1 tại sân Mỹ Đình.",
    "Công ty Baidu ra mắt điện thoại thông minh mới tại Bắc Kinh.",
    "Các nhà khoa học phát hiện loài ếch mới ở Tây Nguyên.",
    "Thủ tướng yêu cầu đẩy nhanh tiến độ cao tốc Bắc - Nam.",
    "Nhiều trường đại học công bố điểm chuẩn năm 2021.",
    "The airline cancelled 40 flights on Friday because of snow in Denver.",
    "China's exports rose 5% in March compared with a year earlier.",
    "The mayor opened a new library in the city centre on Saturday.",
    "AI start-ups in Europe raised $2 billion last quarter.",
    "Apple unveiled a new iPhone with a larger battery.",
    "The school board voted to extend the winter break by two days.",
    "Scientists found a new species of frog in the Andes.",
    "The president signed a bill on veterans' health care.",
    "The US and Japan held joint naval drills in the Pacific this week.",
    "Police arrested two men after a robbery at a downtown bank.",
]


def phrasings() -> None:
    """Hits@1 on claims said again in other words, and suggestions for unrelated texts, with
    the scores and thresholds intake.matching uses (pg_trgm's, computed as on SQLite), over the
    demo's 18 claims and, as other claims, the 256 labelled check-worthy sentences of the real
    articles; matching's words of main (words as written) against this branch's."""
    from claims.search import words
    from intake import matching, trigrams
    from intake.matchtext import folded_words

    claims = [(c["text"], c.get("translation", "")) for c in CLAIMS]
    for path in sorted([*ARTICLES.glob("*.json"), *HELD_OUT.glob("*.json")]):
        claims += [(s, "") for s in json.loads(path.read_text())["checkworthy"]]

    def ranked(query: str, fold, shared: bool = False) -> list[tuple[float, int]]:
        q = fold(query)
        found = []
        for i, faces in enumerate(claims):
            folded = [fold(face) for face in faces if face]
            wholes = [
                trigrams.jaccard(set(trigrams.trigrams(q)), set(trigrams.trigrams(f)))
                for f in folded
            ]
            insides = [trigrams.word_similarity(q, f) for f in folded]
            if (max(wholes) >= matching.MIN_SCORE or max(insides) >= matching.MIN_WORD_SCORE) and (
                not shared or matching.shares_content(q, *folded)
            ):
                found.append((max(*wholes, *insides), i))
        return sorted(found, reverse=True)

    print("| matching words | paraphrases: claim first | unrelated texts with a suggestion |")
    print("|---|---:|---:|")
    for name, folding, shared in (
        ("main (as written)", lambda t: " ".join(words(t)), False),
        ("issue 22, first round (folded words)", folded_words, False),
        ("issue 22, second round (and half the content words shared)", folded_words, True),
    ):
        hits = 0
        for start, text in PHRASINGS:
            best = ranked(text, folding, shared)[:1]
            hits += bool(best) and claims[best[0][1]][0].startswith(start)
        false = [
            (text, ranked(text, folding, shared)[0])
            for text in UNRELATED
            if ranked(text, folding, shared)
        ]
        print(f"| {name} | {hits}/{len(PHRASINGS)} | {len(false)}/{len(UNRELATED)} |")
        for text, (score, i) in false:
            print(f"|  | | {text[:50]}… → {claims[i][0][:50]}… ({score:.2f}) |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["quality", "articles", "phrasings", "timing"])
    parser.add_argument("--show", help="an article's name (or 'all'): its top 10 and misses")
    args = parser.parse_args()
    if args.what == "articles":
        articles(args.show)
        return
    if args.what == "phrasings":
        phrasings()
        return
    if args.what == "timing":  # the extraction timing alone
        extraction_time()
        return
    seed_ranking()
    labelled_scores()
    extraction_time()


if __name__ == "__main__":
    main()
