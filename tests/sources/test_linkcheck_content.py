"""The faster text extraction and fingerprint give exactly what the first versions gave, so
fingerprints stored before the change still compare with new ones (a different answer would
mark every link whose page changed a little as "changed").

`reference_main_text` and `reference_fingerprint` are the first versions, kept verbatim."""

import html
import random
import re
import sys
import zlib
from pathlib import Path

import pytest

from sources.linkcheck import classify as c
from sources.linkcheck.content import FINGERPRINT_SIZE, fingerprint, main_text, similarity
from tests.linkcheck_web import VOCABULARY, article, page

_DROPPED = re.compile(
    r"<(head|script|style|noscript|template|svg|nav|header|footer|aside)\b[^>]*>.*?</\1\s*>",
    re.S | re.I,
)
_MAIN = re.compile(r"<(main|article)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def _visible(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def reference_main_text(body: str, content_type: str = "text/html") -> str:
    body = body[:500_000]
    if "html" not in content_type and not body.lstrip().startswith("<"):
        return " ".join(body.split())
    title = _TITLE.search(body)
    body = _DROPPED.sub(" ", body)
    mains = _MAIN.findall(body)
    text = _visible(" ".join(m[1] for m in mains) if mains else body)
    title_text = _visible(title[1]) if title else ""
    return f"{title_text} {text}".strip()


def reference_fingerprint(text: str, size: int = 64) -> list[int]:
    words = text.lower().encode().split()[:3000]
    if not words:
        return []
    if len(words) < 3:
        shingles = [b" ".join(words)]
    else:
        shingles = map(b" ".join, zip(*(words[i:] for i in range(3)), strict=False))
    return sorted(set(map(zlib.crc32, shingles)))[:size]


def bench_pages() -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import linkcheck as bench
    finally:
        sys.path.pop(0)
    return [*bench._bodies(), bench.SOFT_404_PAGE]


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(count))


ODD_PAGES = [
    "",
    "plain text, no markup at all",
    "<p>one</p>",
    "<main>unclosed main <p>and more</p>",
    "<MAIN class='x'>Upper case</Main ><main>second</main>",
    "<main>outer <article>inner</article> tail</main><article>after</article>",
    "<article data-x='<main>'>attribute holds a tag</article></main>",
    "<mainframe>not a main</mainframe><main>the main</main>",
    "<main>no close</MAIN<article>an article</article   >",
    "before <main <article>inside a broken tag</article> after",
    "<title>T &amp; co</title><nav>menu</nav><main>caf&eacute;&nbsp;au&#160;lait</main>",
    "<script>var a = '<main>'</script><main>real</main><!-- <main>comment</main> -->",
    "<head><title>only a title</title></head>",
    "<main>\u00a0\u2003wide\u3000spaces\x1cand\x1dcontrol\x85chars ÇA İstanbul ß</main>",
    page("Repeated", "the same words again " * 400),
    page("Short", "two words"),
    page("Long", "word " * 10 + words(random.Random(7), 5000)),
]


def all_pages() -> list[str]:
    rng = random.Random(13)
    generated = [article(f"/news/{n}") for n in range(30)]
    generated += [page(f"Page {n}", words(rng, rng.randrange(0, 400))) for n in range(60)]
    return [*ODD_PAGES, *bench_pages(), *generated]


@pytest.mark.parametrize("number", range(len(all_pages())))
def test_main_text_and_fingerprint_are_what_the_first_versions_gave(number):
    body = all_pages()[number]
    text = main_text(body)
    assert text == reference_main_text(body)
    assert fingerprint(text) == reference_fingerprint(text)
    for size in (1, 8, FINGERPRINT_SIZE):
        assert fingerprint(text, size) == reference_fingerprint(text, size)


def test_texts_with_few_distinct_shingles_take_the_full_sort():
    # 2,000 words but only 40 distinct shingles: too few pass the bound, the full sort runs.
    text = " ".join(f"w{n % 42}" for n in range(2000))
    assert len(fingerprint(text)) == 42 == len(reference_fingerprint(text))
    assert fingerprint(text) == reference_fingerprint(text)


def test_a_page_drifts_by_the_same_measure_as_before():
    rng = random.Random(5)
    before = page("Budget", words(rng, 600))
    drifted = before.replace("</p>", " " + words(rng, 40) + "</p>")
    replaced = page("Budget", words(rng, 600))
    rules = c.Rules()
    for after in (drifted, replaced):
        new = similarity(fingerprint(main_text(before)), fingerprint(main_text(after)))
        old = similarity(
            reference_fingerprint(reference_main_text(before)),
            reference_fingerprint(reference_main_text(after)),
        )
        assert new == old
        assert (new < rules.change_threshold) == (old < rules.change_threshold)
