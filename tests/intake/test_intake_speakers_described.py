"""Speakers given as descriptions, pronouns after a name given without a verb of saying, and
people described, not named: the rule classes of issue 22's second round, in both languages.
No database: speakers are plain Python."""

from intake.speakers import suggest


def speakers_of(*paragraphs: list[str]) -> list:
    return [s and s.name for s in suggest(list(paragraphs), [])]


def test_a_description_that_says_is_the_one_person_introduced_with_that_job():
    assert speakers_of(
        ["But director Ava DuVernay persuaded her to take the part."],
        ["“We shot it in 32 days,” the director said."],
    ) == [None, "Ava DuVernay"]
    assert speakers_of(
        ["Ca sĩ Hồ Ngọc Hà gây bất ngờ khi tung ảnh mới."],
        ["Đây là lần đầu tiên nữ ca sĩ chia sẻ hình ảnh mang bầu."],
    ) == [None, "Hồ Ngọc Hà"]
    assert (
        speakers_of(
            ["HLV Ronald Koeman vẫn tỏ ra bất an."],
            ["Chia sẻ trước báo giới, HLV trưởng của Barcelona cho biết: “Tôi không biết.”"],
        )[1]
        == "Ronald Koeman"
    )


def test_a_description_two_people_share_is_nobody():
    assert speakers_of(
        ["Director Ava DuVernay and director Ryan Coogler met in Los Angeles."],
        ["“It was a long night,” the director said."],
    ) == [None, None]
    assert speakers_of(
        ["HLV Park Hang Seo và HLV Chung Hae Seong có mặt trên khán đài."],
        ["HLV trưởng cho biết đội sẽ tập luyện vào ngày mai."],
    ) == [None, None]


def test_a_pronoun_is_the_person_named_just_before_it_without_a_verb_of_saying():
    assert (
        speakers_of(
            ["Mới đây, Messi đã lên tiếng xin lỗi."],
            ["Tuy nhiên, HLV Ronald Koeman vẫn tỏ ra bất an."],
            ["Ông thừa nhận mình chưa chắc sống yên ổn ở CLB."],
        )[2]
        == "Ronald Koeman"
    )


def test_a_pronoun_after_someone_described_not_named_is_nobody():
    said = speakers_of(
        ["Lt. David Lelevier said the gunman had not been identified."],
        ["The boyfriend told investigators that two men were in a white car."],
        ["He said the car had driven past him."],
    )
    assert said == ["David Lelevier", None, None]
    said = speakers_of(
        ["Ông Lê Văn Minh cho biết trường có 300 học sinh."],
        ["Một phụ huynh cho biết con bà phải đi bộ 5 km."],
        ["Bà nói thêm rằng đường rất xấu."],
    )
    assert said[1:] == [None, None]


def test_ranks_and_jobs_are_not_part_of_the_name():
    assert speakers_of(
        ["“She said they had been arguing all week,” Investigator Robert Cornett wrote."],
        ["The gunman has not been identified, Lt. David Lelevier said."],
    ) == ["Robert Cornett", "David Lelevier"]


def test_a_workplace_between_the_name_and_its_verb():
    assert speakers_of(["Neil Patel at QuickSprout suggested ten tests."]) == ["Neil Patel"]
    assert speakers_of(
        ["“Chúng tôi đã giải đáp bí ẩn này”, Ryan Carney từ Đại học South cho biết."]
    ) == ["Ryan Carney"]


def test_a_double_surname_is_the_full_name_given_before():
    assert (
        speakers_of(
            ["Phoebe Waller-Bridge accepted the award."],
            ["“It has been a dream,” Waller-Bridge said."],
        )[1]
        == "Phoebe Waller-Bridge"
    )


def test_a_clause_opener_and_a_pronoun_are_not_names():
    assert speakers_of(["Dù Messi khẳng định sẽ ở lại, CLB vẫn bất an."]) == ["Messi"]
    assert speakers_of(["Cô viết: “Thời điểm đặc biệt đã đến.”"]) == [None]


def test_the_closing_line_of_a_quotation_over_lines_is_its_opening_attribution():
    assert speakers_of(
        ["Smith cho biết: “Một lần xịt có thể hạ gục một con kiến bẫy hàm."],
        ["Đây là một kỳ tích đáng chú ý”."],
    ) == ["Smith", "Smith"]
    assert speakers_of(
        ["Jo Grady said: “We need an honest conversation about casualisation."],
        ["The Office for Students should demand figures.”"],
    ) == ["Jo Grady", "Jo Grady"]


def test_a_verb_then_its_subject_then_a_preposition():
    assert speakers_of(["“It was a difficult part,” quipped Brad Pitt of his role."]) == [
        "Brad Pitt"
    ]


def test_he_after_a_spokesperson_for_an_institution_is_nobody():
    said = speakers_of(
        ["Jo Grady, the union's general secretary, said students would be shocked."],
        ["But a spokesperson for the Employers’ Association (UCEA) said contracts had grown."],
        ["“We have worked with the unions for years,” he said."],
    )
    assert said == ["Jo Grady", None, None]


def test_a_pronoun_after_a_person_introduced_by_a_post_and_place():
    said = speakers_of(
        ["“He cries every time he watches the news,” Yohannes said."],
        ["The mayor of Surabaya, Tri Rismaharini, comforted relatives."],
        ["“They are not ours, they belong to God,” she said."],
    )
    assert said == ["Yohannes", None, "Tri Rismaharini"]
    said = speakers_of(
        ["“Chúng tôi đã chuẩn bị kỹ”, ông Lê Văn Minh cho biết."],
        ["Giám đốc của bệnh viện tỉnh, bà Trần Thị Lan, đến thăm các bệnh nhân."],
        ["“Các cháu đều đã qua cơn nguy kịch”, bà nói."],
    )
    assert said[2] == "Trần Thị Lan"


def test_an_institution_named_short_is_the_whole_name_given_before():
    said = speakers_of(
        ["The Pew Research Center published its estimates on Thursday."],
        ["According to Pew Research, 44% of unauthorized immigrants could qualify."],
    )
    assert said[1] == "Pew Research Center"


def test_a_statement_put_out_and_a_pronoun_after_a_participle():
    assert speakers_of(
        ["Amazon released a separate statement saying, “It allows us to grow.”"]
    ) == ["Amazon"]
    said = speakers_of(
        ["“Parasite” director Bong Joon Ho said no-one could predict the Oscars."],
        ["Speaking through an interpreter he added; “The momentum is building.”"],
    )
    assert said == ["Bong Joon Ho", "Bong Joon Ho"]


def test_a_name_calling_something_by_a_quoted_word_says_it():
    said = speakers_of(
        ["American Airlines' Kent Powell reported three cancellations."],
        ["At US Airways, Todd Lehmacher called the impact “pretty minimal, at this point”."],
        ["“The real story is people are getting to their destinations,” he said."],
    )
    assert said[1:] == ["Todd Lehmacher", "Todd Lehmacher"]
    # "called" without a quotation is not saying: "called the police"
    assert speakers_of(["Todd Lehmacher called the police at 9 p.m."]) == [None]
