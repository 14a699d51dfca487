"""Claim search that ignores diacritics: `trung quoc` finds `Trung Quốc`, `ket luan` `kết luận`.

Each claim keeps `search_document`, an accent-folded copy of what readers see with it (claim,
translation, quotes, speakers, topics, the published summary), and the read model of the
published record (claims.readmodel) keeps the same text for each public claim. PostgreSQL
matches it with full-text search over a GIN index; SQLite matches every word as the start of a
word of the same text, which is what PostgreSQL's prefix query `word:*` matches. Both see the
same folded text, so both give the same answers for the same words.

`search()` reads the claims' own text (the newsroom's API, which lists claims not public);
`search_public()` reads the read model, whose one GIN index (claims/0019) holds each public
claim's words and its filter tags: the list's filters and a search are one index condition.

At archive scale a common word matches half the archive. A search therefore takes at most
CANDIDATES matching claims, the most recent first in the list's own order, and ranks only
those: the cost is bounded by CANDIDATES, not by how many claims hold the word. In the public
list's verdict order `_newest_matches` finds them by walking the newest rows first and asking
the GIN index within the reach the walk measured; in another order (the API's) the planner
chooses, told to walk the order for words that come together (`_common_together`).
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Expression, F, Func, Q, QuerySet

from claims.models import Appearance, Claim, Review, Speaker, Topic

MAX_QUERY_WORDS = 12
MAX_WORD_LENGTH = 60
REFRESH_BATCH = 500
CANDIDATES = 1000  # the most recent matches a search ranks (and the most it lists)
SEARCH_CONFIG = "simple"  # no stemming: the text mixes Vietnamese, English and names

# Letters NFKD leaves whole: Vietnamese đ, and a few Latin letters readers type without marks.
FOLD_MAP = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case `text` and strip its diacritics: "Đà Nẵng" -> "da nang"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(FOLD_MAP))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of `text`; punctuation never reaches a query."""
    return WORD.findall(fold(text))


# What document_for() reads: an edit of anything else cannot change a claim's search text.
READS = (Claim, Topic, Appearance, Speaker, Review)
DOCUMENT_PREFETCH = ("topics", "appearances__speaker")  # what document_for() reads per claim


def document_for(claim: Claim) -> str:
    """The folded search text for one claim. Only public parts: never a draft review, and for
    a published claim what its verdict was published with (`claim` from .as_published())."""
    parts = [claim.text, claim.translation]
    parts += [f"{t.name} {t.name_vi}" for t in claim.topics.all()]
    for appearance in claim.appearances.all():
        parts += [appearance.quote, appearance.quote_translation, appearance.speaker.name]
    review = claim.published_review
    if review is not None:
        parts.append(review.summary)
    return " ".join(words(" ".join(parts)))


def refresh(claim_ids: Iterable[int]) -> None:
    """Rebuild the search text of these claims (claims.dependents calls this on every edit of
    what they show). A fixed number of queries per batch of claims, no save signals."""
    ids = sorted({pk for pk in claim_ids if pk is not None})
    for start in range(0, len(ids), REFRESH_BATCH):
        claims = (
            Claim.objects.filter(pk__in=ids[start : start + REFRESH_BATCH])
            .as_published()
            .prefetch_related(*DOCUMENT_PREFETCH)
        )
        stale = []
        for claim in claims:
            document = document_for(claim)
            if document != claim.search_document:
                claim.search_document = document
                stale.append(claim)
        Claim.objects.bulk_update(stale, ["search_document"], batch_size=REFRESH_BATCH)


class StoredVector(Expression):
    """The claim's stored tsvector column (PostgreSQL only; migration 0009 adds it), named
    through the query's own alias so that it works inside subqueries too."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


class EntryVector(Expression):
    """The tsvector of a claim's row of the read model (PostgreSQL only; migration 0019 adds
    it beside `document`), named through the alias of the query's join to that row."""

    def __init__(self, document: F | None = None):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        # A reference to the row's `document` column until resolved, then that column (a Col).
        self.document: Any = document if document is not None else F("published_entry__document")

    def get_source_expressions(self):
        return [self.document]

    def set_source_expressions(self, exprs):
        [self.document] = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, *a):
        resolved = self.copy()
        resolved.document = self.document.resolve_expression(
            query, allow_joins, reuse, summarize, *a
        )
        return resolved

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.document.alias)}.search_vector", []


@dataclass(frozen=True)
class Index:
    """Where a search reads: the folded text's field (SQLite), its stored tsvector and the
    table whose statistics describe that vector (PostgreSQL)."""

    document: str
    vector: Callable[[], Expression]
    table: str


CLAIMS = Index("search_document", StoredVector, "claims_claim")
READ_MODEL = Index("published_entry__document", EntryVector, "claims_publishedclaim")


def search(claims: QuerySet, query: str) -> QuerySet:
    """`claims` narrowed to the CANDIDATES most recent holding every word of `query` (in the
    order `claims` has), best matches first on PostgreSQL. Reads the claims' own search text:
    for lists that hold claims not public (the newsroom's API)."""
    return _search(claims, query, CLAIMS)


