"""Articles as the web and word processors really serve them: pages in other encodings,
declared or mislabelled, text with page breaks, control characters and decomposed Vietnamese.
Intake reads them as a reader would, and every candidate can be confirmed."""

import io
import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.models import Claim
from exchange.importing import import_claimreview
from exchange.models import ExternalReview
from intake import article
from intake.sentences import split
from sources.linkcheck.content import page_text
from tests.exchange_support import DocumentServer, claim_review
from tests.intake.test_intake_desk import client, local_fetch, start  # noqa: F401  (fixtures)
from tracker.characters import find_control_character

VI = "Bà Jenny Xiao ước tính Trung Quốc chậm hơn Mỹ từ 2-3 năm về trí tuệ nhân tạo."
EN = "The café’s exports rose 3.5% to €900 million in 2023, according to the ministry."


def page(sentence: str, head: str = "") -> str:
    paragraphs = "".join(f"<p>{sentence} Part {i}.</p>" for i in range(4))
    return (
        f"<html><head>{head}<title>News</title></head>"
        f"<body><article><h1>News</h1>{paragraphs}</article></body></html>"
    )


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: a base letter, then a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            [tone] = [mark for mark in parts if mark in TONE_MARKS]
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += (base + tone).encode("cp1258")
    return out


# path: (body, Content-Type header, the sentence a reader sees)
PAGES = {
    "/header-1252": (page(EN).encode("cp1252"), "text/html; charset=windows-1252", EN),
    "/meta-1258": (cp1258(page(VI, '<meta charset="windows-1258">')), "text/html", VI),
    "/utf8-labelled-latin1": (page(VI).encode(), "text/html; charset=iso-8859-1", VI),
    "/utf16-bom": (page(VI).encode("utf-16"), "text/html", VI),
    "/unknown-charset": (page(VI).encode(), "text/html; charset=x-no-such-thing", VI),
}  # fmt: skip


@pytest.fixture
def encoded_pages():
    with DocumentServer() as server:
        server.documents.update({path: (kind, body) for path, (body, kind, _) in PAGES.items()})
        yield server.url("")


@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_read_in_the_encoding_it_is_written_in(start, local_fetch, encoded_pages, path):  # noqa: F811
    code, job = start({"url": f"{encoded_pages}{path}"})
    assert code == 201 and job["status"] == "ready", job
    texts = [c["text"] for c in job["candidates"]]
    assert any(t.startswith(PAGES[path][2]) for t in texts), texts
    assert not any("\ufffd" in t for t in texts)


def test_page_text_prefers_valid_utf8_then_follows_the_page():
    assert page_text("Tiếng Việt".encode(), "iso-8859-1") == ("utf-8", "Tiếng Việt")
    assert page_text("café".encode("cp1252"), "windows-1252")[1] == "café"
    assert page_text(b'<meta charset="koi8-r">' + "мир".encode("koi8-r"))[1].endswith("мир")
    assert page_text("\ufeffbom".encode())[1] == "bom"
    assert page_text("đ".encode("utf-16"))[1] == "đ"


def test_a_claimreview_page_in_another_encoding_keeps_its_accents(db):
    review = {**claim_review(1), "claimReviewed": "Le café coûte 3 € de plus"}
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
        f'<script type="application/ld+json">{json.dumps(review, ensure_ascii=False)}</script>'
        "</head><body></body></html>"
    ).encode("iso-8859-15")
    assert import_claimreview(io.BytesIO(page)).created == 1
    assert ExternalReview.objects.get().claim_reviewed == "Le café coûte 3 € de plus"


def test_plain_text_in_another_encoding_is_refused_unless_declared():
    latin = "Exports rose 3% to 900 tons, the café said.".encode("latin-1")
    with pytest.raises(article.IntakeError, match="not in UTF-8"):
        article.from_bytes(latin)
    read = article.from_bytes(latin, content_type="text/plain", charset="latin-1")
    assert read.text == "Exports rose 3% to 900 tons, the café said."


@given(st.text(max_size=300))
def test_any_pasted_text_reads_as_storable_nfc_text_or_a_clear_error(text):
    try:
        read = article.from_text(text)
    except article.IntakeError as exc:
        assert str(exc) in (article.NO_TEXT, article.BINARY)
        return
    assert find_control_character(read.text) is None
    assert unicodedata.is_normalized("NFC", read.text)
    for sentence in split(read.text):
        assert read.text[sentence.start : sentence.end] == sentence.text


def test_page_breaks_and_control_characters_from_a_copy_still_confirm(client, start):  # noqa: F811
    decomposed = unicodedata.normalize(
        "NFD", "Bộ Công Thương cho biết xuất khẩu tăng 12% năm 2024."
    )
    text = (
        "Exports rose 40% to 900 tons in 2023, the ministry said.\x0c"
        "Officials\x1b said imports fell 12 percent in 2024.\u2028"
        f"{decomposed}"
    )
    code, job = start({"text": text})
    assert code == 201 and job["status"] == "ready", job
    texts = {c["text"] for c in job["candidates"]}
    assert "Exports rose 40% to 900 tons in 2023, the ministry said." in texts
    assert "Officials said imports fell 12 percent in 2024." in texts
    assert unicodedata.normalize("NFC", decomposed) in texts
    choices = [{"index": i, "new_speaker": "A Reporter's Source"} for i in range(len(texts))]
    response = client.post(f"/api/v1/intake/{job['id']}/confirm/", {"choices": choices}, "json")
    assert response.status_code == 200, response.json()
    assert Claim.objects.count() == 3
    source = Claim.objects.first().appearances.get().source
    assert source.title == "Exports rose 40% to 900 tons in 2023, the ministry said."


@pytest.mark.parametrize(
    "reference, read_as",
    [
        ("&#27;", ""),  # a control character: dropped (it made the whole page unreadable)
        ("&#x1F;", ""),
        ("&#65535;", ""),
        ("&#150;", "–"),  # as browsers read it: windows-1252's en dash
        ("&#0;", "\ufffd"),
        ("&#99999999999;", "\ufffd"),
        ("&#60;", "<"),  # markup stays text
    ],
)
def test_character_references_read_as_a_browser_reads_them(reference, read_as):
    sentence = "Exports rose 40% in 2023, the ministry said on Friday in a statement."
    paragraph = " ".join([sentence] * 8)
    body = f"<p>{reference}{paragraph}</p><p>{paragraph}</p>"
    read = article.from_html(f"<html><body><article>{body}</article></body></html>")
    assert read.text.startswith(f"{read_as}{sentence}")


def test_a_stray_nul_deep_in_a_page_is_dropped_not_taken_for_a_binary_file():
    sentence = "Exports rose 40% in 2023, the ministry said on Friday in a statement."
    padding = "<!-- " + "x" * 9000 + " -->"
    page = f"<html><body>{padding}<article><p>{sentence}\x00 {sentence}</p></article></body></html>"
    assert article.from_bytes(page.encode()).text == f"{sentence} {sentence}"
    with pytest.raises(article.IntakeError, match="binary"):
        article.from_bytes(b"<html>\x00" + page.encode())  # NUL up front: a binary file
