"""Repeats: accent- and case-insensitive, across languages, and never leaking unpublished claims.
Runs on both databases: pg_trgm on PostgreSQL, rapidfuzz on SQLite."""

import pytest
from rest_framework.test import APIClient

from intake.matching import match_claims

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
