"""Share cards: a 1200×630 PNG per published verdict, Vietnamese drawn right, cached with an ETag,
redrawn when what the claim shows changes, and named by og:/twitter: tags on its page."""

import io
import unicodedata

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from claims import edits
from claims.models import RatingLevel
from public import card_image
from tests.site_data import add_appearance, correct, demo_claims, fresh_page_cache  # noqa: F401

BASES = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # huyền sắc hỏi ngã nặng
CONSONANTS = "bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX"


def vietnamese_letters() -> list[str]:
    """Every letter of the Vietnamese alphabet, each vowel with each of its five tones (NFC)."""
    letters = [unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES]
    assert all(len(letter) == 1 for letter in letters), "each one precomposed"
    return letters + list(CONSONANTS)


def glyph_bitmap(face, text: str) -> bytes:
    mask = face.getmask(text)
    return mask.size, bytes(mask)


def draws_a_box(face, char: str) -> bool:
    """The font falls back to its missing-glyph box (.notdef) for `char`: a private-use code
    point no font here maps is drawn with that box, and compared bit for bit."""
    return glyph_bitmap(face, char) == glyph_bitmap(face, "\ue000")


@pytest.mark.parametrize("path", [card_image.REGULAR, card_image.BOLD], ids=["regular", "bold"])
def test_every_vietnamese_letter_has_its_own_glyph_in_the_card_fonts(path):
    mapped = TTFont(path).getBestCmap()
    letters = vietnamese_letters()
    assert len(letters) == 144 + 34
    assert [c for c in letters if ord(c) not in mapped] == []
    for size in (34, 52):
        face = card_image.font(path, size)
        assert [c for c in letters if draws_a_box(face, c)] == []
        # The check can fail: a code point the font lacks is drawn as the box.
        assert draws_a_box(face, "\U0001f600") and ord("\U0001f600") not in mapped


def test_decomposed_vietnamese_is_drawn_like_precomposed():
    """Text pasted with combining marks (NFD) comes out as the same card as composed text."""
    composed = "Nguyễn Văn Ánh nói rằng giá điện sẽ tăng"
    cards = [
        card_image.png(
            card_image.Card(
                claim=unicodedata.normalize(form, composed),
                speaker="",
                rating="Sai",
                color="#b3261e",
                desk="Bàn kiểm chứng",
                verdict_label="Kết luận",
                site="claimtrack.example.org",
            )
        )
        for form in ("NFC", "NFD")
    ]
    assert cards[0] == cards[1]


def test_the_rating_reads_in_black_or_white_whichever_contrasts_more():
    assert card_image.text_on("#ffeb3b") == "#000000"
    assert card_image.text_on("#1b5e20") == "#ffffff"


@pytest.fixture
def demo(make_claim):
    return demo_claims(make_claim)


def card(client, claim, language="en", **headers):
    return client.get(f"/claims/{claim.pk}/card.{language}.png", headers=headers)


def test_a_published_verdict_has_a_1200_by_630_png_card_in_its_ratings_colour(client, demo):
    response = card(client, demo["llms"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)
    colour = RatingLevel.objects.get(slug="mostly-true").color
    assert image.convert("RGB").getpixel((4, 300)) == tuple(
        int(colour[i : i + 2], 16) for i in (1, 3, 5)
    )


def test_the_card_answers_its_etag_with_304(client, demo, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # drawn or read from the card cache, not the page's
    first = card(client, demo["llms"])
    assert first["ETag"].startswith('"')
    again = card(client, demo["llms"], **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    edge = f"public, max-age={settings.PUBLIC_EDGE_CACHE_SECONDS}"  # as every public page
    assert again.content == b"" and again["Cache-Control"] == edge


def test_each_language_has_its_own_card(client, demo):
    english, vietnamese = card(client, demo["llms"], "en"), card(client, demo["llms"], "vi")
    assert english["ETag"] != vietnamese["ETag"]
    assert english.content != vietnamese.content
    assert card(client, demo["llms"], "fr").status_code == 404


def test_a_card_for_a_claim_that_is_not_public_is_not_found(client, make_claim):
    for status in ("new", "researching", "in_review", "rejected"):
        claim = make_claim(status)
        assert card(client, claim).status_code == 404, status
    assert client.get("/claims/999999/card.en.png").status_code == 404


def test_the_card_is_redrawn_when_what_the_claim_shows_changes(client, demo, editor, checker):
    claim = demo["llms"]
    before = card(client, claim)
    assert card(client, claim)["ETag"] == before["ETag"]  # unchanged: the same card
    edits.speaker_update(speaker=demo["lee"], by=editor, name="Lý Khai Phục")
    renamed = card(client, claim)
    assert renamed["ETag"] != before["ETag"] and renamed.content != before.content
    correct(claim, editor=editor, checker=checker, rating="false")
    corrected = card(client, claim)
    assert corrected["ETag"] not in (before["ETag"], renamed["ETag"])
    red = RatingLevel.objects.get(slug="false").color
    image = Image.open(io.BytesIO(corrected.content)).convert("RGB")
    assert image.getpixel((4, 300)) == tuple(int(red[i : i + 2], 16) for i in (1, 3, 5))


def test_a_cached_card_costs_no_query_and_no_drawing(client, demo, django_assert_max_num_queries):
    first = card(client, demo["llms"])
    with django_assert_max_num_queries(0):  # the page cache, as for a page
        again = card(client, demo["llms"])
        not_modified = card(client, demo["llms"], **{"If-None-Match": first["ETag"]})
    assert not_modified.status_code == 304
    assert not ImageChops.difference(
        Image.open(io.BytesIO(first.content)), Image.open(io.BytesIO(again.content))
    ).getbbox()


def test_a_claim_page_names_its_card_in_og_and_twitter_tags(client, demo):
    claim = demo["llms"]
    body = client.get(claim.get_absolute_url()).content.decode()
    url = f"https://claimtrack.example.org/claims/{claim.pk}/card.en.png"
    assert f'<meta property="og:image" content="{url}">' in body
    assert '<meta property="og:image:width" content="1200">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert f'<meta name="twitter:image" content="{url}">' in body
    vietnamese = client.get(claim.get_absolute_url(), headers={"Accept-Language": "vi"})
    assert f"/claims/{claim.pk}/card.vi.png" in vietnamese.content.decode()
