"""Reading ClaimReview: the four input shapes, and one item into plain fields. No database here.

Shapes: one ClaimReview object, a JSON list of them, a schema.org DataFeed (elements that are
ClaimReviews or DataFeedItems wrapping them), or an HTML page carrying the markup (JSON-LD
scripts, microdata or RDFa, read with extruct). JSON is read within bounds of number size and
depth (tracker.bounded_json); a feed is stream-parsed, so one of any length is read one element
at a time.
"""

import datetime
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import lxml.etree

from exchange import languages, rdfa
from sources.linkcheck.content import page_text
from tracker import bounded_json
from tracker.characters import without_control_characters

# A document held whole (a page, one JSON object); a list or a DataFeed is streamed instead.
MAX_PAGE_BYTES = 10 * 1024 * 1024
SIZE_LIMIT = (
    f"size limit: %s larger than {MAX_PAGE_BYTES // 2**20} MB is not read "
    "(a feed of any length can be given as a JSON list or a DataFeed)"
)
# Items read from one document; past it the rest is reported, not read (a feed of a million
# items is an archive to import in parts, not an upload).
MAX_ITEMS = 100_000
JSONLD_SCRIPTS = lxml.etree.XPath('descendant-or-self::script[@type="application/ld+json"]')
# "aosfatos.org/noticias/…": a host name where a scheme should be (not "page.html").
SCHEMELESS_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?!html?\b|php\b|aspx?\b|jsp\b)[a-z]{2,}(?::\d+)?(?:/|$)",
    re.IGNORECASE,
)
DATE_PATTERNS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")
AUTHOR_PAGE = re.compile(r"/(?:authors?|autor|autore|auteur|reporter|profile)s?/", re.IGNORECASE)
ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "NewsOrganization", "Corporation"}


class Malformed(ValueError):
    """An item that cannot be imported; the message says why, for the person importing."""