def search_public(claims: QuerySet, query: str) -> QuerySet:
    """search() for lists of public claims (claims.readmodel.listed): the same answers, read
    from the read model's rows, whose one GIN index holds the words and the filter tags
    (claims.readmodel.tagged), so that filters and words are one index scan."""
    return _search(claims, query, READ_MODEL)


def public_matches(claims: QuerySet, query: str) -> list[int]:
    """The ids search_public() lists, best first (at most CANDIDATES): what a numbered list
    pages over, so that a page reads its own claims only (`in_order()`), and its count is
    this list's length."""
    return _matches(claims, query, READ_MODEL)


def in_order(claims: QuerySet, ids: Sequence[int]) -> list:
    """The claims of `claims` with these ids, in the order of `ids` (one query)."""
    found = {claim.pk: claim for claim in claims.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _search(claims: QuerySet, query: str, index: Index) -> QuerySet:
    """The candidates are read once, with their rank, in one query; the list is then these
    ids in that order: its pages and its count look up at most CANDIDATES ids, instead of
    each running the search again, and no claim row is read to rank them."""
    if not _terms(query):
        return claims
    ids = _matches(claims, query, index)
    found = _among(claims, ids, claims.query.order_by or ["-pk"])
    if connection.vendor != "postgresql" or not ids:
        return found
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import IntegerField, Value

    position = Func(
        Value(ids, output_field=ArrayField(IntegerField())), F("pk"), function="array_position"
    )
    return found.order_by(position)


def _terms(query: str) -> list[str]:
    return [w[:MAX_WORD_LENGTH] for w in words(query)][:MAX_QUERY_WORDS]


def _matches(claims: QuerySet, query: str, index: Index) -> list[int]:
    """The CANDIDATES most recent claims of `claims` holding every word of `query`, in the
    order `claims` has; on PostgreSQL best matches first (their rank read with them)."""
    terms = _terms(query)
    if not terms:
        return []
    order = claims.query.order_by or ["-pk"]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # The terms are [^\W_]+ only, so these raw tsqueries cannot be malformed.
        raw = " & ".join(f"{t}:*" for t in terms)
        tsquery = SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)
        # Ranked by the row's own vector, read with the match: the claim's, or the read
        # model's, which keeps the same words with their positions (claims/0020), so both
        # rank alike.
        ranked = claims.alias(search_rank=SearchRank(index.vector(), tsquery))
        walked = ranked.filter(Match(index.vector(), tsquery))
        indexed = ranked.annotate(search_vector=index.vector()).filter(search_vector=tsquery)
        if index is READ_MODEL and list(order) == VERDICT_ORDER:
            bound = _matches_at_most(terms, index.table)
            if bound is not None and bound[0] <= RARE_MATCHES:
                found = _first_ids(indexed, order)  # a rare word: its posting list is short
            else:
                found = _newest_matches(walked, indexed, bound[1] if bound else float("inf"))
        elif len(terms) > 1 and _common_together(terms, index.table):
            found = _first_ids(walked, order)
        else:
            found = _first_ids(indexed, order)
        # Best first; equal ranks keep the list's order (sorted() is stable).
        return [pk for pk, _ in sorted(found, key=lambda row: -row[1])]
    matching = claims
    for term in terms:  # a word starting with the term, as PostgreSQL's `term:*` matches
        matching = matching.filter(
            Q(**{f"{index.document}__startswith": term})
            | Q(**{f"{index.document}__contains": " " + term})
        )
    return [pk for pk, _ in _first_ids(matching, order)]


def _among(claims: QuerySet, ids: list[int], order: Sequence) -> QuerySet:
    """`claims` with these ids. When the order reads the read model (claims.readmodel.listed),
    its side is given the ids too: else PostgreSQL joined all its rows by a hash join to find
    the 1,000 candidates (25 ms at 100,000 claims; 1.5 ms by key on both sides)."""
    if any(str(field).lstrip("-").startswith("published_entry__") for field in order):
        return claims.filter(pk__in=ids, published_entry__claim_id__in=ids)
    return claims.filter(pk__in=ids)


def _first_ids(matching: QuerySet, order: Sequence) -> list[tuple[int, float]]:
    """The first CANDIDATES of `matching` in `order`: (id, rank) each (rank 0 unranked)."""
    matching = matching.order_by(*order)
    if "search_rank" not in matching.query.annotations:
        return [(pk, 0.0) for pk in matching.values_list("pk", flat=True)[:CANDIDATES]]
    # Selected by name, so that the rank is computed for the rows returned only.
    return list(matching.annotate(rank=F("search_rank")).values_list("pk", "rank")[:CANDIDATES])


