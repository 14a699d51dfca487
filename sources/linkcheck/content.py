"""A page's main text and a small fingerprint of it, to tell "same page" from "different page".

The fingerprint is a bottom-k MinHash of word 3-shingles: the k smallest shingle hashes.
Two fingerprints estimate the Jaccard similarity of the two texts' shingle sets, so a page whose
sidebar or date line changed still matches, while a page replaced by another does not.
"""

import html
import re
import zlib
from collections.abc import Iterable

from w3lib.encoding import html_to_unicode

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
# A <main>/<article> element is its opening tag up to the first matching closing tag. The
# closing tag is searched for, not matched lazily: `.*?` tries the rest of the pattern at
# every character, which cost more than everything else here together.
_MAIN_OPEN = re.compile(r"<(main|article)\b[^>]*>", re.I)
_MAIN_CLOSE = {
    "main": re.compile(r"</main\s*>", re.I),
    "article": re.compile(r"</article\s*>", re.I),
}
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def page_text(body: bytes, charset: str = "") -> tuple[str, str]:
    """(encoding, text) of a fetched page. UTF-8 first when the bytes are valid UTF-8: a server
    that declares ISO-8859-1 by default for pages written in UTF-8 is common, and real text in
    another encoding is almost never valid UTF-8 beyond ASCII. Otherwise as browsers find it
    (w3lib): the byte-order mark, the charset the server declared, the page's own <meta> or XML
    declaration, else UTF-8. Bytes that do not decode become U+FFFD: a page always decodes."""
    if not body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16/32 byte-order marks
        try:
            return "utf-8", body.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass
    return html_to_unicode(f"text/html; charset={charset}" if charset else None, body)


def _visible(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _mains(body: str) -> list[str]:
    """The content of every <main> and <article> element, outermost first: from the end of
    its opening tag to the first closing tag of the same name (what the lazy regular
    expression the first version used would find)."""
    found = []
    unclosed: set[str] = set()  # no closing tag after some point: none after any later one
    start = 0
    while opening := _MAIN_OPEN.search(body, start):
        name = "main" if len(opening[1]) == 4 else "article"
        closing = None if name in unclosed else _MAIN_CLOSE[name].search(body, opening.end())
        if closing is None:
            unclosed.add(name)
            start = opening.start() + 1  # look for the next opening tag
            continue
        found.append(body[opening.end() : closing.start()])
        start = closing.end()
    return found


def main_text(body: str, content_type: str = "text/html") -> str:
    """The readable text of a page: the title, then <main>/<article> when present, else the
    whole page, with head, navigation, headers, footers and scripts left out."""
    body = body[:MAX_TEXT]
    if "html" not in content_type and not body.lstrip().startswith("<"):
        return " ".join(body.split())
    title = _TITLE.search(body)
    body = _DROPPED.sub(" ", body)
    mains = _mains(body)
    text = _visible(" ".join(mains) if mains else body)
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
    shingles: Iterable[bytes]
    if len(words) < SHINGLE:
        shingles = [b" ".join(words)]
    else:
        shingles = map(b" ".join, zip(*(words[i:] for i in range(SHINGLE)), strict=False))
    hashes = list(map(zlib.crc32, shingles))
    # CRC-32s spread evenly over 0..2**32, so the `size` smallest are almost always among
    # those below a bound that lets through about four times as many: sorting those few
    # gives the same answer as sorting them all, which is done only when too few get through.
    if len(hashes) > 8 * size:
        bound = (4 * size << 32) // len(hashes)
        smallest = set(filter(bound.__gt__, hashes))
        if len(smallest) >= size:
            return sorted(smallest)[:size]
    return sorted(set(hashes))[:size]


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