@dataclass(frozen=True)
class Page:
    """What a page says around its markup: its address (`url`, the base for relative URLs:
    its <base>, else the address it was fetched from, else its canonical URL), its declared
    language and its own organisation (og:site_name, or a JSON-LD Organization)."""

    url: str = ""
    base_url: str = ""
    language: str = ""
    organisation: str = ""
    organisation_url: str = ""
    nodes: dict[str, dict] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def resolved(self, value: Any) -> Any:
        """`value`, or the page's node it points to when it is only an {"@id": …}."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
            return self.nodes.get(str(value.get("@id")), value)
        return value


NO_PAGE = Page()


@dataclass
class Entry:
    """One thing found in the input: an object to read, or the reason nothing could be."""

    position: str
    data: Any = None
    error: str = ""
    page: Page = NO_PAGE


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


def entries(stream: IO[bytes], *, url: str = "") -> Iterator[Entry]:
    """Every candidate ClaimReview in `stream` (seekable bytes), in order, whatever its shape,
    at most MAX_ITEMS of them. `url` is where the document was fetched from, if it was."""
    page = Page(url=url, base_url=url)
    for count, entry in enumerate(_entries(stream, page), 1):
        if count > MAX_ITEMS:
            yield Entry(
                f"after item {MAX_ITEMS}",
                error=f"item limit: more than {MAX_ITEMS} items in one document; "
                "the rest was not read (import it in parts)",
            )
            return
        yield entry


def _entries(stream: IO[bytes], page: Page) -> Iterator[Entry]:
    first = _first_byte(stream)
    if first == b"[":
        yield from _streamed(stream, "item", "item", page)
    elif first == b"{":
        if _is_feed(stream):
            yield from _streamed(stream, "dataFeedElement.item", "element", page)
        else:
            stream.seek(0)
            document = stream.read(MAX_PAGE_BYTES + 1)
            if len(document) > MAX_PAGE_BYTES:
                yield Entry("document", error=SIZE_LIMIT % "one JSON object")
                return
            try:
                data = bounded_json.loads(document)
            except bounded_json.BadJSON as exc:
                yield Entry("document", error=f"not valid JSON: {exc}")
                return
            yield from _unwrap(data, "object", replace(page, nodes=_nodes_by_id([data])))
    elif first == b"<":
        html = stream.read(MAX_PAGE_BYTES + 1)
        if len(html) > MAX_PAGE_BYTES:
            yield Entry("page", error=SIZE_LIMIT % "an HTML page")
            return
        yield from _from_html(html, page.url)
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


def _streamed(stream: IO[bytes], path: str, label: str, page: Page) -> Iterator[Entry]:
    count = 0
    try:
        for count, element in enumerate(bounded_json.items(stream, path), 1):
            yield from _unwrap(element, f"{label} {count}", page)
    except bounded_json.BadJSON as exc:
        yield Entry(f"after {label} {count}", error=f"the JSON breaks off here: {exc}")


def _unwrap(data: Any, position: str, page: Page) -> Iterator[Entry]:
    """ClaimReviews inside `data`: itself, a list, an @graph, or a DataFeedItem's `item`.
    Iterative: bounded_json has limited the depth, and a chain of @graphs is no recursion."""
    stack = [(data, position)]
    while stack:
        data, position = stack.pop()
        if isinstance(data, list):
            stack.extend(reversed([(item, f"{position}.{i}") for i, item in enumerate(data, 1)]))
        elif isinstance(data, dict) and "@graph" in data and "@type" not in data:
            stack.append((data["@graph"], position))
        elif isinstance(data, dict) and _types(data) & {"DataFeed"}:
            stack.append((data.get("dataFeedElement", []), position))
        elif isinstance(data, dict) and _types(data) & {"DataFeedItem"} and "item" in data:
            stack.append((data["item"], position))
        else:
            yield Entry(position, data, page=page)


def _from_html(html: bytes, url: str) -> Iterator[Entry]:
    """JSON-LD script by script (a broken one is reported, the others kept), then microdata
    and RDFa through extruct, given the page itself as it expects (its RDFa reader parses it
    into a DOM of its own); each item with what the page says around it."""
    # Imported here: extruct and what it brings cost every process that loads the admin
    # (every management command, every worker) a tenth of a second, for imports alone.
    import extruct
    from extruct.utils import parse_html

    encoding, _ = page_text(html)  # its <meta> charset, a byte-order mark, else UTF-8
    try:
        tree = parse_html(html, encoding=encoding)
    except (ValueError, lxml.etree.LxmlError) as exc:
        yield Entry("page", error=f"unreadable HTML: {exc}")
        return
    if tree is None:
        yield Entry("page", error="unreadable HTML: an empty page")
        return
    scripts: list[tuple[int, Any]] = []
    found = 0
    for i, script in enumerate(JSONLD_SCRIPTS(tree), 1):
        try:
            scripts.append((i, bounded_json.loads(script.xpath("string()"))))
        except bounded_json.BadJSON as exc:
            found += 1
            yield Entry(f"JSON-LD script {i}", error=f"not valid JSON: {exc}")
    page = _page(tree, url, [data for _, data in scripts])
    for i, data in scripts:
        for entry in _unwrap(data, f"JSON-LD script {i}", page):
            for review in _claim_reviews_in(entry.data):
                found += 1
                yield Entry(entry.position, review, page=page)
    try:
        other = extruct.extract(
            html,
            base_url=page.base_url or None,
            encoding=encoding,
            syntaxes=["microdata", "rdfa"],
            uniform=True,
            errors="strict",
        )
    except RecursionError:
        other = {}
        found += 1
        yield Entry("page", error=f"markup nested deeper than {bounded_json.MAX_DEPTH} levels")
    except Exception as exc:  # noqa: BLE001 - a third-party parser's failure is the page's
        other = {}
        yield Entry("page", error=f"microdata or RDFa unreadable: {exc.__class__.__name__}")
    for item in rdfa.compacted(other.get("rdfa", [])):
        if "ClaimReview" in _types(item):
            found += 1
            yield Entry(f"RDFa item {found}", item, page=page)
    for i, item in enumerate(other.get("microdata", []), 1):
        if "ClaimReview" in _types(item):
            found += 1
            yield Entry(f"microdata item {i}", item, page=page)
    if not found:
        yield Entry("page", error="no ClaimReview markup on the page")


def _claim_reviews_in(data: Any) -> list[dict]:
    """The ClaimReviews a page's JSON-LD node is or holds (an article's `review`, a
    `mainEntity`, `hasPart`…), outermost first. bounded_json has limited the depth."""
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if "ClaimReview" in _types(node):
                found.append(node)
            else:
                stack.extend(reversed(list(node.values())))
    return found


def _page(tree: Any, url: str, scripts: list[Any]) -> Page:
    """What the page says of itself: its base, language and organisation."""

    def first(xpath: str) -> str:
        found = tree.xpath(xpath)
        return " ".join(str(found[0]).split()) if found else ""

    base = first("//base/@href")
    canonical = first('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    base_url = urljoin(url or canonical, base) if base else url or _absolute(canonical, "") or ""
    language = (
        first("/html/@lang")
        or first("/html/@xml:lang")
        or first(
            '//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")='
            '"content-language"]/@content'
        )
        or first('//meta[@property="og:locale"]/@content')
    )
    nodes = _nodes_by_id(scripts)
    organisation, organisation_url = _organisation_in(scripts)
    if not organisation:
        organisation = _text(first('//meta[@property="og:site_name"]/@content'))
    return Page(
        url=url or _absolute(canonical, ""),
        base_url=base_url if _is_web_url(base_url) else "",
        language=languages.tag(language),
        organisation=organisation[:300],
        organisation_url=organisation_url,
        nodes=nodes,
    )


def _nodes_by_id(scripts: list[Any]) -> dict[str, dict]:
    """Every JSON-LD node of the page that has an @id and says more than it, by @id: Yoast and
    other generators write `"publisher": {"@id": "…#organization"}` and the node elsewhere."""
    nodes: dict[str, dict] = {}
    stack = list(scripts)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if isinstance(node.get("@id"), str) and len(node) > 1:
                nodes.setdefault(node["@id"], node)
            stack.extend(node.values())
    return nodes


def _organisation_in(scripts: list[Any]) -> tuple[str, str]:
    """The first organisation a page's JSON-LD describes: a top-level or @graph node typed as
    one, else the `publisher` of its article."""
    nodes: list[Any] = []
    for data in scripts:
        for node in _all(data):
            nodes.extend(_all(node.get("@graph")) if isinstance(node, dict) else [])
            nodes.append(node)
    for node in nodes:
        if isinstance(node, dict) and _types(node) & ORGANISATION_TYPES and _name(node):
            return _name(node), _url_text(node)
    for node in nodes:
        for publisher in _all(node.get("publisher") if isinstance(node, dict) else None):
            if isinstance(publisher, dict) and not _is_person(publisher) and _name(publisher):
                return _name(publisher), _url_text(publisher)
    return "", ""


def _types(data: Any) -> set[str]:
    if not isinstance(data, dict):
        return set()
    kinds = data.get("@type", ())
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    # "ClaimReview", "http://schema.org/ClaimReview", "schema:ClaimReview"
    return {re.split(r"[/:#]", str(k))[-1] for k in kinds}


def parse_claim_review(data: Any, page: "Page | None" = None) -> ParsedReview:
    """The fields we keep from one ClaimReview object, or Malformed saying what is missing.
    `page` is what the page around the markup says (its address, language, organisation):
    relative URLs are resolved against it, and it fills what the item leaves out."""
    page = page or NO_PAGE
    if not isinstance(data, dict):
        raise Malformed("not an object")
    if "ClaimReview" not in _types(data):
        raise Malformed(f"not a ClaimReview (@type {data.get('@type')!r})")
    url = _absolute(_text(_first(data.get("url"))), page.base_url)
    if not url and data.get("url") is None and page.url:
        url = page.url  # no `url` on a page's own markup: the review is the page
    if not _is_web_url(url):
        raise Malformed("no http(s) `url`: the review's address is required")
    publisher_name, publisher_url = publishing_organisation(data, page)
    if not publisher_name:
        raise Malformed(
            "no publishing organisation: neither `publisher`, nor an `author` that is an "
            "organisation (or works for one), nor the page names it"
        )
    claim_reviewed = _first_text(data.get("claimReviewed"))
    if not claim_reviewed:
        raise Malformed("no `claimReviewed` text")
    rating = page.resolved(_first(data.get("reviewRating")))
    if not isinstance(rating, dict):
        raise Malformed("no `reviewRating` object")
    parsed = ParsedReview(
        url=url,
        publisher=publisher_name[:300],
        claim_reviewed=claim_reviewed,
        publisher_url=_absolute(publisher_url, page.base_url),
        language=_language(data.get("inLanguage")) or page.language,
        published_on=_date(data.get("datePublished")),
        rating_value=_number_text(_first(rating.get("ratingValue"))),
        best_rating=_number_text(_first(rating.get("bestRating"))),
        worst_rating=_number_text(_first(rating.get("worstRating"))),
        rating_name=(_first_text(rating.get("alternateName")) or _first_text(rating.get("name")))[
            :300
        ],
    )
    if not parsed.rating_name and not parsed.rating_value:
        raise Malformed("the `reviewRating` has neither `ratingValue` nor `alternateName`")
    parsed.rating_position = rating_position(
        parsed.rating_value, parsed.best_rating, parsed.worst_rating
    )
    item = page.resolved(_first(data.get("itemReviewed")))
    if isinstance(item, dict):
        claimant = page.resolved(_first(item.get("author")))
        parsed.claimant = (
            _text(claimant.get("name")) if isinstance(claimant, dict) else _text(claimant)
        )[:300]
        parsed.appearance_urls = _appearance_urls(item, page.base_url)
    if not parsed.language:
        parsed.language = languages.detect(claim_reviewed)
    return parsed


def publishing_organisation(data: dict, page: "Page") -> tuple[str, str]:
    """Who published the review, never the reporter who wrote it: `publisher`; else an
    `author` that is an organisation; else the organisation the author works for; else the
    page's own organisation. (name, url); ("", "") when none of them says."""
    for publisher in map(page.resolved, _all(data.get("publisher"))):
        if isinstance(publisher, str) and publisher.strip():
            return _text(publisher), ""
        if isinstance(publisher, dict) and not _is_person(publisher) and _name(publisher):
            return _name(publisher), _url_text(publisher)
    authors = [page.resolved(author) for author in _all(data.get("author"))]
    for author in authors:
        if isinstance(author, str) and _text(author):
            return _text(author), ""  # Google's documentation: the author is the organisation
        if isinstance(author, dict) and not _is_person(author) and _name(author):
            return _name(author), _url_text(author)
    for author in authors:
        employers = _all(author.get("worksFor") if isinstance(author, dict) else None)
        for employer in map(page.resolved, employers):
            if isinstance(employer, dict) and _name(employer):
                return _name(employer), _url_text(employer)
            if isinstance(employer, str) and _text(employer):
                return _text(employer), ""
    return page.organisation, page.organisation_url


