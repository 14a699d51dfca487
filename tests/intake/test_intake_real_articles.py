"""What issue 22 found on real articles: check-worthiness that tells a checkable statement from
an opinion, boilerplate out of the top 10, Vietnamese names whole, and the right speaker for
each quote. No database: scoring and speakers are plain Python."""

import json
from pathlib import Path

import pytest

from intake import scoring
from intake.sentences import split
from intake.speakers import KnownSpeaker, suggest

ARTICLES = Path(__file__).resolve().parents[2] / "bench" / "data" / "intake" / "articles"
HELD_OUT = ARTICLES.parent / "heldout"  # labelled before the second round's rules


def speakers_of(*paragraphs: list[str], known: list[KnownSpeaker] | None = None) -> list:
    return [s and s.name for s in suggest(list(paragraphs), known or [])]


def value(sentence: str) -> float:
    return scoring.score(sentence).value


@pytest.mark.parametrize(
    "sentence, in_digits, reason",
    [
        (
            "Giá điện không đổi suốt chục năm qua, theo EVN.",
            "Giá điện không đổi suốt 10 năm qua, theo EVN.",
            "quantity_word: chục",
        ),
        (
            "Hàng trăm doanh nghiệp đã rút khỏi thị trường trong quý.",
            "300 doanh nghiệp đã rút khỏi thị trường trong quý.",
            "quantity_word: hàng trăm",
        ),
        (
            "Số ca mắc mới tăng gấp đôi so với tuần trước.",
            "Số ca mắc mới tăng 2 lần so với tuần trước.",
            "quantity_word: gấp đôi",
        ),
        (
            "Một nửa số hộ dân chưa được nhận hỗ trợ.",
            "50% số hộ dân chưa được nhận hỗ trợ.",
            "quantity_word: một nửa",
        ),
        (
            "Sản lượng lúa tăng gấp ba trong thập kỷ qua.",
            "Sản lượng lúa tăng 3 lần trong 10 năm qua.",
            "quantity_word: gấp ba",
        ),
        (
            "The US is two to three years ahead of China in AI.",
            "The US is 2 to 3 years ahead of China in AI.",
            "quantity_word: two",
        ),
    ],
)
def test_quantities_in_words_count_as_they_do_in_digits(sentence, in_digits, reason):
    assert reason in scoring.score(sentence).reasons
    assert value(sentence) >= min(value(in_digits), scoring.THRESHOLD) - 0.05


def test_a_cause_counts():
    # The learned weights (intake/checkworthy.json) keep a cause on the side of checkable, but
    # a bare "fell because of" is not enough to be suggested: on the labelled articles such
    # sentences are check-worthy less often than not.
    assert "causal: because of" in scoring.score("Exports fell because of the strike.").reasons
    cause = value("Exports fell because of the strike at the port.")
    assert cause >= value("Exports fell during the strike at the port.") + 0.03
    assert value("Exports fell 12% because of the strike at the port.") >= scoring.THRESHOLD


def test_rates_and_symptoms_are_not_quantities():
    reasons = scoring.score("Tỷ lệ mắc bệnh và triệu chứng nhẹ đang được theo dõi.").reasons
    assert not any(r.startswith("quantity_word") for r in reasons)


@pytest.mark.parametrize(
    "sentence",
    [
        "“I still have more time to change my mind,” she said.",
        "“We just have a different way of looking at things,” Holtz said.",
        "“I love him, but he was a player, I was a coach,” Holtz said.",
        "“Em chỉ còn mẹ, ngoại và em gái là người thân thôi”, Lan ngậm ngùi chia sẻ.",
        "“Chúng tôi cũng cầu mong phép màu sẽ đến với em”, cô Quyên tâm sự.",
        "My best guess is that the euro zone will continue to muddle through.",
    ],
)
def test_feelings_opinions_and_vox_pops_are_not_suggested(sentence):
    assert value(sentence) < scoring.THRESHOLD


