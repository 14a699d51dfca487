"""What matching compares, stored: each claim's text and translation folded (`MatchText`), kept
up to date on every edit, and on PostgreSQL the choice of the query's rare words.

`refresh(claim_ids)` rebuilds the rows of these claims. It runs on claims.dependents'
`faces_changed` when a claim is created or its text or translation changes (edits through
claims.edits, the admin, the API, the intake desk), in the writing transaction; a deleted claim
takes its row with it (CASCADE). Bulk loaders that bypass the models call it themselves, or
write `folded_words()` of each column as bench/scale_data.py does.

On PostgreSQL `MatchText.words` (migration 0004) is a tsvector of both columns with a GIN index.
`prefilter(words)` picks the query's rarest words from pg_stats, the planner's own counts, so
that the claims holding them are few (about CANDIDATE_BUDGET): those are the candidates that
matching then ranks, by the query words they share (`weights`) and by trigram similarity.
"""

import itertools
import math
import re
import time
from collections.abc import Iterable

from django.db import connection
from django.dispatch import receiver

from claims.events import faces_changed
from claims.models import Claim
from claims.search import words
from intake.models import MatchText

BATCH = 500
MATCHED_FIELDS = frozenset({"id", "text", "translation"})  # "id": the claim was just created

CANDIDATE_BUDGET = 2000  # claims the prefilter may let through, by pg_stats' estimate
MAX_TERMS = 12  # words of one query in the prefilter
MIN_TERMS = 3  # fewer rare words than this, and one word the claim lacks would hide it
MAX_CONJUNCTION = 5  # "at least m of k words" looks at the k ≤ 5 rarest otherwise
STATS_SECONDS = 600  # how long one reading of pg_stats is used


# What matching compares is a claim's content, in one spelling. Numbers written in words are
# digits ("two to three years" is "2 3 years"); the words of a comparison are one word, whichever
# side leads ("the US is ahead of China" and "China lags the US" both hold "ahead", "us" and
# "china"); the words every sentence has are left out, so that two texts sharing only "của, là,
# và, các" or "the, of, is" do not look alike. Applied to the claims' stored text and to every
# query alike (migration 0006 rebuilt the stored text).
NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "hundred": "100", "dozen": "12", "twice": "2", "double": "2", "triple": "3", "half": "50%",
    "một": "1", "hai": "2", "ba": "3", "bốn": "4", "tư": "4", "sáu": "6", "bảy": "7",
    "tám": "8", "chín": "9", "mười": "10", "chục": "10", "đôi": "2", "nửa": "50%",
}  # fmt: skip
COMPARISON_WORDS = {
    "ahead", "behind", "lag", "lags", "lagged", "lagging", "trail", "trails", "trailing",
    "leads", "outpaces", "outpaced", "chậm", "tụt", "hậu", "dẫn", "trước", "sau", "vượt",
}  # fmt: skip
SAME_WORDS = {
    "united states": "us",
    "u.s.": "us",
    "u.s": "us",
    "usa": "us",
    "america": "us",
    "mỹ": "us",
}
FUNCTION_WORDS = {
    "the", "a", "an", "is", "are", "was", "were", "be", "been", "being", "of", "in", "on", "at",
    "by", "to", "for", "and", "or", "that", "this", "these", "those", "with", "as", "it", "its",
    "from", "has", "have", "had", "will", "would", "about", "into", "over", "which", "who",
    "của", "là", "và", "các", "những", "được", "có", "trong", "cho", "với", "đã", "sẽ", "này",
    "khi", "thì", "mà", "để", "từ", "đến", "về", "theo", "như", "cũng", "không", "ở", "tại",
    "bị", "rằng", "nên", "lại", "vẫn", "đang", "vào", "việc", "sự", "nhiều", "hơn", "so",
    "cả", "mọi", "đó", "nữa", "thể", "ông", "bà", "cho biết", "nói", "said",
    "says",
}  # fmt: skip
_PHRASES = re.compile(r"(?<!\w)(united states|u\.s\.?|cho biết)(?!\w)", re.I)
_RAW_WORD = re.compile(r"[\w.%]+")


def folded_words(text: str) -> str:
    """`text` as matching compares it: lower case, no diacritics, numbers in digits, the words
    of a comparison as one, function words out, its words joined by spaces ("Đà Nẵng tăng
    gấp đôi trong 2-3 năm!" -> "da nang tang gap 2 2 3"). pg_trgm ignores punctuation anyway."""
    text = _PHRASES.sub(lambda m: SAME_WORDS.get(m.group(1).lower(), " "), (text or "").lower())
    kept = []
    for raw in _RAW_WORD.findall(text):
        raw = raw.strip(".")
        if raw in FUNCTION_WORDS:
            continue
        word = NUMBER_WORDS.get(raw) or SAME_WORDS.get(raw) or raw
        kept.append("ahead" if word in COMPARISON_WORDS else word)
    return " ".join(words(" ".join(kept)))


