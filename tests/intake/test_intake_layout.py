"""Boilerplate told by the structure of an extracted page, in both languages: a box of other
articles' headlines under a heading of its own, and a photo caption above its credit line,
however much they read like news. No database: scoring and extraction are plain Python."""

from intake import scoring
from intake.extraction import candidates


def top(text: str, n: int = 10) -> list[str]:
    return [c.text for c in candidates(text, known=[])[:n]]


ARTICLE_EN = (
    "The central bank raised its rate by 0.5 percentage points to 4.25% on Tuesday.\n"
    "Inflation rose to 6.1% in October, the highest level since 2011, official figures show.\n"
)


def test_a_box_of_other_headlines_is_boilerplate_to_its_end():
    text = (
        ARTICLE_EN + "- Share this\n"
        "Trending On Reuters\n"
        "Banking\n"
        "India needs reforms in banking sector, more autonomy for state banks: Jaitley\n"
        'India needs to "conceive" several reforms in the banking sector, Finance Minister '
        "Arun Jaitley told reporters on the sidelines of a two-day banking retreat. Full Article\n"
    )
    ranked = candidates(text, known=[])
    jaitley = next(c for c in ranked if "two-day banking retreat" in c.text)
    assert any(r.startswith("layout: box: Trending On Reuters") for r in jaitley.reasons)
    assert jaitley.score < 0.1
    assert all("Jaitley" not in t for t in top(text, 2))


def test_a_vietnamese_box_of_related_articles():
    text = (
        "Giá xăng tăng 1.200 đồng mỗi lít từ 15h chiều nay, theo Bộ Công Thương.\n"
        "Tin liên quan\n"
        "Giá dầu thế giới tăng 5% trong tuần qua, cao nhất 3 năm\n"
        "Xuất khẩu gạo đạt 3 tỷ USD trong 9 tháng\n"
    )
    places = scoring.layout(text.splitlines())
    assert places[0] is None
    assert all(p and p.startswith("box: Tin liên quan") for p in places[1:])


def test_a_box_ends_at_a_line_of_the_article_own():
    lines = [
        "Related coverage",
        "- Fed holds rates",
        "The bank said it would publish its next forecast in March, with 12 members voting.",
    ]
    assert scoring.layout(lines) == ["box: Related coverage", "box: Related coverage", None]


def test_a_caption_above_a_credit_line_is_boilerplate_however_newsy():
    text = (
        "PERRIS: Woman ordered hit on father of her child, police say\n"
        "Judy Avalos, 20, was charged with conspiracy to commit murder after a shooting.\n"
        "RIVERSIDE COUNTY SHERIFF'S DEPT./CONTRIBUTED IMAGE\n"
        "After a man was shot four times in an exchange of gunfire, police at first thought "
        "it might have been a drug deal.\n"
    )
    ranked = {c.text: c for c in candidates(text, known=[])}
    caption = ranked[
        "Judy Avalos, 20, was charged with conspiracy to commit murder after a shooting."
    ]
    assert "layout: caption: above a photo credit" in caption.reasons
    assert caption.score < 0.1
    assert top(text, 1)[0].startswith("After a man was shot four times")


def test_a_sentence_above_an_ordinary_line_is_not_a_caption():
    lines = [
        "Judy Avalos, 20, was charged with conspiracy to commit murder after a shooting.",
        "Police said the man survived.",
    ]
    assert scoring.layout(lines) == [None, None]
    assert scoring.layout(["A caption.", "Photo: AP", "Ảnh: Minh Tú"])[:2] == [
        "caption: above a photo credit",
        "credit line",
    ]
