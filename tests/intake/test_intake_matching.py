"""Repeats: accent- and case-insensitive, across languages, and never leaking unpublished claims.
Runs on both databases: pg_trgm on PostgreSQL, its scores in Python (intake.trigrams) on SQLite."""

import pytest
from rest_framework.test import APIClient

from intake.matching import match_claims

pytestmark = pytest.mark.both_databases  # intake.matching ranks by pg_trgm or in Python

LAG = "Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI."
LAG_EN = "China is 2 to 3 years behind the United States in developing AI."
OTHER = "Baidu và 01.AI đã dự trữ đủ chip để duy trì hoạt động trong tương lai gần."


@pytest.fixture
def claims(make_claim):
    published = make_claim("published", text=LAG, translation=LAG_EN)
    unpublished = make_claim("new", text=OTHER, translation="Baidu stockpiled chips.")
    return published, unpublished


def test_a_diacritic_free_lower_case_query_finds_the_claim(claims):
    published, _ = claims
    [best, *_] = match_claims("trung quoc cham hon my tu 2-3 nam trong viec phat trien ai")
    assert best.claim_id == published.pk and best.score >= 0.5


def test_an_english_sentence_finds_a_vietnamese_claim_through_its_translation(claims):
    published, _ = claims
    found = match_claims("China is two to three years behind the US in developing AI.")
    assert found and found[0].claim_id == published.pk


def test_unrelated_text_matches_nothing(claims):
    assert match_claims("Giá lúa gạo xuất khẩu tháng này ổn định ở miền Tây.") == []


def test_anonymous_matches_never_include_an_unpublished_claim(claims, reporter):
    _, unpublished = claims
    response = APIClient().get("/api/v1/claims/match/", {"text": OTHER})
    assert response.status_code == 200
    assert unpublished.pk not in [r["claim"] for r in response.json()["results"]]
    # The newsroom sees it.
    client = APIClient()
    client.force_authenticate(reporter)
    response = client.get("/api/v1/claims/match/", {"text": OTHER})
    assert unpublished.pk == response.json()["results"][0]["claim"]


def test_the_match_api_ranks_with_scores_and_refuses_an_empty_text(claims):
    published, _ = claims
    results = APIClient().get("/api/v1/claims/match/", {"text": LAG}).json()["results"]
    assert results[0] == {
        "claim": published.pk,
        "score": results[0]["score"],
        "text": LAG,
        "status": "published",
    }
    assert results[0]["score"] > 0.9
    assert APIClient().get("/api/v1/claims/match/", {"text": "  "}).status_code == 400
    assert APIClient().get("/api/v1/claims/match/", {"text": "x" * 2000}).status_code == 400


def test_the_match_api_costs_a_fixed_number_of_queries(claims, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        APIClient().get("/api/v1/claims/match/", {"text": LAG})


def test_the_match_api_reads_the_same_few_queries_with_many_claims(
    claims, make_claim, django_assert_max_num_queries
):
    from intake import matchtext

    for i in range(30):
        make_claim("published", text=f"Xuất khẩu gạo năm {2000 + i} tăng {i}%.")
    matchtext.forget_stats()  # the worst case: pg_stats is read again too
    with django_assert_max_num_queries(3):
        results = APIClient().get("/api/v1/claims/match/", {"text": LAG}).json()["results"]
    assert results[0]["claim"] == claims[0].pk


def test_the_folded_text_follows_edits_of_the_claim(reporter, editor):
    from claims import edits
    from intake.models import MatchText

    claim = edits.claim_create(by=reporter, text="Đà Nẵng có 1,2 triệu dân.", language="vi")
    # Function words ("có", "ở", "in") are left out of what matching compares.
    assert MatchText.objects.get(claim=claim).text == "da nang 1 2 trieu dan"
    assert [m.claim_id for m in match_claims("da nang co 1,2 trieu dan", newsroom=True)] == [
        claim.pk
    ]

    edits.claim_update(
        claim=claim,
        by=reporter,
        text="Giá vàng hôm nay tăng mạnh ở châu Á.",
        translation="Gold prices rose sharply in Asia today.",
    )
    stored = MatchText.objects.get(claim=claim)
    assert (stored.text, stored.translation) == (
        "gia vang hom nay tang manh chau a",
        "gold prices rose sharply asia today",
    )
    assert match_claims("da nang co 1,2 trieu dan", newsroom=True) == []
    [found] = match_claims("Gold prices rose sharply in Asia today", newsroom=True)
    assert found.claim_id == claim.pk

    edits.claim_delete(claim=claim, by=editor)
    assert not MatchText.objects.filter(claim_id=claim.pk).exists()


def test_the_prefilter_takes_the_rarest_words_and_pairs_common_ones(monkeypatch):
    from intake import matchtext

    freqs = {"kinh": 0.5, "te": 0.2, "ha": 0.05, "noi": 0.05, "trung": 0.03, "quoc": 0.03}
    monkeypatch.setitem(matchtext._stats, "read_at", float("inf"))
    monkeypatch.setitem(matchtext._stats, "rows", 100_000.0)
    monkeypatch.setitem(matchtext._stats, "freqs", freqs)
    monkeypatch.setitem(matchtext._stats, "floor", 0.0001)
    # Any of the rare words (uncounted by pg_stats: below 0.01%), when there are three or more…
    assert matchtext.prefilter(["kinh", "te", "zyx", "ha", "abc", "def"]) == "abc | def | zyx"
    # … otherwise two of the rarest: a paraphrase adding a word no claim has still finds them.
    assert matchtext.prefilter(["kinh", "te", "zyx", "ha", "abc"]) == (
        "(abc & zyx) | (abc & ha) | (abc & te) | (zyx & ha) | (zyx & te) | (ha & te)"
    )
    # Only common words: claims holding at least two of the rarest…
    assert matchtext.prefilter(["kinh", "te", "ha", "noi", "trung", "quoc"]) == (
        "(quoc & trung) | (quoc & ha) | (quoc & noi) | (trung & ha) | (trung & noi) | (ha & noi)"
    )
    # … or of fewer, when that would still be too many claims.
    monkeypatch.setitem(matchtext._stats, "rows", 1_000_000.0)
    assert matchtext.prefilter(["kinh", "te", "ha", "noi", "trung", "quoc"]) == "(quoc & trung)"
    assert matchtext.prefilter(["kinh", "te"]) == "te & kinh"
    assert matchtext.prefilter(["kinh"]) == "kinh"


@pytest.mark.parametrize(
    "text",
    [
        "!!! ??? …",
        "a & b | !c:* 'x' <-> (d)",
        " ".join("abcdefghij" * 20),  # 200 one-letter words, many the same
        "中国 AI 🚀 Việt Nam 2-3%",
        "x" * 60 + " " + "ý" * 60,
    ],
)
def test_odd_texts_are_answered_not_refused_with_a_500(claims, text):
    response = APIClient().get("/api/v1/claims/match/", {"text": text})
    assert response.status_code == 200
    assert all(r["claim"] == claims[0].pk for r in response.json()["results"])
