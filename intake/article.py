"""An article in: from a URL (fetched through the link checker's SSRF guard), a file or pasted
text, to its main text, title, outlet, author and date. trafilatura extracts the main text of a
web page, leaving related-article lists, bylines, credits and navigation out.

The text is read as written, with three repairs a copy from a web page, a PDF or a word
processor needs: Unicode NFC (Vietnamese typed with combining tone marks matches and searches as
the same letters precomposed), page and other Unicode line separators as line breaks, and other
control characters left out (they cannot be stored on the record; see tracker.characters).

Every refusal is an `IntakeError` with a message for the Reporter; nothing is written here.
"""

import dataclasses
import datetime
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from w3lib.encoding import read_bom

from sources.linkcheck import content
from sources.linkcheck.fetch import ErrorKind, Target, fetch_all
from sources.services.config import fetch_config, politeness_factory
from tracker.characters import find_control_character, without_control_characters

VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưàảãạáằẳẵặắầẩẫậấèẻẽẹéềểễệếìỉĩịíòỏõọóồổỗộốờởỡợớùủũụúừửữựứỳỷỹỵý]", re.I
)
NO_TEXT = gettext_lazy("There is no text to read in this article.")
BINARY = gettext_lazy("This is a binary file, not an article: paste text or give a web page.")
TEXT_TYPES = ("text/plain", "text/markdown")
# What str.splitlines() breaks at besides \n: form feeds from PDFs, U+2028 from word processors.
LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class IntakeError(Exception):
    """Input that cannot become an article, with the reason in words a Reporter understands."""


@dataclass
class Article:
    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    published_on: datetime.date | None = None
    url: str = ""
    language: str = "en"


def guess_language(text: str) -> str:
    """ "vi" when Vietnamese letters are common, else "en": the two languages intake supports."""
    letters = sum(c.isalpha() for c in text[:5000]) or 1
    return "vi" if len(VIETNAMESE_LETTERS.findall(text[:5000])) / letters > 0.03 else "en"


