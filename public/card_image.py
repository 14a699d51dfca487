"""Drawing a share card: a 1200×630 PNG of one verdict, in plain Python and Pillow.

The font ships with the project (static/fonts/, Noto Sans under the SIL Open Font License), so
the card looks the same on every machine and every Vietnamese letter has its glyph: a font
found on the host could lack them and draw boxes (tests/public/test_share_cards.py checks).
"""

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR = FONT_DIR / "NotoSans-Regular.ttf"
BOLD = FONT_DIR / "NotoSans-Bold.ttf"

BACKGROUND = "#ffffff"
INK = "#1a1a1a"
MUTED = "#555555"
MARGIN = 72
BAR = 18
CLAIM_SIZES = (52, 46, 40, 34)  # the largest size the claim fits in, within CLAIM_HEIGHT
CLAIM_TOP, CLAIM_HEIGHT = 112, 290
LINE_SPACING = 1.25


@dataclass(frozen=True)
class Card:
    """What a card shows, already in the reader's language."""

    claim: str
    speaker: str  # "Said by …", or empty
    rating: str
    color: str  # the rating's colour, #rrggbb
    desk: str
    verdict_label: str  # "Our verdict"
    site: str  # the host readers will find the page on


@lru_cache(maxsize=32)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Lines of at most `width` pixels; the last line kept cut with "…" when it runs over."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while face.getlength(line) > width:  # one word wider than the card: cut it
            cut = len(line)
            while cut > 1 and face.getlength(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and face.getlength(last + "…") > width:
        last = last[:-1].rstrip()
    kept[-1] = last + "…"
    return kept


def text_on(color: str) -> str:
    """Black or white, whichever reads better on `color` (WCAG relative luminance)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def claim_lines(claim: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    for size in CLAIM_SIZES:
        face = font(BOLD, size)
        lines = wrap(claim, face, width, CLAIM_HEIGHT // int(size * LINE_SPACING))
        if not lines[-1].endswith("…") or size == CLAIM_SIZES[-1]:
            return face, lines
    raise AssertionError("unreachable: the last size always returns")


def draw(card: Card) -> Image.Image:
    # Precomposed letters (NFC): the font draws each Vietnamese letter as one glyph, where a
    # base letter plus combining marks would rely on mark positioning.
    nfc = {
        name: unicodedata.normalize("NFC", getattr(card, name))
        for name in ("claim", "speaker", "rating", "desk", "verdict_label", "site")
    }
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, BAR, HEIGHT), fill=card.color)
    left, right = MARGIN, WIDTH - MARGIN
    width = right - left

    desk_face = font(BOLD, 30)
    pen.text((left, 52), nfc["desk"], font=desk_face, fill=MUTED)

    face, lines = claim_lines(f"“{nfc['claim']}”", width)
    y = CLAIM_TOP
    line_height = int(face.size * LINE_SPACING)
    for line in lines:
        pen.text((left, y), line, font=face, fill=INK)
        y += line_height
    if nfc["speaker"]:
        speaker_face = font(REGULAR, 32)
        speaker = wrap(nfc["speaker"], speaker_face, width, 1)[0]
        pen.text((left, y + 8), speaker, font=speaker_face, fill=MUTED)

    label_face = font(REGULAR, 28)
    rating_face = font(BOLD, 44)
    rating = wrap(nfc["rating"], rating_face, width - 300, 1)[0]
    pill_top = HEIGHT - 130
    pen.text((left, pill_top - 40), nfc["verdict_label"], font=label_face, fill=MUTED)
    pill_right = left + int(rating_face.getlength(rating)) + 56
    pen.rounded_rectangle((left, pill_top, pill_right, pill_top + 80), radius=16, fill=card.color)
    pen.text(
        (left + 28, pill_top + 40), rating, font=rating_face, fill=text_on(card.color), anchor="lm"
    )
    site_face = font(REGULAR, 28)
    pen.text((right, pill_top + 40), nfc["site"], font=site_face, fill=MUTED, anchor="rm")
    return image


def png(card: Card) -> bytes:
    out = io.BytesIO()
    # compress_level 6 is Pillow's default for PNG; optimize would cost tens of milliseconds.
    draw(card).save(out, format="PNG", compress_level=6)
    return out.getvalue()