def test_a_quote_with_a_figure_outranks_a_quote_with_a_feeling():
    figure = "“We cut 40% of our staff, then 80%,” she said."
    feeling = "“When I look in the mirror I'm angry,” Rene said."
    assert value(figure) > value(feeling) + 0.3
    assert value(feeling) < scoring.THRESHOLD
    assert value("The company cut 40% of its staff, then 80%, she said.") > scoring.THRESHOLD


@pytest.mark.parametrize(
    "line",
    [
        "Copyright © 2024 Example News. All rights reserved.",
        "Follow Lucia I. Suarez on Twitter @luciasuarezsang",
        "Correspondent Joanne Anderson may be reached at joandy42@example.com.",
        "(Reporting by Andy Bruce in London; Editing by Joyjeet Das)",
        "For more information on the 2015 sessions, log on to www.fgsconference.org.",
        "People pose with laptops in this picture illustration taken in Zenica October 29, 2014.",
        "TS Thái Văn Tài, Vụ trưởng Vụ Giáo dục tiểu học (Bộ GD&ĐT).",
        "(Ảnh: Giáo dục thời đại).",
        "Hãy chia sẻ cảm nghĩ của mình ở phần bình luận bên dưới!",
        "Russia's Problems Are A Huge Warning Sign About Emerging Markets (Morningstar)",
    ],
)
def test_boilerplate_scores_below_any_checkable_sentence(line):
    assert value(line) < 0.1


def test_vietnamese_names_are_whole_and_titles_are_not_names():
    reasons = scoring.score(
        "Thủ tướng Phạm Minh Chính và Chủ tịch Quốc hội Vương Đình Huệ làm việc với Phó "
        "Chủ tịch UBND TP Hải Phòng Nguyễn Văn Tùng ngày 5/3."
    ).reasons
    [named] = [r for r in reasons if r.startswith("named_entity")]
    assert "Phạm Minh Chính" in named
    assert not any(part.strip() in {"Chính", "Phó", "Thủ", "Chủ"} for part in named[14:].split(","))


def test_a_quote_is_its_own_attributions_not_the_last_persons():
    assert speakers_of(
        [
            "Nancy Pelosi said on Monday that the House would vote.",
            "“We will win so much, you will get tired of winning,” Trump declared.",
        ]
    ) == ["Nancy Pelosi", "Trump"]


def test_she_is_the_last_woman_named_not_the_last_man():
    assert speakers_of(
        ["Ms. Meghan Markle said she had asked for help."],
        ["Prince Harry said the family had cut him off in 2020."],
        ["“I just didn't want to be alive anymore,” she told Winfrey."],
    ) == ["Meghan Markle", "Harry", "Meghan Markle"]


def test_no_speaker_rather_than_one_of_the_wrong_sex():
    assert speakers_of(
        ["Prince Harry said the family had cut him off in 2020."],
        ["“It was unsurvivable,” she told Winfrey."],
    ) == ["Harry", None]


@pytest.mark.parametrize(
    "sentence, speaker",
    [
        ("Andrew Walsh told him: “The shark came from underneath.”", "Andrew Walsh"),
        ("Kevin Swanson recalled that the water was 15 degrees.", "Kevin Swanson"),
        ("Pentagon spokesman Mark Wright said the ship would arrive on Tuesday.", "Mark Wright"),
        (
            "Foreign Minister Retno Marsudi said, “Indonesia will not host any base.”",
            "Retno Marsudi",
        ),
        ("The biggest reason advisors get fired, writes Beyer, is communication.", "Beyer"),
        ("“We stand ready to assist,” Pentagon spokesman Mark Wright said.", "Mark Wright"),
        (
            "Ngoại trưởng Indonesia, bà Retno Marsudi cho biết: “Indonesia sẽ không nhường".strip()
            + " lãnh thổ”.",
            "Retno Marsudi",
        ),
        ("Ông Lê Duy Minh, Cục trưởng Cục Thuế TPHCM cho biết số thu giảm 16%.", "Lê Duy Minh"),
        (
            "Chủ tịch Ủy ban Tình báo Hạ viện Mỹ Adam Schiff thừa nhận năng lực đã suy yếu.",
            "Adam Schiff",
        ),
        ("“Điều đó chỉ cho thấy FDA đang rất thận trọng”, một nguồn tin cho biết.", None),
        ("Quan chức Mỹ nói rằng một số khuyến nghị mất tới một thập niên.", None),
    ],
)
def test_the_attribution_that_owns_the_sentence_names_its_speaker(sentence, speaker):
    assert speakers_of([sentence]) == [speaker]