def _too_large() -> IntakeError:
    return IntakeError(
        _("The article is larger than %(size)s MB.")
        % {"size": settings.INTAKE_MAX_BYTES // (1024 * 1024)}
    )


def _checked(text: str) -> str:
    if "\x00" in text:
        raise IntakeError(BINARY)
    if len(text.encode()) > settings.INTAKE_MAX_BYTES:
        raise _too_large()
    if not text.strip():
        raise IntakeError(NO_TEXT)
    return text


def _repaired(text: str) -> str:
    """NFC, one kind of line break, no control characters (see the module docstring)."""
    text = unicodedata.normalize("NFC", LINE_BREAKS.sub("\n", text))
    return without_control_characters(text)


def from_text(text: str, *, url: str = "", language: str = "") -> Article:
    """Pasted or plain text: its first line is the title when it reads like one."""
    text = _repaired(_checked(text))
    if not text.strip():
        raise IntakeError(NO_TEXT)
    first = text.strip().splitlines()[0].strip()
    title = first if len(first) <= 300 and first[-1] not in '.!?”"' else ""
    return Article(text=text, title=title, url=url, language=language or guess_language(text))


CHARACTER_REFERENCE = re.compile(r"&#(?:[xX][0-9a-fA-F]+|[0-9]+);?")


def _reference(match: re.Match) -> str:
    """A numeric character reference as a browser reads it (html.unescape: "&#150;" is "–"),
    or nothing for a control character: one "&#27;" made the page's whole text unreadable."""
    char = html.unescape(match[0])  # "" for a reference HTML forbids (&#27;, &#65535;)
    if not char or find_control_character(char) is not None:
        return ""
    return match[0] if char in "<>&\"'" else char  # markup stays escaped


def _one_line(value: str | None) -> str:
    return " ".join(_repaired(value or "").split())


def from_html(page: str, *, url: str = "", language: str = "") -> Article:
    # Imported here: trafilatura and what it brings cost every process that loads the admin
    # (every management command, every worker) a tenth of a second, for the desk alone.
    import trafilatura

    # A stray NUL in a page is dropped: binary files are told apart from pages by from_bytes,
    # on the raw bytes.
    page = _checked(page.replace("\x00", ""))
    extracted = trafilatura.extract(
        CHARACTER_REFERENCE.sub(_reference, page),
        url=url or None,
        output_format="json",
        with_metadata=True,
        include_comments=False,
    )
    data = json.loads(extracted) if extracted else {}
    text = _repaired(data.get("text") or "").strip()
    if not text:
        raise IntakeError(_("No article text was found on this page."))
    published = None
    if data.get("date"):
        try:
            published = datetime.date.fromisoformat(data["date"][:10])
        except ValueError:
            published = None
    return Article(
        text=text,
        title=_one_line(data.get("title"))[:500],
        outlet=_one_line(data.get("sitename") or data.get("hostname"))[:200],
        author=_one_line(data.get("author"))[:300],
        published_on=published,
        url=url,
        language=language or guess_language(text),
    )


def _plain_text(body: bytes, charset: str) -> str:
    """Plain text in the charset its server declared, else UTF-8: guessing the encoding of a
    short text too often guesses wrong, and a wrong guess would put words nobody wrote into
    claims."""
    for encoding in (charset, "utf-8") if charset else ("utf-8",):
        try:
            return body.decode(encoding)
        except LookupError:  # a charset Python does not know: try UTF-8
            continue
        except UnicodeDecodeError:
            break
    raise IntakeError(
        _("This text is not in %(charset)s; save the article as UTF-8 text first.")
        % {"charset": charset or "UTF-8"}
    )


def from_bytes(
    body: bytes, *, content_type: str = "", charset: str = "", url: str = "", language: str = ""
) -> Article:
    """An article from bytes: a web page in whatever encoding it declares (the server's
    charset, its byte-order mark or its own <meta>), or UTF-8 text."""
    bom, mark = read_bom(body)
    if bom is None and b"\x00" in body[:8192]:
        raise IntakeError(BINARY)
    looks_like_html = "html" in content_type or body[len(mark or b"") :].lstrip()[:1] == b"<"
    if content_type and not looks_like_html and content_type not in TEXT_TYPES:
        raise IntakeError(
            _("This address serves %(type)s, not an article.") % {"type": content_type}
        )
    if looks_like_html:
        _charset, decoded = content.page_text(body, charset)
        return from_html(decoded, url=url, language=language)
    if bom is not None:
        return from_text(
            body[len(mark or b"") :].decode(bom, errors="replace"), url=url, language=language
        )
    return from_text(_plain_text(body, charset), url=url, language=language)


def from_file(path: str, *, language: str = "") -> Article:
    file = Path(path)
    if not file.is_file():
        raise IntakeError(_("There is no file at %(path)s.") % {"path": path})
    if file.stat().st_size > settings.INTAKE_MAX_BYTES:
        raise _too_large()
    return from_bytes(file.read_bytes(), language=language)


def fetch(url: str, *, language: str = "") -> Article:
    """The article at `url`, fetched through the link checker (SSRF guard on every hop)."""
    config = dataclasses.replace(
        fetch_config(quick=True),
        max_bytes=settings.INTAKE_MAX_BYTES,
        probe_soft_404=False,
        keep_body=True,
        concurrency=1,
    )
    [result] = fetch_all([Target(url=url)], config, politeness_factory())
    if result.error_kind == ErrorKind.BLOCKED or result.error_kind == ErrorKind.INVALID_URL:
        raise IntakeError(_("This address may not be fetched: %(error)s") % {"error": result.error})
    if result.error_kind:
        raise IntakeError(_("The page could not be fetched: %(error)s") % {"error": result.error})
    if result.status_code is None or not 200 <= result.status_code < 300:
        raise IntakeError(
            _("The page answered with HTTP %(status)s.") % {"status": result.status_code}
        )
    if result.truncated:
        raise _too_large()
    return from_bytes(
        result.body,
        content_type=result.content_type,
        charset=result.charset,
        url=result.final_url or url,
        language=language,
    )


def load(path_or_url: str, *, language: str = "") -> Article:
    if re.match(r"^[a-z][a-z0-9+.-]*://", path_or_url, re.I):
        return fetch(path_or_url, language=language)
    return from_file(path_or_url, language=language)
