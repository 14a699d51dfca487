"""Reading ClaimReview: the four input shapes, and one item into plain fields. No database here.

Shapes: one ClaimReview object, a JSON list of them, a schema.org DataFeed (elements that are
ClaimReviews or DataFeedItems wrapping them), or an HTML page carrying the markup (JSON-LD
scripts, microdata or RDFa, read with extruct). JSON is read within bounds of number size and
depth (tracker.bounded_json); a feed is stream-parsed, so one of any length is read one element
at a time.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

import lxml.etree

from sources.linkcheck.content import page_text
from tracker import bounded_json
from tracker.characters import without_control_characters

MAX_PAGE_BYTES = 10 * 1024 * 1024
JSONLD_SCRIPTS = lxml.etree.XPath('descendant-or-self::script[@type="application/ld+json"]')


class Malformed(ValueError):
    """An item that cannot be imported; the message says why, for the person importing."""


@dataclass
class Entry:
    """One thing found in the input: an object to read, or the reason nothing could be."""

    position: str
    data: Any = None
    error: str = ""


@dataclass
class ParsedReview:
    url: str
    publisher: str
    claim_reviewed: str
    publisher_url: str = ""
    language: str = ""
    published_on: datetime.date | None = None
    claimant: str = ""
    appearance_urls: list[str] = field(default_factory=list)
    rating_value: str = ""
    best_rating: str = ""
    worst_rating: str = ""
    rating_name: str = ""
    rating_position: float | None = None


def entries(stream: IO[bytes]) -> Iterator[Entry]:
    """Every candidate ClaimReview in `stream` (seekable bytes), in order, whatever its shape."""
    first = _first_byte(stream)
    if first == b"[":
        yield from _streamed(stream, "item", "item")
    elif first == b"{":
        if _is_feed(stream):
            yield from _streamed(stream, "dataFeedElement.item", "element")
        else:
            stream.seek(0)
            try:
                data = bounded_json.loads(stream.read())
            except bounded_json.BadJSON as exc:
                yield Entry("document", error=f"not valid JSON: {exc}")
                return
            yield from _unwrap(data, "object")
    elif first == b"<":
        yield from _from_html(stream.read(MAX_PAGE_BYTES))
    else:
        yield Entry("document", error="neither JSON nor an HTML page")


def _first_byte(stream: IO[bytes]) -> bytes:
    while True:
        byte = stream.read(1)
        if byte not in (b" ", b"\t", b"\r", b"\n", b"\xef", b"\xbb", b"\xbf"):
            stream.seek(stream.tell() - len(byte))
            return byte


def _is_feed(stream: IO[bytes]) -> bool:
    """Does the top-level object carry `dataFeedElement`? Stops reading as soon as it knows."""
    start = stream.tell()
    try:
        for prefix, event, value in bounded_json.events(stream):
            if prefix == "" and event == "map_key" and value == "dataFeedElement":
                return True
            if prefix == "" and event == "end_map":
                return False
    except bounded_json.BadJSON:
        return False
    finally:
        stream.seek(start)
    return False


def _streamed(stream: IO[bytes], path: str, label: str) -> Iterator[Entry]:
    count = 0
    try:
        for count, element in enumerate(bounded_json.items(stream, path), 1):
            yield from _unwrap(element, f"{label} {count}")
    except bounded_json.BadJSON as exc:
        yield Entry(f"after {label} {count}", error=f"the JSON breaks off here: {exc}")


def _unwrap(data: Any, position: str) -> Iterator[Entry]:
    """ClaimReviews inside `data`: itself, a list, an @graph, or a DataFeedItem's `item`."""
    if isinstance(data, list):
        for i, item in enumerate(data, 1):
            yield from _unwrap(item, f"{position}.{i}")
    elif isinstance(data, dict) and "@graph" in data and "@type" not in data:
        yield from _unwrap(data["@graph"], position)
    elif isinstance(data, dict) and _types(data) & {"DataFeed"}:
        yield from _unwrap(data.get("dataFeedElement", []), position)
    elif isinstance(data, dict) and _types(data) & {"DataFeedItem"} and "item" in data:
        yield from _unwrap(data["item"], position)
    else:
        yield Entry(position, data)


