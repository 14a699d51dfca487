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


def value(sentence: str) -> float:
    return scoring.score(sentence).value


def test_a_persons_own_story_with_a_small_number_ranks_below_a_statistic():
    story = value("But she sent me the link to a story when she turned 100, and it said so.")
    statistic = value("The agency said 100,000 people were displaced, up 12% on last year.")
    assert "anecdote" in " ".join(scoring.score("I was 12, 13 when I first saw him.").reasons)
    assert story < statistic
    vi_story = scoring.score("Tôi học ở phố 2 tháng thì phải về quê vì nhà hết tiền.")
    vi_statistic = scoring.score("Chúng tôi cắt giảm 40% nhân sự trong năm 2020.")
    assert any(r.startswith("anecdote") for r in vi_story.reasons)
    assert not any(r.startswith("anecdote") for r in vi_statistic.reasons)
    # a point in the past is not a story's span: "20 năm trước", "10 years ago"
    assert not any(
        r.startswith("anecdote")
        for r in scoring.score("Chúng tôi nhớ, 20 năm trước ngành giáo dục cũng đổi mới.").reasons
    )
    # the magazine "Us" is not the first person
    assert not any(
        r.startswith("anecdote")
        for r in scoring.score("The two sat down with Us to talk about the 2 films.").reasons
    )


def test_a_view_or_a_feeling_is_not_a_fact_because_a_number_comes_with_it():
    for sentence in (
        "Tôi thấy trong 4 tuần qua, Messi đã cháy hết mình vì bóng đá.",
        "Các thầy cô rất thương cảm, xót xa hoàn cảnh của 2 em.",
        "I think the 3 of them will be fine.",
        "When I look in the mirror I'm angry, said Rene, 37.",
    ):
        assert any(r.startswith("opinion") for r in scoring.score(sentence).reasons), sentence
    assert value("Các thầy cô rất thương cảm hoàn cảnh của 2 em.") < value(
        "Trường có 2 em học sinh bỏ học trong năm 2020, theo Phòng Giáo dục."
    )


def test_a_sentence_wholly_in_brackets_is_an_aside():
    for sentence in (
        "(Hey, we wrote about that too.)",
        "(Additional reporting by Wilda Asmarini in Jakarta; Editing by Nick Macfie)",
        "(Theo báo Giáo dục thời đại, số ra ngày 12/10).",
    ):
        assert scoring.score(sentence).value < 0.05, sentence
    # brackets inside a sentence are not an aside
    assert value("(He) went on to say that 12 people had been arrested in 2014, police said.") > 0.5
