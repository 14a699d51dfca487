"""Share cards: how long drawing one takes (public/card_image.py), Vietnamese and English.

    .venv/bin/python bench/cards.py [--cards 200]

Prints p50/p95/max milliseconds per card (draw and PNG encode), and the PNG size. A cached card
is not drawn: it comes from the page cache with no query
(tests/public/test_share_cards.py::test_a_cached_card_costs_no_query_and_no_drawing).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from public.card_image import Card, png  # noqa: E402

TEXTS = [
    "Trung Quốc có hơn 200 mô hình ngôn ngữ lớn (LLM).",
    "Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI, theo nhận định của các chuyên "
    "gia được trích dẫn trong bài báo về cuộc đua trí tuệ nhân tạo giữa hai nền kinh tế lớn nhất "
    "thế giới, một cuộc đua mà nhiều người cho rằng sẽ quyết định trật tự công nghệ toàn cầu.",
    "01.AI's model was built entirely from scratch, the company concluded.",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=200)
    args = parser.parse_args()
    png(Card(TEXTS[0], "", "Sai", "#b3261e", "Desk", "Kết luận", "example.org"))  # fonts loaded
    timings, sizes = [], []
    for i in range(args.cards):
        card = Card(
            claim=TEXTS[i % len(TEXTS)] + f" ({i})",
            speaker="Phát biểu bởi Lý Khai Phục",
            rating=["Gần như đúng", "Sai", "Misleading"][i % 3],
            color=["#2e7d32", "#b3261e", "#f9a825"][i % 3],
            desk="Claimtrack",
            verdict_label="Kết luận của chúng tôi",
            site="claimtrack.example.org",
        )
        start = time.perf_counter()
        sizes.append(len(png(card)))
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{args.cards} cards: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms; PNG {statistics.median(sizes) / 1024:.0f} KiB median"
    )


if __name__ == "__main__":
    main()
