"""Repeats found in any phrasing (issue 22): a comparison turned round, numbers in words or
digits, the other language of a bilingual claim; and no suggestion for a text that shares only
function words with a claim. Both databases: pg_trgm on PostgreSQL, its scores in Python on
SQLite."""

import pytest

from intake.matching import match_claims
from intake.matchtext import folded_words

pytestmark = pytest.mark.both_databases

LAGS = "China lags the US by 2–3 years."
LAGS_VI = "Trung Quốc chậm hơn Mỹ từ 2-3 năm."
EXPORTS = "Xuất khẩu gạo của Việt Nam tăng gấp đôi trong năm 2024."


@pytest.fixture
def claims(make_claim):
    return {
        "lags": make_claim("published", text=LAGS_VI, translation=LAGS),
        "exports": make_claim(
            "published", text=EXPORTS, translation="Vietnam's rice exports doubled in 2024."
        ),
        "other": make_claim(
            "published",
            text="Các doanh nghiệp của thành phố là những đơn vị được hỗ trợ trong năm nay.",
            translation="",
        ),
    }


@pytest.mark.parametrize(
    "text",
    [
        "The US is two to three years ahead of China in AI.",
        "The United States is two to three years ahead of China.",
        "China is two or three years behind America.",
        "Trung Quốc tụt hậu so với Mỹ khoảng hai, ba năm.",
    ],
)
def test_a_comparison_turned_round_or_in_words_finds_the_claim(claims, text):
    found = match_claims(text)
    assert found and found[0].claim_id == claims["lags"].pk


def test_the_english_of_a_vietnamese_claim_finds_it(claims):
    found = match_claims("Vietnam's rice exports doubled in 2024.")
    assert found and found[0].claim_id == claims["exports"].pk


def test_a_text_sharing_only_function_words_is_not_suggested(claims):
    assert (
        match_claims("Các cầu thủ của đội tuyển là những người được yêu mến trong năm nay.") == []
    )
    assert match_claims("The price of the house is the talk of the town in the summer.") == []


def test_numbers_read_the_same_in_words_and_digits():
    assert folded_words("two to three years") == folded_words("2-3 years")
    assert folded_words("tăng gấp đôi") == folded_words("tăng gấp 2")


@pytest.fixture
def topical(make_claim):
    return {
        "school": make_claim(
            "published",
            text="Học sinh được học thời lượng nhiều hơn trong khi lượng kiến thức giảm.",
            translation="",
        ),
        "models": make_claim(
            "published",
            text="Việc có hàng trăm mô hình AI cơ bản ở Trung Quốc là sự lãng phí tài nguyên.",
            translation="Hundreds of foundation AI models in China are a waste of resources.",
        ),
    }


@pytest.mark.parametrize(
    "text",
    [
        "Việc các em học sinh được nghỉ học là do thời tiết trong tuần này.",
        "Trung Quốc phóng thành công tàu vũ trụ mới lên trạm không gian.",
        "China launched a new spacecraft to its space station.",
    ],
)
def test_a_text_sharing_one_topic_with_a_claim_is_not_suggested(topical, text):
    # Trigrams alone scored the first 0.42 against the school claim (threshold 0.3): the two
    # share "học sinh", "học", not what they say.
    assert match_claims(text) == []


def test_a_claim_said_inside_a_longer_sentence_is_still_found(topical):
    found = match_claims(
        "Theo chuyên gia, việc có hàng trăm mô hình AI cơ bản ở Trung Quốc là sự lãng phí "
        "tài nguyên tính toán, và các công ty nên hợp nhất."
    )
    assert found and found[0].claim_id == topical["models"].pk