def _from_html(page: bytes) -> Iterator[Entry]:
    """JSON-LD script by script (a broken one is reported, the others kept), then microdata
    and RDFa through extruct."""
    # Imported here: extruct and what it brings cost every process that loads the admin
    # (every management command, every worker) a tenth of a second, for imports alone.
    import extruct
    from extruct.utils import parse_html

    encoding, _ = page_text(page)  # its <meta> charset, a byte-order mark, else UTF-8
    try:
        tree = parse_html(page, encoding=encoding)
    except (ValueError, lxml.etree.LxmlError) as exc:
        yield Entry("page", error=f"unreadable HTML: {exc}")
        return
    found = 0
    for i, script in enumerate(JSONLD_SCRIPTS(tree), 1):
        try:
            data = bounded_json.loads(script.xpath("string()"))
        except bounded_json.BadJSON as exc:
            yield Entry(f"JSON-LD script {i}", error=f"not valid JSON: {exc}")
            continue
        for entry in _unwrap(data, f"JSON-LD script {i}"):
            if entry.error or "ClaimReview" in _types(entry.data):
                found += 1
                yield entry
    other = extruct.extract(tree, syntaxes=["microdata", "rdfa"], uniform=True, errors="log")
    for syntax, items in other.items():
        for i, item in enumerate(items, 1):
            if "ClaimReview" in _types(item):
                found += 1
                yield Entry(f"{syntax} item {i}", item)
    if not found:
        yield Entry("page", error="no ClaimReview markup on the page")


def _types(data: Any) -> set[str]:
    if not isinstance(data, dict):
        return set()
    kinds = data.get("@type", ())
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def parse_claim_review(data: Any) -> ParsedReview:
    """The fields we keep from one ClaimReview object, or Malformed saying what is missing."""
    if not isinstance(data, dict):
        raise Malformed("not an object")
    if "ClaimReview" not in _types(data):
        raise Malformed(f"not a ClaimReview (@type {data.get('@type')!r})")
    url = _text(data.get("url"))
    if not _is_web_url(url):
        raise Malformed("no http(s) `url`: the review's address is required")
    publisher = _first(data.get("author")) or _first(data.get("publisher"))
    publisher_name = _text(publisher.get("name")) if isinstance(publisher, dict) else ""
    if isinstance(publisher, str):
        publisher_name = publisher.strip()
    if not publisher_name:
        raise Malformed("no `author` with a name: who published the review?")
    claim_reviewed = _text(data.get("claimReviewed"))
    if not claim_reviewed:
        raise Malformed("no `claimReviewed` text")
    rating = _first(data.get("reviewRating"))
    if not isinstance(rating, dict):
        raise Malformed("no `reviewRating` object")
    parsed = ParsedReview(
        url=url,
        publisher=publisher_name[:300],
        claim_reviewed=claim_reviewed,
        publisher_url=_url_of(publisher),
        language=_language(data.get("inLanguage")),
        published_on=_date(data.get("datePublished")),
        rating_value=_number_text(rating.get("ratingValue")),
        best_rating=_number_text(rating.get("bestRating")),
        worst_rating=_number_text(rating.get("worstRating")),
        rating_name=_text(rating.get("alternateName") or rating.get("name"))[:300],
    )
    if not parsed.rating_name and not parsed.rating_value:
        raise Malformed("the `reviewRating` has neither `ratingValue` nor `alternateName`")
    parsed.rating_position = rating_position(
        parsed.rating_value, parsed.best_rating, parsed.worst_rating
    )
    item = _first(data.get("itemReviewed"))
    if isinstance(item, dict):
        claimant = _first(item.get("author"))
        parsed.claimant = (
            _text(claimant.get("name")) if isinstance(claimant, dict) else _text(claimant)
        )[:300]
        parsed.appearance_urls = _appearance_urls(item)
    return parsed


def rating_position(value: str, best: str, worst: str) -> float | None:
    """Where `value` sits between `worst` (0) and `best` (1), when all three are numbers."""
    try:
        v, b = float(value), float(best)
        w = float(worst) if worst else 1.0
    except ValueError:
        return None
    if b == w or not min(w, b) <= v <= max(w, b):
        return None
    return round((v - w) / (b - w), 4)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@value", "")
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    # Control characters, NUL and lone surrogates are valid in JSON strings but are never
    # stored (tracker.text): another desk's review is kept without them, not refused.
    return " ".join(without_control_characters(str(value)).split())


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(value)[:50]


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and len(url) <= 2000


def _url_of(thing: Any) -> str:
    url = _text(thing.get("url")) if isinstance(thing, dict) else ""
    return url if _is_web_url(url) else ""


def _language(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _text(value)[:35]


def _date(value: Any) -> datetime.date | None:
    text = _text(_first(value))
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise Malformed(f"`datePublished` is not a date: {text[:40]!r}") from None


def _appearance_urls(item: dict) -> list[str]:
    urls = []
    for key in ("firstAppearance", "appearance"):
        values = item.get(key)
        for value in values if isinstance(values, list) else [values]:
            url = _url_of(value) if isinstance(value, dict) else _text(value)
            if _is_web_url(url) and url not in urls:
                urls.append(url)
    return urls[:50]
