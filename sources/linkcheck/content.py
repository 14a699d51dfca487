"""A page's main text and a small fingerprint of it, to tell "same page" from "different page".

The fingerprint is a bottom-k MinHash of word 3-shingles: the k smallest shingle hashes.
Two fingerprints estimate the Jaccard similarity of the two texts' shingle sets, so a page whose
sidebar or date line changed still matches, while a page replaced by another does not.
"""

import html
import re
import zlib

FINGERPRINT_SIZE = 64
SHINGLE = 3
MAX_TEXT = 500_000
MAX_WORDS = 3000  # enough to characterise a page; keeps the cost bounded on huge ones

# Regular expressions rather than an HTML parser: this runs for every page checked, and the
# parser costs several times more for the same visible text.
_DROPPED = re.compile(
    r"<(head|script|style|noscript|template|svg|nav|header|footer|aside)\b[^>]*>.*?</\1\s*>",
    re.S | re.I,
)
_MAIN = re.compile(r"<(main|article)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def _visible(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def main_text(body: str, content_type: str = "text/html") -> str:
    """The readable text of a page: the title, then <main>/<article> when present, else the
    whole page, with head, navigation, headers, footers and scripts left out."""
    body = body[:MAX_TEXT]
    if "html" not in content_type and not body.lstrip().startswith("<"):
        return " ".join(body.split())
    title = _TITLE.search(body)
    body = _DROPPED.sub(" ", body)
    mains = _MAIN.findall(body)
    text = _visible(" ".join(m[1] for m in mains) if mains else body)
    title_text = _visible(title[1]) if title else ""
    return f"{title_text} {text}".strip()


def fingerprint(text: str, size: int = FINGERPRINT_SIZE) -> list[int]:
    """The `size` smallest CRC-32 hashes of the text's word 3-shingles (stable across runs and
    machines, unlike hash())."""
    # Splitting on white space (punctuation stays on its word) is several times cheaper than a
    # word regex and just as good at telling texts apart.
    words = text.lower().encode().split()[:MAX_WORDS]
    if not words:
        return []
    if len(words) < SHINGLE:
        shingles = [b" ".join(words)]
    else:
        shingles = map(b" ".join, zip(*(words[i:] for i in range(SHINGLE)), strict=False))
    return sorted(set(map(zlib.crc32, shingles)))[:size]


def similarity(a: list[int], b: list[int], size: int = FINGERPRINT_SIZE) -> float:
    """Estimated Jaccard similarity (0..1) of the texts behind two fingerprints."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    set_a, set_b = set(a), set(b)
    union = sorted(set_a | set_b)[:size]
    shared = sum(1 for h in union if h in set_a and h in set_b)
    return shared / len(union)
