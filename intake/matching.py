"""Which existing claims a text may repeat: `match_claims(text, user=...)`, best first.

Accent- and case-insensitive, over each claim's text and its translation, so an English sentence
finds a Vietnamese claim through the claim's English translation. Both sides are compared folded
(`intake.matchtext.folded_words`); the claims' folded text is stored (`MatchText`), never
folded at query time.

On PostgreSQL the ranking is pg_trgm's: `similarity` (the whole text alike) and
`word_similarity` (the query found inside a longer claim), with pg_trgm's default thresholds
(0.3 and 0.6). Scoring every claim is what made a match take seconds at 100,000 claims, so it
runs in three steps, one query (RANK_SQL): a rare-word prefilter (`matchtext.prefilter`, over
the GIN-indexed tsvector of the folded text) takes at most CANDIDATES claims holding the
query's rarest words; these are ordered by how many of the query's words they hold; the best
2 × `limit` are scored with pg_trgm. A claim that shares none of the rare words is not found:
one close enough to score shares most of the query's words, and so its rare ones (bench/
intake_match.py measures what this loses against scoring every claim). On SQLite the same two
pg_trgm scores are computed in Python (`intake.trigrams`, held equal to PostgreSQL's by a test)
over every visible claim's stored folded text, with the same thresholds: `make run` finds the
repeats production finds.
Callers see only the claims `user` may see: published ones for the public.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from claims.models import Claim
from claims.visibility import public_live_text, sees_everything, visible_claims
from intake import trigrams
from intake.matchtext import folded_words, prefilter, weights
from intake.models import MatchText

MAX_TEXT = 1000  # characters of the query compared; a sentence rarely needs more
MIN_SCORE = 0.3  # pg_trgm's default similarity threshold
MIN_WORD_SCORE = 0.6  # pg_trgm's default word_similarity threshold
CANDIDATES = 2000  # claims the prefilter lets through at most, whatever pg_stats estimated
SCORED_PER_RESULT = 2  # of those, the 2 × limit (at least 10) sharing the most words with the
MIN_SCORED = 10  # query are scored: pg_trgm's word_similarity costs ~0.1 ms a row
MAX_RANK_WORDS = 64  # query words counted for that
# A match shares at least this share of the content words (folded, function words out) of the
# shorter of the query and the claim's text or translation. Trigrams alone let a short text
# through that shares one topic's words with a claim ("học sinh", "Trung Quốc": 0.37–0.42
# against a pg_trgm threshold of 0.3); a claim said again in other words shares 0.57 or more of
# them (bench/intake.py phrasings: 22 paraphrases, 30 unrelated texts).
MIN_SHARED_WORDS = 0.5

# Candidates: the claims holding the query's rare words (the GIN index). Of those, the ones
# sharing the most query words, rare words weighing more ({overlap}: one ts_delete() per
# weight, microseconds a row; ts_rank would favour claims repeating one common word), that the
# caller may see are scored with pg_trgm (about 0.1 ms a row). Visibility is checked on the
# best 2 × scored only: an index probe per row costs more than the ranking.
RANK_SQL = """
SELECT claim_id, GREATEST(s1, w1, s2, w2) AS score FROM (
    SELECT m.claim_id,
           similarity(m.text, p.q) AS s1, word_similarity(p.q, m.text) AS w1,
           similarity(m.translation, p.q) AS s2, word_similarity(p.q, m.translation) AS w2
    FROM (SELECT %s::text AS q) p, (
        SELECT claim_id, text, translation FROM (
            SELECT c.claim_id, c.text, c.translation,
                   {overlap} AS overlap
            FROM (
                SELECT claim_id, text, translation, words FROM intake_matchtext
                WHERE words @@ to_tsquery('simple', %s) LIMIT %s
            ) c
            ORDER BY overlap DESC, c.claim_id LIMIT %s
        ) best
        {visible}
        ORDER BY overlap DESC, claim_id LIMIT %s
    ) m
    OFFSET 0  -- keeps the four scores computed once a row, not again in WHERE and ORDER BY
) scored
WHERE s1 >= %s OR s2 >= %s OR w1 >= %s OR w2 >= %s
ORDER BY score DESC, claim_id
LIMIT %s
"""


def shares_content(query: str, *fields: str) -> bool:
    """Does the folded `query` share enough of its content words with one of the claim's
    folded `fields` (text, translation) to be suggested as its repeat?"""
    asked = set(query.split())
    for field in fields:
        held = set(field.split())
        if asked and held and len(asked & held) >= MIN_SHARED_WORDS * min(len(asked), len(held)):
            return True
    return False


@dataclass(frozen=True)
class Match:
    claim_id: int
    score: float
    text: str
    status: str


def _postgres(claims, query: str, limit: int) -> list[tuple[int, float]]:
    query_words = query.split()
    tiers = weights(query_words[:MAX_RANK_WORDS])
    overlap = " + ".join(
        f"{weight} * (length(c.words) - length(ts_delete(c.words, %s::text[])))" for weight in tiers
    )
    scored = max(MIN_SCORED, SCORED_PER_RESULT * limit)
    params: list[Any] = [query, *tiers.values(), prefilter(query_words), CANDIDATES, 2 * scored]
    visible = ""
    if claims.query.has_filters():  # not the newsroom, which sees every claim
        sql, visible_params = claims.order_by().values("pk").query.sql_with_params()
        visible = f"WHERE claim_id IN ({sql})"
        params += visible_params
    params += [scored, MIN_SCORE, MIN_SCORE, MIN_WORD_SCORE, MIN_WORD_SCORE, limit]
    with connection.cursor() as cursor:
        cursor.execute(RANK_SQL.format(overlap=overlap, visible=visible), params)
        return [(pk, float(score)) for pk, score in cursor.fetchall()]


def _sqlite(claims, query: str, limit: int) -> list[tuple[int, float]]:
    """RANK_SQL's four scores, thresholds and order, over every visible claim. A claim whose
    text and translation share too few of the query's trigrams for either threshold is passed
    over without the costlier word_similarity (at most the share of the query's trigrams a
    text holds)."""
    wanted = set(trigrams.trigrams(query))
    if not wanted:
        return []
    scored = []
    rows = MatchText.objects.filter(claim__in=claims).values_list("pk", "text", "translation")
    for pk, *fields in rows:
        held = [set(trigrams.trigrams(field)) for field in fields]
        wholes = [trigrams.jaccard(wanted, trigram_set) for trigram_set in held]
        bounds = [len(wanted & trigram_set) / len(wanted) for trigram_set in held]
        if max(wholes) < MIN_SCORE and max(bounds) < MIN_WORD_SCORE:
            continue
        insides = [trigrams.word_similarity(query, field) for field in fields]
        if max(wholes) >= MIN_SCORE or max(insides) >= MIN_WORD_SCORE:
            scored.append((pk, max(*wholes, *insides)))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


def match_claims(text: str, *, user=None, limit: int = 10, newsroom: bool = False) -> list[Match]:
    """Claims `user` may see that `text` may repeat, best first, each with a 0–1 score.
    No user means the public; `newsroom` (the shell) sees every claim."""
    query = folded_words((text or "").strip()[:MAX_TEXT])
    if not query:
        return []
    claims = Claim.objects.all() if newsroom else visible_claims(user or AnonymousUser())
    if not newsroom and not sees_everything(user or AnonymousUser(), Claim):
        claims = claims.filter(public_live_text())  # ranked on the live columns' stored text
    rank = _postgres if connection.vendor == "postgresql" else _sqlite
    ranked = rank(claims, query, limit)
    # The public reads them as published; the stored folded text comes in the same query.
    rows = claims.select_related("match_text").in_bulk([pk for pk, _ in ranked])
    return [
        Match(pk, round(score, 3), rows[pk].text, rows[pk].status)
        for pk, score in ranked
        if pk in rows
        and shares_content(query, rows[pk].match_text.text, rows[pk].match_text.translation)
    ]
