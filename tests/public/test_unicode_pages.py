"""Every public page and both feeds render for claims holding every Unicode category: what the
validator lets in (combining marks, RTL, emoji, CJK, format characters…) and, for rows stored
before it existed, control characters too."""

import sys
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError

from claims.models import Claim, Correction, Review, Speaker
from tests.factories import OutletFactory, SourceFactory, SpeakerFactory
from tests.site_data import (  # noqa: F401
    add_appearance,
    correct,
    fresh_page_cache,
    plain_static_storage,
)
from tracker.characters import find_control_character

pytestmark = pytest.mark.django_db


def one_of_each_category() -> dict[str, str]:
    """The first code point of every Unicode general category (Cn: an unassigned one)."""
    found: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        found.setdefault(category, chr(code))
    return found


CATEGORIES = one_of_each_category()
STORABLE = "".join(ch for ch in CATEGORIES.values() if find_control_character(ch) is None)
MIXED = (
    "Trung Quốc e\u0301\u20dd "  # Vietnamese, a combining acute, an enclosing mark
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u202eRTL override\u202c "
    "👩🏽‍🔬 🇻🇳 人工智能 한국어 日本語 "
    "\u200b\u2028\u2029\ufeff "  # zero-width space, line and paragraph separators, BOM
    "<b>&amp;</b> "
)
TEXT = MIXED + STORABLE

PAGES = [
    "/",
    "/claims/",
    "/claims/?q=" + "人工智能",
    "/speakers/",
    "/corrections/",
    "/methodology/",
    "/sitemap.xml",
    "/feeds/claims.atom",
    "/feeds/claims.rss",
]


def test_every_category_is_covered_and_only_controls_are_refused():
    assert {"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Mc", "Me", "Lo", "So", "Zl", "Zp"} <= set(
        CATEGORIES
    )
    refused = {cat for cat, ch in CATEGORIES.items() if find_control_character(ch)}
    assert refused == {"Cc", "Cs"}


@pytest.fixture
def unicode_claim(make_claim, editor, checker):
    speaker = SpeakerFactory(name="李彦宏 " + MIXED, slug="")
    source = SourceFactory(title=TEXT, outlet=OutletFactory(name=MIXED))
    claim = make_claim("published", text=TEXT, translation=TEXT[::-1], language="zh")
    Review.objects.filter(pk=claim.published_review_id).update(summary=TEXT, reasoning=TEXT)
    add_appearance(claim, speaker=speaker, source=source, quote=TEXT, quote_translation=TEXT)
    correct(claim, editor=editor, checker=checker, rating="true", note=TEXT)
    return Claim.objects.get(pk=claim.pk)


def assert_every_page_renders(client, claim: Claim) -> None:
    speaker = Speaker.objects.get(appearances__claim=claim)
    source = claim.appearances.get().source
    paths = [
        *PAGES,
        claim.get_absolute_url(),
        f"/speakers/{speaker.slug}/",
        f"/sources/{source.pk}/",
        f"/api/v1/claims/{claim.pk}/",
        "/api/v1/claimreview/",
    ]
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        if path.startswith("/feeds/") or path == "/sitemap.xml":
            ET.fromstring(response.content)  # well-formed XML


def test_pages_and_feeds_render_text_in_every_storable_category(client, unicode_claim):
    assert unicode_claim.slug  # transliterated, never empty
    assert_every_page_renders(client, unicode_claim)
    body = client.get(unicode_claim.get_absolute_url(), follow=True).content.decode()
    assert "人工智能" in body and "👩🏽‍🔬" in body
    assert "<b>&amp;</b>" not in body  # escaped, not markup


def test_pages_and_feeds_render_rows_stored_with_control_characters(client, unicode_claim):
    controls = "".join(chr(c) for c in (1, 7, 0x1B, 0x7F, 0x85, 0x9F))  # PostgreSQL refuses NUL
    # Written straight through SQL, as rows saved before the validator were.
    Claim.objects.filter(pk=unicode_claim.pk).update(text=TEXT + controls)
    Review.objects.filter(claim=unicode_claim).update(summary=controls + TEXT)
    Correction.objects.filter(claim=unicode_claim).update(note=controls)
    Speaker.objects.filter(appearances__claim=unicode_claim).update(name="Esc" + controls)
    assert_every_page_renders(client, unicode_claim)


@pytest.mark.parametrize("category", ["Cc", "Cs"])
def test_new_text_with_a_control_character_is_refused(category):
    with pytest.raises(ValidationError):
        SpeakerFactory(name="x" + CATEGORIES[category] + "\x1b")
