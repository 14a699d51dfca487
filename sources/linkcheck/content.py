"""A page's main text and a small fingerprint of it, to tell "same page" from "different page".

The fingerprint is a bottom-k MinHash of word 3-shingles: the k smallest 64-bit shingle hashes.
Two fingerprints estimate the Jaccard similarity of the two texts' shingle sets, so a page whose
sidebar or date line changed still matches, while a page replaced by another does not.
"""

import hashlib
import heapq
import re
from html.parser import HTMLParser

FINGERPRINT_SIZE = 64
SHINGLE = 3
MAX_TEXT = 200_000

_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside"}
_MAIN = {"main", "article"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip
_WORD = re.compile(r"\w+", re.UNICODE)


class _TextParser(HTMLParser):
    """Collect visible text, separately for <main>/<article> and for the whole page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.main_depth = 0
        self.title: list[str] = []
        self.in_title = False
        self.main: list[str] = []
        self.all: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        if tag in _SKIPPED:
            self.skip_depth += 1
        elif tag in _MAIN:
            self.main_depth += 1
        elif tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag in _SKIPPED and self.skip_depth:
            self.skip_depth -= 1
        elif tag in _MAIN and self.main_depth:
            self.main_depth -= 1
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
            return
        if self.skip_depth:
            return
        self.all.append(data)
        if self.main_depth:
            self.main.append(data)


def main_text(body: str, content_type: str = "text/html") -> str:
    """The readable text of a page: <main>/<article> when present, else the whole body, with
    navigation, headers, footers and scripts left out."""
    body = body[:MAX_TEXT]
    if "html" not in content_type and not body.lstrip().startswith("<"):
        return " ".join(body.split())
    parser = _TextParser()
    try:
        parser.feed(body)
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser gives up on some broken markup
        pass
    chunks = parser.main if "".join(parser.main).strip() else parser.all
    text = " ".join(" ".join(chunks).split())
    title = " ".join(" ".join(parser.title).split())
    return f"{title} {text}".strip() if title else text


def fingerprint(text: str, size: int = FINGERPRINT_SIZE) -> list[int]:
    """The `size` smallest 63-bit hashes of the text's word 3-shingles (stable across runs)."""
    words = _WORD.findall(text.lower())
    if not words:
        return []
    if len(words) < SHINGLE:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    hashes = (
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") >> 1
        for s in shingles
    )
    return sorted(heapq.nsmallest(size, hashes))


def similarity(a: list[int], b: list[int], size: int = FINGERPRINT_SIZE) -> float:
    """Estimated Jaccard similarity (0..1) of the texts behind two fingerprints."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    set_a, set_b = set(a), set(b)
    union = heapq.nsmallest(size, set_a | set_b)
    shared = sum(1 for h in union if h in set_a and h in set_b)
    return shared / len(union)
