"""The public lists search the read model (claims.search.search_public): on random archives it
finds exactly what the claims' own search finds (claims.search.search), in the same order, with
and without filters, however its steps run (the walk of the newest rows, the GIN index within
a reach, the GIN index over all); a word never matches a filter's tag, nor a tag a word."""

import random

import pytest
from django.db import connection

from claims import readmodel, search
from claims.models import PublishedClaim, PublishedFacet, RatingLevel
from claims.visibility import public_claims
from public.views import in_verdict_order
from tests.factories import SpeakerFactory, TopicFactory
from tests.site_data import add_appearance

PHRASES = [
    "Trung Quốc",
    "người dân",
    "kinh tế",
    "giá xăng",
    "đường sắt",
    "Người Dân tộc",
    "dân số",
    "amusing chips",
    "Quốc hội",
    "trung bình",
]
QUERIES = [
    "trung quoc",
    "quoc trung",
    "nguoi dan",
    "kinh",
    "dan",
    "ng",
    "gia xang",
    "Đường sắt",
    "amusing",
    "chips trung",
    "zzz",
    "dân",
]


def random_archive(make_claim, seed: int) -> dict:
    rng = random.Random(seed)
    speakers = [SpeakerFactory(name=name) for name in ("Lê Văn Dân", "Kai-Fu Lee")]
    topics = [TopicFactory(name="Economy", name_vi="Kinh tế"), TopicFactory(name="Rail")]
    for k in range(24):
        text = " ".join(rng.sample(PHRASES, rng.randint(1, 4))) + f" {k}"
        status = rng.choice(["published"] * 5 + ["in_review", "new"])
        claim = make_claim(
            status,
            rating=rng.choice(["false", "true"]),
            text=text,
            translation="",
            language=rng.choice(["vi", "en"]),
        )
        if rng.random() < 0.5:
            add_appearance(claim, speaker=rng.choice(speakers), quote=rng.choice(PHRASES))
        if rng.random() < 0.5:
            claim.topics.add(rng.choice(topics))
    return {"speakers": speakers, "topics": topics}


def filter_sets(world: dict) -> list[list[str]]:
    false = RatingLevel.objects.get(slug="false")
    speaker, topic = world["speakers"][0], world["topics"][0]
    return [
        [],
        [readmodel.tag("r", false.pk)],
        [readmodel.tag("l", "vi")],
        [readmodel.tag(PublishedFacet.Kind.SPEAKER, speaker.pk)],
        [readmodel.tag(PublishedFacet.Kind.TOPIC, topic.pk), readmodel.tag("l", "vi")],
    ]


def answers(find, tags: list[str], query: str) -> list[int]:
    claims = in_verdict_order(public_claims())
    if tags:
        claims = claims.filter(readmodel.tagged(tags))
    return list(find(claims, query).values_list("pk", flat=True))


def paged(tags: list[str], query: str) -> list[int]:
    """The ids the public list pages over (public.views.claim_list)."""
    claims = in_verdict_order(public_claims())
    return search.public_matches(claims.filter(readmodel.tagged(tags)) if tags else claims, query)


# Small sizes make every step of the read model's search run on a small archive: the walk
# finding all its candidates, the walk on to a reach, the GIN index within a reach, the GIN
# index over all, and a rare word's straight to the GIN index (PostgreSQL).
SIZES = [
    (search.CANDIDATES, search.WALK_SAMPLE, search.WALK_MAX, None),
    (3, 4, 0, None),
    (2, 2, 0, None),
    (3, 4, 100, None),
    (5, 30, 0, None),
    (3, 4, 0, (1.0, 24.0)),  # statistics that call every word rare: the GIN index at once
]


@pytest.mark.both_databases
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_read_model_finds_what_the_claims_own_search_finds(make_claim, monkeypatch, seed):
    world = random_archive(make_claim, seed)
    steps, first_ids = set(), search._first_ids

    def spy(matching, order):  # which way each candidate query reads (PostgreSQL)
        sql = str(matching.query)
        steps.add(("walk" if "ts_match_vq" in sql else "index", 'published_at" >=' in sql))
        return first_ids(matching, order)

    monkeypatch.setattr(search, "_first_ids", spy)
    found_any = False
    for candidates, sample, walk_max, bound in SIZES:
        monkeypatch.setattr(search, "_matches_at_most", lambda terms, table, b=bound: b)
        monkeypatch.setattr(search, "CANDIDATES", candidates)
        monkeypatch.setattr(search, "WALK_SAMPLE", sample)
        monkeypatch.setattr(search, "WALK_MAX", walk_max)
        for tags in filter_sets(world):
            for query in QUERIES:
                expected = answers(search.search, tags, query)
                assert answers(search.search_public, tags, query) == expected, (tags, query)
                assert paged(tags, query) == expected, (tags, query)
                found_any = found_any or bool(expected)
    assert found_any
    if connection.vendor == "postgresql":
        # The newest rows walked (and on to a reach), the GIN index within a reach, and over all.
        assert {("walk", True), ("index", True), ("index", False)} <= steps


@pytest.mark.both_databases
def test_a_word_never_matches_a_filters_tag_nor_a_tag_a_word(make_claim):
    false = RatingLevel.objects.get(slug="false")
    speaker = SpeakerFactory(name="Trần Thị Hoa")
    tags = f"r{false.pk} s{speaker.pk} lvi"
    worded = make_claim("published", rating="true", text=f"Bài {tags}", translation="")
    tagged = make_claim("published", rating="false", text="Bài khác", translation="")
    add_appearance(tagged, speaker=speaker, quote="Bài khác")

    def found(query: str, *tokens: str) -> list[int]:
        return answers(search.search_public, list(tokens), query)

    assert found(f"r{false.pk}") == [worded.pk]
    assert found(f"s{speaker.pk}") == [worded.pk]
    assert found("bai", readmodel.tag("r", false.pk)) == [tagged.pk]
    assert found("bai", readmodel.tag(PublishedFacet.Kind.SPEAKER, speaker.pk)) == [tagged.pk]
    assert sorted(found("bai")) == sorted([worded.pk, tagged.pk])


@pytest.mark.postgres
def test_postgresql_answers_filters_and_words_from_one_gin_index(make_claim):
    from django.contrib.postgres.search import SearchQuery
    from django.db.models import F

    false = RatingLevel.objects.get(slug="false")
    make_claim("published", rating="false", text="Trung Quốc có hơn 200 mô hình", translation="")
    make_claim("published", rating="true", text="Trung Quốc dẫn đầu", translation="")
    words = SearchQuery("trung:* & quoc:*", search_type="raw", config=search.SEARCH_CONFIG)
    rows = (
        PublishedClaim.objects.filter(tags__has_tags=[f"r{false.pk}"])
        .annotate(vector=search.EntryVector(F("document")))
        .filter(vector=words)
    )
    assert [row.claim.text for row in rows] == ["Trung Quốc có hơn 200 mô hình"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = rows.values("claim_id").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    [scan] = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "Bitmap Index Scan on readmodel_search_gin" in plan
    # One index scan whose condition holds the filter's tag and both words.
    assert f"'~r{false.pk}'" in scan and "''trung'':*" in scan and "''quoc'':*" in scan
