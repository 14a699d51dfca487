"""Sentences, check-worthiness reasons and speaker suggestions on tricky and seed text."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demo.data import SPEAKERS
from intake import scoring
from intake.extraction import extract
from intake.sentences import split
from intake.speakers import KnownSpeaker, suggest

SEED = (Path(__file__).resolve().parents[2] / "demo" / "article-vi.txt").read_text()


def texts(text: str) -> list[str]:
    return [s.text for s in split(text)]


def test_it_keeps_abbreviations_decimals_and_ranges_whole():
    assert texts("The U.S. economy grew 3.5% in 2023. Mr. Smith agreed.") == [
        "The U.S. economy grew 3.5% in 2023.",
        "Mr. Smith agreed.",
    ]
    assert texts("01.AI chậm hơn 2-3 năm. TP. HCM tăng 3,5%.") == [
        "01.AI chậm hơn 2-3 năm.",
        "TP. HCM tăng 3,5%.",
    ]


def test_a_quotation_of_several_sentences_stays_one_candidate():
    assert texts("Ông nói: “Tăng 3.5%. Rất tốt.” Sau đó ông rời đi.") == [
        "Ông nói: “Tăng 3.5%. Rất tốt.”",
        "Sau đó ông rời đi.",
    ]
    assert texts('He said "It is big. Very big." Then he left.') == [
        'He said "It is big. Very big."',
        "Then he left.",
    ]


def test_a_quotation_left_open_at_the_end_of_its_paragraph_does_not_swallow_it():
    # News style: a quotation running on into the next paragraph leaves its “ unclosed.
    assert texts(
        "Ông Lee nói: “Trung Quốc chậm hơn 2-3 năm. Có hơn 200 mô hình. Họ sẽ bắt kịp."
    ) == [
        "Ông Lee nói: “Trung Quốc chậm hơn 2-3 năm.",
        "Có hơn 200 mô hình.",
        "Họ sẽ bắt kịp.",
    ]
    assert texts('A stray (bracket. The U.S. leads by 3.5%. And "an odd quote. It ends.') == [
        "A stray (bracket.",
        "The U.S. leads by 3.5%.",
        'And "an odd quote.',
        "It ends.",
    ]


def test_an_apostrophe_is_not_a_closing_mark():
    assert texts("‘China’s models are behind. We will catch up,’ he said. Then he left.") == [
        "‘China’s models are behind. We will catch up,’ he said.",
        "Then he left.",
    ]


def test_a_line_break_always_ends_a_sentence():
    assert texts("Heading without a stop\nBody text, 12 tons.") == [
        "Heading without a stop",
        "Body text, 12 tons.",
    ]


@given(st.text(alphabet=st.sampled_from(list('aăĐ đU.S 3,5%“”"‘’?!…\n-01AI')), max_size=200))
def test_every_sentence_is_verbatim_text_of_the_article(text):
    for sentence in split(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text


def test_every_seed_candidate_is_verbatim(db):
    for candidate in extract(SEED, known=[]):
        assert SEED[candidate.start : candidate.end] == candidate.text


@pytest.mark.parametrize(
    "sentence, reason",
    [
        ("Bà cũng ước tính Trung Quốc chậm hơn Mỹ từ 2-3 năm.", "comparison: chậm hơn"),
        ("Khoảng 50% khoản đầu tư vào AI đã đổ vào thị giác máy tính.", "percentage: 50%"),
        ("Startup này đã được định giá 1 tỷ USD sau 8 tháng.", "money: 1 tỷ"),
        ("Inflation cost families $1,200 a year, the senator said.", "money: $1,200"),
        ("Giá xăng tăng lên 23.500₫ mỗi lít từ hôm nay.", "money: 23.500₫"),
        ("The company said exports rose to 900 tons in 2023.", "quantity: 900 tons"),
        ("China is the largest market, according to the report.", "superlative: largest"),
        ("Is this the end of cheap AI?", "question: ?"),
        ("- 13-10-2024Trung Quốc công bố gói kích thích kinh tế mới", "link_list: list line"),
        ("Theo: The New York Times, SCMP", "credit: Theo:"),
    ],
)
def test_scoring_names_what_fired(sentence, reason):
    assert reason in scoring.score(sentence).reasons


def test_checkable_statements_outrank_questions_headings_and_credits():
    checkable = scoring.score("Trung Quốc có hơn 200 mô hình ngôn ngữ lớn, ông Lee cho biết.")
    for other in ["Trung Quốc có hơn 200 mô hình?", "Theo: SCMP", "Nhịp sống Thị trường"]:
        assert scoring.score(other).value < scoring.THRESHOLD <= checkable.value


def test_number_inside_a_name_is_not_a_number():
    assert not any(r.startswith("number") for r in scoring.score("01.AI và Yi-34B ra mắt.").reasons)


def test_speakers_of_the_seeds_attributed_quotes(db):
    known = [KnownSpeaker(i, s["name"], s.get("role", "")) for i, s in enumerate(SPEAKERS.values())]
    by_text = {c.text: c.speaker for c in extract(SEED, known=known)}

    def speaker_of(start: str) -> str | None:
        [speaker] = [s for text, s in by_text.items() if text.startswith(start)]
        return speaker

    assert speaker_of("Bà cũng ước tính") == "Jenny Xiao"  # continues her attribution
    assert speaker_of("Chris Nicholson, nhà đầu tư") == "Chris Nicholson"
    assert speaker_of("Oren Etzioni, giáo sư") == "Oren Etzioni"
    assert speaker_of("Kevin Xu, người sáng lập") == "Kevin Xu"
    assert speaker_of("Xu Li, CEO") == "Xu Li"
    assert speaker_of("“LLaMA đã trở thành") == "Kai-Fu Lee"
    assert speaker_of("Trong một tuyên bố gửi qua email, ông Lee") == "Kai-Fu Lee"
    # "ông Li" is Robin Li, named last before it, not Xu Li who is named later.
    assert speaker_of("“Nên phân bổ") == "Robin Li"
    assert speaker_of("“Chúng tôi đã tiến lên") == "Wang Changhu"
    assert speaker_of("“Cuộc đua giành quyền") == "Alain Le Couedic"
    assert speaker_of("Khoảng 50% khoản đầu tư") == "Yiran Chen"
    assert speaker_of("Cả Baidu và 01.AI") == "Baidu"
    assert speaker_of("Theo: The New York Times") is None


def test_an_unknown_attributed_name_is_suggested_as_a_new_speaker(db):
    [candidate] = extract("Nguyen Van An, chuyên gia kinh tế, cho biết GDP tăng 7%.", known=[])
    assert candidate.speaker == "Nguyen Van An" and candidate.speaker_id is None


def test_people_in_general_and_dates_are_not_suggested_as_speakers():
    sentences = [
        "Prices rose 3%, said Nguyen Van An, an economist.",
        "It will grow 4% next year.",
        "Officials said exports rose 40% to 900 tons in 2023.",
        "The rise will continue, analysts estimated.",
        "The minister said Tuesday that prices would fall 5%.",
        "Kevin Xu told Reuters that China has 200 models.",
        "Chuyên gia cho biết tăng trưởng đạt 7%.",
    ]
    suggested = [s and s.name for s in suggest([sentences], [])]
    assert suggested == ["Nguyen Van An", "Nguyen Van An", None, None, None, "Kevin Xu", None]


def test_an_attribution_to_someone_unnamed_ends_the_last_speakers_run():
    paragraph = [
        "Nguyen Van An, an economist, said exports rose 12% in 2024.",
        "Experts say the figure is too high.",
        "Imports fell 3% in the same year.",
    ]
    assert [s and s.name for s in suggest([paragraph], [])] == ["Nguyen Van An", None, None]


@pytest.mark.parametrize(
    "sentence, speaker",
    [
        ("Thủ tướng Phạm Minh Chính cho biết GDP năm 2024 tăng 7%.", "Phạm Minh Chính"),
        ("Theo Bộ trưởng Nguyễn Chí Dũng, vốn FDI đạt 20 tỷ USD.", "Nguyễn Chí Dũng"),
        ("“Kinh tế sẽ phục hồi”, Phó Thủ tướng Lê Minh Khái khẳng định.", "Lê Minh Khái"),
        ("Sen. John Smith, R-Texas, said inflation cost families $1,200.", "John Smith"),
        ("President Joe Biden said the economy added 150,000 jobs.", "Joe Biden"),
        ("The Bank of England said Thursday that growth would slow to 0.5%.", "Bank of England"),
        ("Jobs rose 2%, the Labor Department said Friday.", "Labor Department"),
        ("“Hiring has cooled,” said Dr. Jane Doe, an economist.", "Jane Doe"),
    ],
)
def test_titles_stay_out_of_the_name_and_institutions_are_named_whole(sentence, speaker):
    [suggestion] = suggest([[sentence]], [])
    assert suggestion is not None and suggestion.name == speaker