def _is_person(thing: dict) -> bool:
    """A Person, or an "Organization" whose address is an author's page (a reporter typed as
    an organisation, as some publishers' templates do)."""
    if "Person" in _types(thing):
        return True
    return bool(AUTHOR_PAGE.search(urlsplit(_url_text(thing)).path))


def _name(thing: dict) -> str:
    return _first_text(thing.get("name")) or _first_text(thing.get("legalName"))


def rating_position(value: str, best: str, worst: str) -> float | None:
    """Where `value` sits between `worst` (0) and `best` (1): only when the publisher gave all
    three numbers and worst differs from best. Without `worstRating` the direction of the scale
    is unknown (Lupa's "Falso" is 4 of best 6: its scale runs the other way), so no position
    is guessed."""
    try:
        v, b, w = float(value), float(best), float(worst)
    except ValueError:
        return None
    if b == w or not min(w, b) <= v <= max(w, b):
        return None
    return round((v - w) / (b - w), 4)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _all(value: Any) -> list:
    """schema.org allows any property to repeat: one value or a list, read alike."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first_text(value: Any) -> str:
    for one in _all(value):
        text = _text(one)
        if text:
            return text
    return ""


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


def _absolute(url: str, base: str) -> str:
    """`url` made absolute: "//host/x" and "host.org/x" (no scheme) take https; a relative
    path is resolved against `base` (the page's <base>, its address or its canonical URL)."""
    if not url:
        return ""
    if url.startswith("//"):
        return "https:" + url
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        return url
    if SCHEMELESS_HOST.match(url) and not scheme:
        return "https://" + url
    if scheme or not base:
        return url
    return urljoin(base, url)


def _url_text(thing: Any) -> str:
    if isinstance(thing, dict):
        return _text(_first(thing.get("url")))
    return ""


def _language(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return languages.tag(_text(_first(value)))


def _date(value: Any) -> datetime.date | None:
    text = _text(_first(value))
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:  # "Tue, 05 Jun 2020 10:00:00 +0000", as feeds write dates
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in DATE_PATTERNS:  # "June 5, 2020", "5 June 2020"
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Malformed(f"`datePublished` is not a date: {text[:40]!r}")


def _appearance_urls(item: dict, base: str) -> list[str]:
    urls = []
    for key in ("firstAppearance", "appearance"):
        for value in _all(item.get(key)):
            url = _absolute(_url_text(value) if isinstance(value, dict) else _text(value), base)
            if _is_web_url(url) and url not in urls:
                urls.append(url)
    return urls[:50]
