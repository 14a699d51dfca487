"""pg_trgm's `similarity` and `word_similarity`, in plain Python, for matching on SQLite.

So that `make run` (SQLite) ranks repeats as production (PostgreSQL) does: the same scores, the
same thresholds. No library on PyPI computes pg_trgm's scores (rapidfuzz's edit-distance ratios
rank differently, and missed paraphrases pg_trgm finds); tests/intake/test_intake_trigrams.py holds
these two equal to PostgreSQL's own functions on random texts.

A word is a run of letters and digits, lower-cased, padded with two spaces in front and one
behind; its trigrams are its three-character windows. `similarity` is the Jaccard index of the
two texts' trigram sets. `word_similarity(a, b)` is the greatest Jaccard index between a's
trigrams and those of any continuous extent of b's trigrams, found as pg_trgm finds it
(contrib/pg_trgm/trgm_op.c, `iterate_word_similarity`).
"""

import re

WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> list[str]:
    """Every trigram of `text`, in order, repeats kept."""
    found: list[str] = []
    for word in WORD.findall(text.lower()):
        padded = f"  {word} "
        found.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    return jaccard(set(trigrams(a)), set(trigrams(b)))


def jaccard(first: set[str], second: set[str]) -> float:
    """pg_trgm's similarity of two trigram sets (0 when either is empty)."""
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def word_similarity(a: str, b: str) -> float:
    needed = set(trigrams(a))
    extent = trigrams(b)
    if not needed or not extent:
        return 0.0
    ids = {trigram: i for i, trigram in enumerate(needed | set(extent))}
    found = [False] * len(ids)
    for trigram in needed:
        found[ids[trigram]] = True
    return _iterate([ids[trigram] for trigram in extent], found, len(needed), len(ids))


def _score(count: int, needed: int, in_extent: int) -> float:
    return count / (needed + in_extent - count)


def _iterate(indexes: list[int], found: list[bool], needed: int, kinds: int) -> float:
    """pg_trgm's iterate_word_similarity (not the strict variant, no early exit)."""
    last_position = [-1] * kinds
    in_extent = count = 0
    lower = -1
    best = 0.0
    for i, index in enumerate(indexes):
        if lower >= 0 or found[index]:
            if last_position[index] < 0:
                in_extent += 1
                if found[index]:
                    count += 1
            last_position[index] = i
        if not found[index]:
            continue
        upper = i
        if lower == -1:
            lower = i
            in_extent = 1
        current = _score(count, needed, in_extent)
        # Try moving the lower bound right for a greater similarity.
        tmp_count, tmp_in_extent, previous_lower = count, in_extent, lower
        for tmp_lower in range(lower, upper + 1):
            trial = _score(tmp_count, needed, tmp_in_extent)
            if trial > current:
                current, in_extent, lower, count = trial, tmp_in_extent, tmp_lower, tmp_count
            moved_past = indexes[tmp_lower]
            if last_position[moved_past] == tmp_lower:
                tmp_in_extent -= 1
                if found[moved_past]:
                    tmp_count -= 1
        best = max(best, current)
        for tmp_lower in range(previous_lower, lower):
            dropped = indexes[tmp_lower]
            if last_position[dropped] == tmp_lower:
                last_position[dropped] = -1
    return best
