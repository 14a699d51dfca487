"""Search that readers type without diacritics, and filters that combine."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Topic
from claims.search import fold, search, words
from tests.factories import SpeakerFactory
from tests.site_data import add_appearance, fresh_page_cache, plain_static_storage  # noqa: F401


def listed(client, query: str) -> str:
    response = client.get("/claims/" + query)
    assert response.status_code == 200
    return response.content.decode()


def found(query: str) -> list[str]:
    return list(search(Claim.objects.published(), query).values_list("text", flat=True))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Trung Quốc", "trung quoc"),
        ("kết luận", "ket luan"),
        ("ĐÀ NẴNG đã", "da nang da"),
        ("Nguyễn Thị Ánh", "nguyen thi anh"),
    ],
)
def test_folding_strips_vietnamese_diacritics_including_d_with_stroke(text, folded):
    assert fold(text) == folded


def test_words_leave_punctuation_and_query_syntax_out():
    assert words("trung & quoc | !(x):* 'a'") == ["trung", "quoc", "x", "a"]


@pytest.mark.both_databases
def test_vietnamese_typed_without_diacritics_finds_the_accented_claim(client, make_claim):
    make_claim("published", text="Trung Quốc có hơn 200 mô hình ngôn ngữ lớn", translation="")
    make_claim("published", text="Đây là kết luận của công ty", translation="")
    make_claim("published", text="Mỹ dẫn đầu về chip", translation="")

    assert found("trung quoc") == ["Trung Quốc có hơn 200 mô hình ngôn ngữ lớn"]
    assert found("ket luan") == ["Đây là kết luận của công ty"]
    assert found("day la") == ["Đây là kết luận của công ty"]
    assert found("TRUNG QUỐC") == ["Trung Quốc có hơn 200 mô hình ngôn ngữ lớn"]
    assert "Trung Quốc có hơn 200" in listed(client, "?q=trung+quoc")
    assert "Mỹ dẫn đầu" not in listed(client, "?q=trung+quoc")


@pytest.mark.both_databases
def test_every_word_must_match(make_claim):
    make_claim("published", text="Trung Quốc chậm hơn Mỹ", translation="")
    make_claim("published", text="Trung Quốc dẫn đầu", translation="")

    assert found("trung quoc my") == ["Trung Quốc chậm hơn Mỹ"]


@pytest.mark.both_databases
def test_search_reaches_translations_quotes_speakers_and_the_published_summary(make_claim):
    claim = make_claim("published", text="Một tuyên bố", translation="A statement about chips")
    add_appearance(
        claim,
        speaker=SpeakerFactory(name="Kai-Fu Lee"),
        quote="Câu trích dẫn nguyên văn",
        quote_translation="verbatim words",
    )
    claim.published_review.summary = "Regulators registered them"
    claim.published_review.save()

    for query in ["chips", "cau trich dan", "verbatim", "kai fu", "regulators"]:
        assert found(query) == ["Một tuyên bố"], query


@pytest.mark.both_databases
def test_filters_combine_with_each_other_and_with_search(client, make_claim):
    ai = Topic.objects.create(name="AI", name_vi="Trí tuệ nhân tạo", slug="ai")
    lee = SpeakerFactory(name="Kai-Fu Lee", slug="kai-fu-lee")
    xiao = SpeakerFactory(name="Jenny Xiao", slug="jenny-xiao")
    a = make_claim("published", rating="false", text="Trung Quốc alpha", translation="")
    b = make_claim("published", rating="false", text="Trung Quốc beta", translation="")
    c = make_claim("published", rating="true", text="Trung Quốc gamma", translation="")
    d = make_claim("published", rating="false", text="Trung Quốc delta", language="en")
    for claim in (a, b, c, d):
        claim.topics.add(ai)
    add_appearance(a, speaker=lee)
    add_appearance(b, speaker=xiao)
    add_appearance(c, speaker=lee)
    add_appearance(d, speaker=lee)
    b.topics.clear()

    body = listed(client, "?q=trung+quoc&rating=false&speaker=kai-fu-lee&topic=ai&language=vi")
    assert "alpha" in body
    for other in ("beta", "gamma", "delta"):
        assert other not in body
    assert "1 fact-check" in body

    body = listed(client, "?rating=false&topic=ai")
    assert "alpha" in body and "delta" in body and "beta" not in body and "gamma" not in body


@pytest.mark.parametrize(
    "query",
    [
        "?rating=nonsense",
        "?speaker=%00",
        "?q=%00",
        "?q=" + "x" * 500,
        "?q=%27%22%3C%3E%26%7C%21%3A*()",
        "?page=abc",
        "?page=99999",
        "?language=xx&topic=nope",
    ],
)
@pytest.mark.both_databases
def test_bad_filter_input_never_fails(client, make_claim, query):
    make_claim("published")
    assert client.get("/claims/" + query).status_code == 200


@pytest.mark.postgres
def test_postgresql_answers_search_from_the_gin_index(make_claim):
    make_claim("published", text="Trung Quốc có hơn 200 mô hình", translation="")
    # Only the search condition, so that the planner has no other index to prefer. The
    # candidates' ids are read as search() runs: that query is the one to explain.
    with CaptureQueriesContext(connection) as queries:
        queryset = search(Claim.objects.all(), "trung quoc")
    [candidates] = [q["sql"] for q in queries if "@@" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # and no walk of the primary key (the candidates are the newest, LIMIT 1000): on one
        # row that walk is cheapest; the GIN index must still be able to answer the condition.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + candidates)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_search_vector_gin" in plan
    assert list(queryset.values_list("text", flat=True)) == ["Trung Quốc có hơn 200 mô hình"]


@pytest.mark.both_databases
def test_a_searched_page_reads_its_own_claims_only_and_the_pages_hold_every_match_once(
    client, make_claim, settings
):
    """The list pages over the search's ranked ids: each page looks up its own claims by key
    (never all the candidates again), and the pages together hold every match once."""
    settings.PUBLIC_PAGE_SIZE = 2
    marks = [f"mark{k}x" for k in range(5)]
    claims = [make_claim("published", text=f"Giá xăng tăng {m}", translation="") for m in marks]
    make_claim("published", text="Unrelated", translation="")
    ids = {claim.pk for claim in claims}  # what a lookup of every candidate would name
    looked_up = []

    def record(execute, sql, params, many, context):
        if '"claims_claim"."text"' in sql.split(" FROM ")[0]:  # the cards' own query
            keys = re.search(r'"claims_claim"\."id" IN \(([^)]*)\)', sql)
            looked_up.append(keys.group(1).count("%s") if keys else len(ids))
        return execute(sql, params, many, context)

    shown = []
    for page in (1, 2, 3):
        looked_up.clear()
        with connection.execute_wrapper(record):
            body = listed(client, f"?q=gia+xang&page={page}")
        assert looked_up in ([1], [2]), looked_up  # one query, by the page's keys
        shown += [mark for mark in marks if mark in body]
    assert sorted(shown) == sorted(marks)  # each match on one page only