# The list's verdict order (claims.readmodel.listed), which the read model's index walks.
VERDICT_ORDER = ["-published_entry__published_at", "-pk"]
WALK_SAMPLE = 4000  # the newest rows a search in verdict order walks first
WALK_MAX = 20_000  # the most rows it walks on; past that the GIN index answers
# The deepest reach the GIN index is asked within, as a share of the rows: finding a reach's
# date walks the verdict index that deep (9 ms per 100,000 rows at a million claims), and a
# reach over most of the rows bounds the GIN index's reading little. Past it, the GIN index
# answers over all at once (a rare word at a million claims: 109 -> 11 ms, no longer walking
# the whole verdict index for its date). A reach of a sixth of the rows (speaker + language +
# "nguoi dan" at a million) still gains from the bound: 298 ms without it, 198 with it.
REACH_SHARE_MAX = 0.5
RARE_MATCHES = 2000  # words in at most this many rows (statistics) are read by the GIN index
REACH_MARGIN = 1.5


def _newest_matches(walked: QuerySet, indexed: QuerySet, total: float) -> list[tuple[int, float]]:
    """The CANDIDATES newest matches in verdict order, reading about as many rows as there are
    candidates however common the words and whatever the filters (PostgreSQL, read model).

    First the newest WALK_SAMPLE rows are walked (`walked`: the condition no index serves):
    words and filters that most claims match are done there. Else the share of matches among
    those rows says how far back CANDIDATES matches reach. A reach of at most WALK_MAX rows is
    walked on (the GIN index would read the posting lists of common words whole); a longer one
    is asked of the GIN index (`indexed`) with the verdict date's bound, which PostgreSQL
    intersects with the verdict index before reading a row. Only when that reach held too few,
    or the walk found none, does the GIN index answer for the whole archive, which is when
    matches are few. Each step's answer is exact: every match since a date, the newest first;
    only the rows read differ. The planner could not choose this itself: it multiplies the
    words' frequencies as if independent, while the words of a phrase (`trung quoc`) and the
    filters (a speaker's subjects) come together."""
    since = _verdict_date_at(WALK_SAMPLE)
    if since is None:  # the whole list is smaller than the sample
        return _first_ids(walked, VERDICT_ORDER)
    ids = _first_ids(walked.filter(published_entry__published_at__gte=since), VERDICT_ORDER)
    if len(ids) >= CANDIDATES:
        return ids
    rows = round(CANDIDATES * WALK_SAMPLE / max(len(ids), 1) * REACH_MARGIN)
    if ids and rows < total * REACH_SHARE_MAX:  # `total`: the read model's rows (statistics)
        reach = _verdict_date_at(rows)
        if reach is not None:
            within = walked if rows <= WALK_MAX else indexed
            ids = _first_ids(within.filter(published_entry__published_at__gte=reach), VERDICT_ORDER)
            if len(ids) >= CANDIDATES:
                return ids
    return _first_ids(indexed, VERDICT_ORDER)


def _verdict_date_at(rows: int):
    """The verdict date of the row `rows` deep in the list's verdict order (None past its end):
    one walk of the read model's verdict index, from the index alone."""
    from claims.models import PublishedClaim

    newest = PublishedClaim.objects.order_by("-published_at", "-claim_id")
    return next(iter(newest.values_list("published_at", flat=True)[rows - 1 : rows]), None)


class Match(Func):
    """`vector @@ query` spelled as the function behind the operator, which no index serves:
    the planner then walks the list's own order and stops at CANDIDATES matches."""

    function = "ts_match_vq"
    output_field = BooleanField()


def _common_together(terms: list[str], table: str = "claims_claim") -> bool:
    """Whether walking the list in its order finds CANDIDATES matches sooner than reading every
    match through the GIN index (PostgreSQL).

    The planner estimates each word well from its statistics but multiplies the words'
    frequencies as if independent, while the words of a phrase ("trung quoc") come together:
    at a million claims it expected 8,300 matches of 95,000 and read them all by the index. The
    rarest word bounds the phrase's matches; assuming they all match, the walk reads about
    CANDIDATES · N / rows claims and the index `rows`: walk when rows² > CANDIDATES · N.
    The words' frequencies come from the same statistics the planner reads (one query)."""
    bound = _matches_at_most(terms, table)
    return bound is not None and bound[0] * bound[0] > CANDIDATES * bound[1]


def _matches_at_most(terms: list[str], table: str) -> tuple[float, float] | None:
    """At most how many rows of `table` hold every term (the rarest term's rows), and how many
    rows it has, by PostgreSQL's statistics of its search_vector; None without statistics."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples
            FROM pg_class c LEFT JOIN pg_stats s
              ON s.tablename = c.relname AND s.attname = 'search_vector'
            WHERE c.relname = %s
            """,
            [table],
        )
        row = cursor.fetchone()
    if row is None or not row[0] or row[2] <= 0:
        return None  # no statistics yet: leave the plan to the planner
    elements, frequencies, total = row
    least = frequencies[len(elements)]  # below the least common tracked word
    rows = total * min(
        min(1.0, sum(f for e, f in zip(elements, frequencies, strict=False) if e.startswith(t)))
        or least
        for t in terms
    )
    return rows, total