def test_a_pronoun_after_a_quote_is_the_person_named_before():
    assert speakers_of(
        ["Bà Nguyễn Hoài Thu, đại diện một doanh nghiệp du lịch, chia sẻ về khó khăn."],
        ["“Chúng tôi cắt giảm 40% nhân sự, sau đó là 80% nhân sự”, bà nói."],
        ["“Tourism was hit hardest,” she added."],
    ) == ["Nguyễn Hoài Thu", "Nguyễn Hoài Thu", "Nguyễn Hoài Thu"]


def test_a_short_name_is_the_full_name_given_before():
    assert speakers_of(
        ["Bà Nguyễn Thị Việt Nga, đại biểu Quốc hội, phát biểu tại phiên họp."],
        ["“Giá điện đã tăng 3 lần trong 2 năm”, bà Nga nói."],
        ["Lou Holtz is a Notre Dame coaching legend."],
        ["“I lost two ‘Final Verdicts’,” Holtz said."],
    ) == ["Nguyễn Thị Việt Nga", "Nguyễn Thị Việt Nga", None, "Lou Holtz"]


def test_a_short_name_resolves_to_a_known_speaker_by_the_full_name():
    known = [KnownSpeaker(1, "Nguyễn Thị Việt Nga"), KnownSpeaker(2, "Nguyễn Văn Nga")]
    [first, second] = suggest(
        [["Bà Nguyễn Thị Việt Nga phát biểu sáng nay."], ["“Giá điện tăng 3 lần”, bà Nga nói."]],
        known,
    )
    assert second is not None and second.speaker_id == 1


def test_a_quotation_over_several_sentences_is_its_attributions_before_or_after():
    assert speakers_of(
        [
            "“Dịch bệnh đã khiến rất nhiều ngành nghề bị ảnh hưởng.",
            "Ngành du lịch là ảnh hưởng rõ rệt nhất”, ông Lê Duy Minh nói.",
        ],
        [
            "“Theo tôi, cần tập trung củng cố Hội đồng trường.",
            "Nên chăng chúng ta mở rộng đến 65 tuổi?”",
        ],
        ["- ông Nguyễn Minh Hiển nêu quan điểm."],
    ) == ["Lê Duy Minh", "Lê Duy Minh", "Nguyễn Minh Hiển", "Nguyễn Minh Hiển", "Nguyễn Minh Hiển"]


@pytest.mark.parametrize("folder, at_least, vietnamese", [(ARTICLES, 30, 10), (HELD_OUT, 10, 4)])
def test_every_labelled_sentence_is_in_its_article(folder, at_least, vietnamese):
    labels = sorted(folder.glob("*.json"))
    assert len(labels) >= at_least
    assert sum(1 for p in labels if p.name.startswith("vi-")) >= vietnamese
    for path in labels:
        label = json.loads(path.read_text())
        text = " ".join((folder / label["article"]).read_text().split())
        held = [s.text for s in split((folder / label["article"]).read_text())]
        assert held and label["origin"]["licence"]
        for sentence in label["checkworthy"] + label["boilerplate"]:
            assert " ".join(sentence.split()) in text, (path.name, sentence)
        for quote in label["quotes"]:
            assert " ".join(quote["sentence"].split()) in text, (path.name, quote)


def test_a_post_named_again_is_the_person_who_holds_it():
    assert speakers_of(
        ["Ngoại trưởng Indonesia, bà Retno Marsudi cho biết Indonesia sẽ không nhường lãnh thổ."],
        ["Ngoại trưởng Indonesia tuyên bố: “Indonesia không cung cấp quần đảo Natuna”."],
    ) == ["Retno Marsudi", "Retno Marsudi"]