def refresh(claim_ids: Iterable[int]) -> None:
    """Rebuild the match text of these claims: two queries per BATCH claims."""
    ids = sorted({pk for pk in claim_ids if pk is not None})
    for start in range(0, len(ids), BATCH):
        rows = Claim.objects.filter(pk__in=ids[start : start + BATCH]).values_list(
            "pk", "text", "translation"
        )
        MatchText.objects.bulk_create(
            [
                MatchText(claim_id=pk, text=folded_words(text), translation=folded_words(tr))
                for pk, text, tr in rows
            ],
            update_conflicts=True,
            unique_fields=["claim"],
            update_fields=["text", "translation"],
        )


@receiver(faces_changed, dispatch_uid="intake-match-text")
def _faces_changed(sender, claim_ids, fields=None, **kwargs) -> None:
    if sender is Claim and (fields is None or fields & MATCHED_FIELDS):
        refresh(claim_ids)


_stats: dict = {"read_at": -math.inf}


def _word_stats() -> tuple[float, dict[str, float], float]:
    """(rows, frequency of each common word, the frequency below which words go uncounted)
    from pg_stats, read at most every STATS_SECONDS per process. ANALYZE (autovacuum) keeps
    them; a table never analysed has none, and every word then counts as rare."""
    if time.monotonic() - _stats["read_at"] < STATS_SECONDS:
        return _stats["rows"], _stats["freqs"], _stats["floor"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
            "AND s.attname = 'words' AND s.schemaname = current_schema() "
            "WHERE c.relname = 'intake_matchtext' AND c.relkind = 'r'"
        )
        row = cursor.fetchone()
    rows, elems, freqs = row if row else (0, None, None)
    # The last three frequencies are the minimum, the maximum and the null frequency.
    freqs_by_word = dict(zip(elems or [], freqs or [], strict=False))
    floor = min(freqs[:-3]) if freqs and len(freqs) > 3 else 0.0
    _stats.update(read_at=time.monotonic(), rows=max(rows, 0), freqs=freqs_by_word, floor=floor)
    return _stats["rows"], freqs_by_word, floor


def forget_stats() -> None:
    _stats["read_at"] = -math.inf


def weights(query_words: list[str]) -> dict[int, list[str]]:
    """The query's words by weight, 1 to 5: the digits of 1 / their frequency (a word in half
    the claims weighs 1, in one claim of 2,000 weighs 4), so that sharing a rare word counts
    more than sharing a common one."""
    _, freqs, floor = _word_stats()
    tiers: dict[int, list[str]] = {}
    for word in dict.fromkeys(query_words):
        frequency = freqs.get(word, floor) or 1e-9
        tier = min(5, max(1, math.ceil(-math.log10(frequency))))
        tiers.setdefault(tier, []).append(word)
    return tiers


def prefilter(query_words: list[str]) -> str:
    """A tsquery (to_tsquery('simple', …) syntax) that the claims close to these words satisfy,
    matched by about CANDIDATE_BUDGET claims at most: any of the rarest words while at least
    MIN_TERMS of them are rare enough; otherwise at least two (or three…) of the five rarest,
    so that a paraphrase missing one of them, or adding a word no claim has, still passes."""
    rows, freqs, floor = _word_stats()
    unique = sorted(set(query_words), key=lambda w: (freqs.get(w, floor), w))
    frequency = {w: freqs.get(w, floor) for w in unique}
    terms: list[str] = []
    estimate = 0.0
    for word in unique[:MAX_TERMS]:
        if terms and estimate + frequency[word] * rows > CANDIDATE_BUDGET:
            break
        terms.append(word)
        estimate += frequency[word] * rows
    if len(terms) >= min(MIN_TERMS, len(unique)) and estimate <= CANDIDATE_BUDGET:
        return " | ".join(terms)
    rarest = unique[:MAX_CONJUNCTION]
    for least in range(2, len(rarest) + 1):
        for size in range(len(rarest), least - 1, -1):
            groups = list(itertools.combinations(rarest[:size], least))
            if sum(math.prod(frequency[w] for w in g) for g in groups) * rows <= CANDIDATE_BUDGET:
                return " | ".join("(" + " & ".join(g) + ")" for g in groups)
    return " & ".join(rarest)
