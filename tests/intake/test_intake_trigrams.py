"""intake.trigrams is pg_trgm: the same `similarity` and `word_similarity` as PostgreSQL's own
functions, so that matching on SQLite (`make run`) ranks repeats as production does."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake import trigrams
from intake.matching import match_claims

# What intake compares: folded text (lower case, no diacritics), with whatever punctuation and
# digits a sentence holds. Few letters, so that texts share trigrams and repeat words.
texts = st.text(alphabet=st.sampled_from(list("abcAB12 -.,'")), max_size=40)


@pytest.mark.postgres
@pytest.mark.django_db
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(first=texts, second=texts)
def test_the_scores_are_postgresqls_own(first, second):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT similarity(%s, %s), word_similarity(%s, %s)", [first, second, first, second]
        )
        whole, inside = cursor.fetchone()
    assert trigrams.similarity(first, second) == pytest.approx(whole, abs=1e-6)
    assert trigrams.word_similarity(first, second) == pytest.approx(inside, abs=1e-6)


@pytest.mark.parametrize(
    "first, second, whole, inside",
    [
        ("word", "two words", 4 / 11, 0.8),  # pg_trgm's documentation
        ("", "anything", 0.0, 0.0),
        ("ab", "ab ab ab", 1.0, 1.0),
    ],
)
def test_known_values(first, second, whole, inside):
    assert trigrams.similarity(first, second) == pytest.approx(whole, abs=1e-6)
    assert trigrams.word_similarity(first, second) == pytest.approx(inside, abs=1e-6)


@pytest.mark.both_databases
def test_the_missions_own_example_finds_the_demo_claim_on_either_database(make_claim):
    lag = make_claim(
        "published",
        text="Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI.",
        translation="China is 2 to 3 years behind the United States in developing AI.",
    )
    make_claim("published", text="Trung Quốc có hơn 200 mô hình ngôn ngữ lớn (LLM).")
    [best, *_] = match_claims("China lags the US in AI by 2-3 years")
    # 0.5 when the words were compared as written; "lags" and "behind" are one comparison now.
    assert best.claim_id == lag.pk and best.score == pytest.approx(0.926, abs=1e-6)