def test_a_quotation_closed_by_a_pronoun_is_the_person_named_before():
    assert speakers_of(
        ["Trả lời Washington Post ngày 29/9, ông Albert Bourla phủ nhận chuyện đó."],
        [
            "“Với tôi, ngày bầu cử là một ngày giả định.",
            "Đây là cách chúng tôi vận hành”, ông nói.",
        ],
    ) == ["Albert Bourla", "Albert Bourla", "Albert Bourla"]


def test_a_forecast_ranks_below_the_same_statement_made_of_the_past():
    future = "“Ngày 25/11 là thời điểm chúng tôi sẽ có đủ dữ liệu an toàn”, ông Bancel nói."
    past = "“Ngày 25/11 là thời điểm chúng tôi đã có đủ dữ liệu an toàn”, ông Bancel nói."
    assert value(future) < value(past)
    assert value("Exports will double by 2030.") < value("Exports doubled in 2020.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Trẻ học chương trình lớp 1 mới từ tháng này.",
        "Correction: This posting has been updated with a revised total of 3.9 million.",
    ],
)
def test_forecasts_grades_and_correction_notes_are_not_suggested(sentence):
    assert value(sentence) < scoring.THRESHOLD


@pytest.mark.parametrize(
    "sentence, speaker",
    [
        (
            "Theo Cục Quản lý Đăng ký kinh doanh, 3.269 doanh nghiệp tạm ngừng kinh doanh.",
            "Cục Quản lý Đăng ký kinh doanh",
        ),
        (
            "Theo UBND huyện Phước Sơn, đường vào xã có hàng chục điểm sạt lở.",
            "UBND huyện Phước Sơn",
        ),
        (
            "Bộ Ngoại giao Mỹ trong tháng này cho biết đã thu hồi hơn 1.000 thị thực.",
            "Bộ Ngoại giao Mỹ",
        ),
    ],
)
def test_a_vietnamese_body_is_named_whole(sentence, speaker):
    assert speakers_of([sentence]) == [speaker]


def test_a_quotation_over_several_lines_is_the_speaker_who_closes_it():
    assert speakers_of(
        ["Trả lời Washington Post, ông Albert Bourla phủ nhận chuyện đó."],
        ["“Với tôi, ngày bầu cử là một ngày giả định."],
        ["Cuối tháng 10 cũng là ngày giả định."],
        ["Nếu có thể đưa nó ra sớm hơn, chúng tôi sẽ làm”, ông nói."],
        ["Em Hồ Thị Sơ lớp 11/2 cũng nhận được tin dữ."],
        ["“Em rất muốn về làng để tìm mẹ.", "Mẹ là người thương em nhiều nhất” – Sơ cúi mặt nói."],
    ) == ["Albert Bourla"] * 4 + [None, "Hồ Thị Sơ", "Hồ Thị Sơ"]


@pytest.mark.parametrize(
    "sentence, speaker",
    [
        (
            "Immigrants from Mexico account for two-thirds of those eligible, according to a new "
            "Pew Research Center analysis.",
            "Pew Research Center",
        ),
        (
            "The National Highway Traffic Safety Administration said that 416 motorists died.",
            "National Highway Traffic Safety Administration",
        ),
    ],
)
def test_a_source_is_named_whole_with_its_study(sentence, speaker):
    assert speakers_of([sentence]) == [speaker]


def test_english_sentences_are_not_captions_and_would_is_not_a_forecast():
    for sentence in [
        "Set in New York City in 1981, the 35-year-old actor plays Abel Morales.",
        "But through June 30, 2014, only about 712,000 applied.",
    ]:
        assert not any(r.startswith("caption") for r in scoring.score(sentence).reasons)
    reasons = scoring.score("The program would allow an additional 330,000 people.").reasons
    assert not any(r.startswith("future") for r in reasons)
