"""PostgreSQL only: a search of several words picks how to find its candidates (the GIN index,
or a walk of the list's own order) from the words' statistics; both ways give the same claims,
and words that come together in many claims take the walk."""

import pytest
from django.db import connection

from claims import search
from claims.models import Claim
from public.views import in_verdict_order

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plan choice reads PostgreSQL's statistics"
)

TEXTS = ["Trung Quốc tăng trưởng {i}", "Kinh tế Trung Quốc {i}", "Giá xăng {i}", "Quốc hội {i}"]


@pytest.fixture
def archive(make_claim):
    return [
        make_claim("published", text=text.format(i=i), translation="")
        for i in range(6)
        for text in TEXTS
    ]


def found(query: str) -> list[int]:
    claims = search.search(in_verdict_order(Claim.objects.published()), query)
    return [c.pk for c in claims]


@pytest.mark.parametrize("query", ["trung quoc", "quoc trung", "kinh trung", "gia xang", "x y"])
def test_the_walk_and_the_index_find_the_same_claims_in_the_same_order(archive, monkeypatch, query):
    answers = {}
    for walk in (False, True):
        monkeypatch.setattr(search, "_common_together", lambda terms, walk=walk: walk)
        answers[walk] = found(query)
    assert answers[True] == answers[False]
    if query != "x y":
        assert answers[True]


def test_words_that_come_together_in_most_claims_walk_and_a_rare_one_does_not(archive, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    monkeypatch.setattr(search, "CANDIDATES", 2)  # rows² > 2·N: common at this size
    assert search._common_together(["trung", "quoc"])
    assert not search._common_together(["trung", "zzzrare"])


def test_without_statistics_the_planner_decides(archive):
    with connection.cursor() as cursor:
        # Whatever an earlier test or autovacuum gathered; the test's transaction restores it.
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = 'claims_claim'::regclass")
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'claims_claim'")
        assert cursor.fetchone()[0] == 0
    assert not search._common_together(["trung", "quoc"])
