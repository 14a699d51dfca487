"""Which existing claims a text may repeat: `match_claims(text, user=...)`, best first.

Accent- and case-insensitive, over each claim's text and its translation, so an English sentence
finds a Vietnamese claim through the claim's English translation. On PostgreSQL the ranking is
pg_trgm's: `similarity` (the whole text alike) and `word_similarity` (the query found inside a
longer claim), on `intake_fold()` = lower(unaccent()) of each column, served by the GIN trigram
indexes of migration 0002. On SQLite, rapidfuzz computes edit-distance ratios (whole, and
partial for a short query inside a longer claim) in Python.
Callers see only the claims `user` may see: published ones for the public.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Greatest
from rapidfuzz import fuzz

from claims.models import Claim
from claims.search import fold
from claims.visibility import visible_claims
from claims.workflow import Status
from tracker.api import sees_everything

MAX_TEXT = 1000  # characters of the query compared; a sentence rarely needs more
MIN_SCORE = 0.3  # pg_trgm's default similarity threshold
FIELDS = ("text", "translation")
SQLITE_MIN_PARTIAL_LENGTH = 12  # shorter queries match too many claims by accident
SQLITE_MIN_SCORE = 0.6  # edit-distance ratios of unrelated sentences of one topic reach ~0.5


@dataclass(frozen=True)
class Match:
    claim_id: int
    score: float
    text: str
    status: str


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def _postgres(claims, text: str, limit: int) -> list[tuple[int, float]]:
    from django.contrib.postgres.lookups import TrigramSimilar, TrigramWordSimilar
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    query = Func(Value(text), function="intake_fold", output_field=TextField())
    columns = [Func(F(c), function="intake_fold", output_field=TextField()) for c in FIELDS]
    near = Q()
    scores = []
    for column in columns:
        near |= Q(TrigramSimilar(column, query)) | Q(TrigramWordSimilar(column, query))
        scores += [TrigramSimilarity(column, query), TrigramWordSimilarity(query, column)]
    ranked = (
        claims.filter(near)
        .annotate(score=Greatest(*scores))
        .order_by("-score", "pk")
        .values_list("pk", "score")[:limit]
    )
    return [(pk, float(score)) for pk, score in ranked if score >= MIN_SCORE]


def _sqlite(claims, text: str, limit: int) -> list[tuple[int, float]]:
    query = _folded(text)
    scored = []
    for pk, claim_text, translation in claims.values_list("id", "text", "translation"):
        best = 0.0
        for field in (claim_text, translation):
            if not field:
                continue
            candidate = _folded(field)
            best = max(best, fuzz.ratio(query, candidate) / 100)
            if len(query) >= SQLITE_MIN_PARTIAL_LENGTH and len(query) <= len(candidate):
                best = max(best, fuzz.partial_ratio(query, candidate) / 100 * 0.9)
        if best >= SQLITE_MIN_SCORE:
            scored.append((pk, best))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


def match_claims(text: str, *, user=None, limit: int = 10, newsroom: bool = False) -> list[Match]:
    """Claims `user` may see that `text` may repeat, best first, each with a 0–1 score.
    No user means the public; `newsroom` (the shell) sees every claim."""
    text = (text or "").strip()[:MAX_TEXT]
    if not _folded(text):
        return []
    claims = Claim.objects.all() if newsroom else visible_claims(user or AnonymousUser())
    if not newsroom and not sees_everything(user or AnonymousUser(), Claim):
        # Ranked on the live columns (their trigram indexes): a claim re-reviewed with an
        # edited text takes no part for the public until its new verdict is published.
        claims = claims.filter(
            Q(status=Status.PUBLISHED)
            | Q(
                text=F("published_review__claim_text"),
                translation=F("published_review__claim_translation"),
            )
        )
    rank = _postgres if connection.vendor == "postgresql" else _sqlite
    ranked = rank(claims, text, limit)
    rows = claims.in_bulk([pk for pk, _ in ranked])
    return [
        Match(pk, round(score, 3), rows[pk].text, rows[pk].status)
        for pk, score in ranked
        if pk in rows
    ]
