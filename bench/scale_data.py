"""Loads an archive-sized data set into PostgreSQL with COPY, for bench/scale.py.

Text: sentences of real English words and Vietnamese syllables (wordfreq's frequency lists,
a Zipf spread with a long tail), plus marker words (COMMON_WORD in half the claims, RARE_WORD
in 1 in 20,000) and Vietnamese phrases.

Shape (for N published claims): 5% more claims still in the workflow, 1.7 appearances per
claim, 0.3 sources per claim, 2 evidence rows per verdict, 5,000 speakers and 300 outlets with
a Zipf spread (a dozen speakers say 10,000+ claims at 1M), 1-2 of 30 topics per claim.
Derived data is filled as the app fills it: `search_document` through claims.search.words(),
the same folding the save signals use, intake's match text (`MatchText`: the claim's text and
translation through intake.matchtext.folded_words(): numbers in digits, function words out), and the
per-speaker counts through claims.stats.

Secondary indexes are dropped during the load and rebuilt after it (far faster than keeping
them up to date row by row); foreign-key triggers are off for the session because the rows are
consistent by construction. No history rows are written for the bulk rows.
"""

import io
import itertools
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.db import connection

from claims import search
from claims.models import RatingLevel
from intake import matchtext

ENGLISH_WORDS = 20000
VIETNAMESE_SYLLABLES = 8000
VIETNAMESE_SHARE = 0.4  # of sentences
TAIL_WORD = "amusing"  # English rank ~10,000: about 45 claims in a million
VIETNAMESE_PHRASE = "nguoi dan"  # "người dân", typed without its diacritics
COMMON_WORD = "kinh"  # in about half of all claims
RARE_WORD = "zyxtrial"  # in about 1 claim in 20,000
VIETNAMESE = ["Trung Quốc", "kinh tế", "Đà Nẵng", "lạm phát", "xuất khẩu", "Hà Nội", "đầu tư"]
TOPICS = 30
SPEAKERS = 5000
OUTLETS = 300
EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 10 * 365 * 86400


def _vocabulary(language: str, size: int) -> tuple[list[str], list[float]]:
    """The `size` most frequent words of `language` (letters only) and their cumulative
    frequencies, from wordfreq (code Apache-2.0, data CC BY-SA 4.0)."""
    import wordfreq

    words = [w for w in wordfreq.top_n_list(language, size * 2) if w.isalpha()][:size]
    return words, list(itertools.accumulate(wordfreq.word_frequency(w, language) for w in words))


def _zipf_weights(n: int, s: float = 1.07) -> list[float]:
    """Cumulative Zipf weights for random.choices(cum_weights=…): summed once, not per draw."""
    return list(itertools.accumulate(1 / (k**s) for k in range(1, n + 1)))


class Generator:
    """Random sentences over a Zipf vocabulary, drawn from a pool of POOL sentences whose
    folded words are computed once with claims.search.words(). Folding is per character and the
    parts of a search document are joined by spaces, so joining the parts' folded words gives
    exactly what words() gives for the joined text: the document the app would write."""

    POOL = 40_000

    def __init__(self, seed: int = 12):
        self.rng = random.Random(seed)
        # Real words at their real frequencies (wordfreq's lists: Zipf by nature, with a long
        # tail of words held by a few dozen claims at a million): English words, and
        # Vietnamese syllables with their diacritics (folded by the app like any text).
        self.words, self.word_weights = _vocabulary("en", ENGLISH_WORDS)
        self.syllables, self.syllable_weights = _vocabulary("vi", VIETNAMESE_SYLLABLES)
        self.pool = [self.sentence(self.rng.randint(8, 18)) for _ in range(self.POOL)]
        self.pool_words = [" ".join(search.words(text)) for text in self.pool]

    def pick(self) -> tuple[str, str]:
        """A sentence from the pool and its folded words."""
        i = self.rng.randrange(self.POOL)
        return self.pool[i], self.pool_words[i]

    def sentence(self, n: int) -> str:
        if self.rng.random() < VIETNAMESE_SHARE:
            picked = self.rng.choices(self.syllables, cum_weights=self.syllable_weights, k=n)
        else:
            picked = self.rng.choices(self.words, cum_weights=self.word_weights, k=n)
        if self.rng.random() < 0.5:
            picked.append(COMMON_WORD)
        if self.rng.random() < 0.15:
            picked.append(self.rng.choice(VIETNAMESE))
        if self.rng.random() < 0.00005 * 4:  # each pool sentence recurs in ~1M/40k claims
            picked.append(RARE_WORD)
        self.rng.shuffle(picked)
        return " ".join(picked).capitalize() + "."


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _copy(table: str, columns: list[str], rows: Iterator[tuple], chunk: int = 20000) -> int:
    count = 0
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_tsv(v) for v in row))
                buffer.write("\n")
                count += 1
                if count % chunk == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    return count


TABLES = [
    "claims_claim",
    "claims_review",
    "claims_appearance",
    "claims_evidence",
    "claims_claim_topics",
    "sources_source",
    "sources_outlet",
    "claims_speaker",
    "claims_topic",
    "claims_speakerrecord",
    "intake_matchtext",
]


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of every index not backing a constraint, on the bulk tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [TABLES],
        )
        return cursor.fetchall()


def _reset_sequences() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if table == "intake_matchtext":  # keyed by its claim: no sequence of its own
                continue
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


PAYLOAD_BATCH = 500


def _fill_payloads(log, processes: int = 2) -> float:
    """Store every read-model row's API payload, as `manage.py rebuild_read_model` would (the
    public layer's serializer through claims.readmodel.payloads), in `processes` forked workers
    over interleaved batches: about 2 ms of CPU a claim, so a million claims take ~17 min on
    two cores. Returns the seconds it took."""
    import multiprocessing

    started = time.monotonic()
    with connection.cursor() as cursor:
        # Statistics first: without them the payloads' prefetches read whole tables (3 s a
        # batch of 500 at a million claims).
        cursor.execute("ANALYZE")
        cursor.execute("SELECT claim_id FROM claims_publishedclaim ORDER BY claim_id")
        ids = [pk for (pk,) in cursor.fetchall()]
    batches = [ids[i : i + PAYLOAD_BATCH] for i in range(0, len(ids), PAYLOAD_BATCH)]
    connection.close()  # each worker opens its own
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        done = 0
        for count in pool.imap_unordered(_store_payloads, batches):
            done += count
            if done % 50_000 < PAYLOAD_BATCH:
                log(f"  payloads: {done:,} of {len(ids):,}, {time.monotonic() - started:.0f} s")
    return time.monotonic() - started


def _store_payloads(batch: list[int]) -> int:
    from claims import readmodel

    made = readmodel.payloads(batch)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE claims_publishedclaim SET payload = %s, payload_digest = %s"
            " WHERE claim_id = %s",
            [(text, readmodel.digest(text), pk) for pk, text in made.items()],
        )
    return len(batch)


def _fill_read_model() -> None:
    """The read model of the loaded record in set-based SQL (claims.readmodel.refresh writes
    the same rows claim by claim; the sample check in load() holds the two together)."""
    from claims.models import PublishedFacet

    kind = PublishedFacet.Kind
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO claims_publishedclaim (claim_id, published_at, rating_id,
                                               rating_position, language, tags,
                                               document, payload, payload_digest)
            SELECT c.id, r.published_at, r.rating_id, l.position, r.claim_language, '',
                   c.search_document, '', ''
            FROM claims_claim c JOIN claims_review r ON r.id = c.published_review_id
            JOIN claims_ratinglevel l ON l.id = r.rating_id
            """
        )
        facets = [
            (
                kind.SPEAKER,
                "a.speaker_id",
                "claims_appearance a",
                "a.claim_id",
                "a.state = 'public'",
            ),
            (
                kind.SAID_IN,
                "a.source_id",
                "claims_appearance a",
                "a.claim_id",
                "a.state = 'public'",
            ),
            (
                kind.OUTLET,
                "s.outlet_id",
                "claims_appearance a JOIN sources_source s ON s.id = a.source_id",
                "a.claim_id",
                "a.state = 'public' AND s.outlet_id IS NOT NULL",
            ),
            (
                kind.CITES,
                "e.source_id",
                "claims_evidence e JOIN claims_claim c2 ON c2.published_review_id = e.review_id",
                "c2.id",
                "TRUE",
            ),
            (kind.TOPIC, "t.topic_id", "claims_claim_topics t", "t.claim_id", "TRUE"),
        ]
        for facet, value, source, claim, condition in facets:
            cursor.execute(
                f"""
                INSERT INTO claims_publishedfacet (claim_id, kind, value, published_at)
                SELECT DISTINCT {claim}, {int(facet)}, {value}, p.published_at
                FROM {source} JOIN claims_publishedclaim p ON p.claim_id = {claim}
                WHERE {condition}
                """
            )
        # The tags (claims.readmodel.tags_for): rating, language, then speakers and topics.
        cursor.execute(
            f"""
            UPDATE claims_publishedclaim p SET tags = ' r' || p.rating_id || ' l' || p.language
              || COALESCE((SELECT ' ' || string_agg(
                   CASE f.kind WHEN {int(kind.SPEAKER)} THEN 's' ELSE 't' END || f.value,
                   ' ' ORDER BY f.kind, f.value)
                 FROM claims_publishedfacet f
                 WHERE f.claim_id = p.claim_id
                   AND f.kind IN ({int(kind.SPEAKER)}, {int(kind.TOPIC)})
              ), '') || ' '
            """
        )


def load(published: int, *, users: tuple[int, int], log=print) -> dict[str, float]:
    """Fill the (migrated, empty) database with `published` published claims and the rest."""
    gen, rng = Generator(), random.Random(7)
    started = time.monotonic()
    total = published + published // 20
    n_sources = max(published * 3 // 10, 100)
    author, editor = users
    ratings = list(RatingLevel.objects.values_list("pk", flat=True))
    now = datetime.now(UTC)

    indexes = _secondary_indexes()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    topic_names = [(i + 1, f"Topic {gen.words[i * 7]}", f"Chủ đề {i + 1}") for i in range(TOPICS)]
    _copy(
        "claims_topic",
        ["id", "name", "name_vi", "slug"],
        ((i, n, v, f"topic-{i}") for i, n, v in topic_names),
    )
    speaker_names = {}

    def speakers():
        for i in range(1, SPEAKERS + 1):
            name = f"{gen.words[i % ENGLISH_WORDS].capitalize()} {gen.words[-i].capitalize()} {i}"
            speaker_names[i] = name
            yield (i, name, f"speaker-{i}", "person", "Minister", "", "")

    _copy(
        "claims_speaker",
        ["id", "name", "slug", "kind", "role", "description", "same_as"],
        speakers(),
    )
    _copy(
        "sources_outlet",
        ["id", "name", "slug", "url"],
        ((i, f"Outlet {i}", f"outlet-{i}", "") for i in range(1, OUTLETS + 1)),
    )
    outlet_weights = _zipf_weights(OUTLETS)
    outlet_ids = rng.choices(range(1, OUTLETS + 1), cum_weights=outlet_weights, k=n_sources)

    def sources():
        for i in range(1, n_sources + 1):
            day = EPOCH + timedelta(seconds=rng.randrange(SPAN_SECONDS))
            yield (
                i,
                gen.sentence(6)[:-1],
                "",
                "",  # url_normalised: what Source.save() stores for an empty URL
                "article",
                day.date().isoformat(),
                "vi" if i % 3 else "en",
                now,
                now,
                outlet_ids[i - 1],
                None,
            )

    _copy(
        "sources_source",
        [
            "id",
            "title",
            "url",
            "url_normalised",
            "kind",
            "published_on",
            "language",
            "created_at",
            "updated_at",
            "outlet_id",
            "link_id",
        ],
        sources(),
    )
    log(f"  speakers, outlets, {n_sources:,} sources: {time.monotonic() - started:.0f} s")

    speaker_weights = _zipf_weights(SPEAKERS)
    source_weights = _zipf_weights(n_sources, 0.6)
    claims, reviews, appearances, evidence, topics, match = [], [], [], [], [], []
    app_id = ev_id = 0
    batch = 50000

    def flush():
        _copy(
            "claims_claim",
            [
                "id",
                "text",
                "language",
                "translation",
                "translation_language",
                "slug",
                "status",
                "first_published_at",
                "created_at",
                "updated_at",
                "assignee_id",
                "created_by_id",
                "published_review_id",
                "search_document",
            ],
            iter(claims),
        )
        _copy(
            "claims_review",
            [
                "id",
                "state",
                "summary",
                "reasoning",
                "published_at",
                "created_at",
                "updated_at",
                "approved_by_id",
                "author_id",
                "claim_id",
                "rating_id",
                "claim_text",
                "claim_language",
                "claim_translation",
                "claim_translation_language",
            ],
            iter(reviews),
        )
        _copy(
            "claims_appearance",
            [
                "id",
                "said_on",
                "quote",
                "quote_language",
                "quote_translation",
                "context",
                "source_id",
                "claim_id",
                "speaker_id",
                "state",
                "rejection_reason",
            ],
            iter(appearances),
        )
        _copy(
            "claims_evidence",
            ["id", "stance", "quotation", "note", "position", "review_id", "source_id"],
            iter(evidence),
        )
        _copy("claims_claim_topics", ["id", "claim_id", "topic_id"], iter(topics))
        _copy("intake_matchtext", ["claim_id", "text", "translation"], iter(match))
        for rows in (claims, reviews, appearances, evidence, topics, match):
            rows.clear()

    topic_words = [" ".join(search.words(f"{n} {v}")) for _, n, v in topic_names]
    speaker_words = {pk: " ".join(search.words(name)) for pk, name in speaker_names.items()}
    for pk in range(1, total + 1):
        is_published = pk <= published  # the newest 5% are still in the workflow
        text, folded_text = gen.pick()
        translation, folded_translation = gen.pick() if pk % 2 else ("", "")
        at = EPOCH + timedelta(seconds=SPAN_SECONDS * pk / total + rng.random())
        # In the order claim.topics.all() gives them (Topic.Meta.ordering: by name).
        claim_topics = sorted(
            rng.sample(range(1, TOPICS + 1), k=rng.randint(1, 2)),
            key=lambda t: topic_names[t - 1][1],
        )
        # The order of claims.search.document_for(): text, translation, topics, appearances
        # (quote, its translation, speaker), the published summary.
        parts = [folded_text, folded_translation] + [topic_words[t - 1] for t in claim_topics]
        for slot, t in enumerate(claim_topics):
            topics.append((pk * 2 + slot, pk, t))
        n_app = 1 if rng.random() < 0.4 else 2 if rng.random() < 0.8 else 3
        for speaker in rng.choices(range(1, SPEAKERS + 1), cum_weights=speaker_weights, k=n_app):
            app_id += 1
            quote, folded_quote = gen.pick()
            source = rng.choices(range(1, n_sources + 1), cum_weights=source_weights)[0]
            appearances.append(
                (app_id, at.date().isoformat(), quote, "vi", "", "", source, pk, speaker)
                + ("public", "")
            )
            parts += [folded_quote, speaker_words[speaker]]
        summary, folded_summary = gen.pick()
        if is_published:
            parts.append(folded_summary)
            reviews.append(
                (pk, "published", summary, "Reasoning.", at, at, at, editor, author, pk)
                + (rng.choice(ratings), text, "vi", translation, "en")
            )
            for position in range(2):
                ev_id += 1
                source = rng.choices(range(1, n_sources + 1), cum_weights=source_weights)[0]
                evidence.append((ev_id, "refutes", "", "", position, pk, source))
        document = " ".join(p for p in parts if p)
        # Matching folds further than search (numbers in digits, function words out).
        match.append((pk, matchtext.folded_words(text), matchtext.folded_words(translation)))
        claims.append(
            (
                pk,
                text,
                "vi",
                translation,
                "en",
                f"claim-{pk}",
                "published" if is_published else rng.choice(["new", "researching", "in_review"]),
                at if is_published else None,
                at,
                at,
                None,
                author,
                pk if is_published else None,
                document,
            )
        )
        if pk % batch == 0:
            flush()
            log(f"  {pk:,} claims: {time.monotonic() - started:.0f} s")
    flush()
    loaded = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")  # index builds sort in memory
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = origin")
    _reset_sequences()
    indexed = time.monotonic() - started - loaded
    from claims import stats
    from claims.models import Claim

    # The loaded text must be what the app itself writes: check a sample against it.
    sample = (
        Claim.objects.filter(pk__in=rng.sample(range(1, total + 1), k=min(50, total)))
        .select_related("published_review", "match_text")
        .prefetch_related("topics", "appearances__speaker")
    )
    for claim in sample:
        assert claim.search_document == search.document_for(claim), claim.pk
        assert (claim.match_text.text, claim.match_text.translation) == (
            matchtext.folded_words(claim.text),
            matchtext.folded_words(claim.translation),
        ), claim.pk
    stats.rebuild_speaker_records()
    _fill_read_model()
    payloads_took = _fill_payloads(log)
    from claims import readmodel

    sample_ids = rng.sample(range(1, total + 1), k=min(1000, total))
    assert readmodel.differences(sample_ids) == [], readmodel.differences(sample_ids)[:5]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "rows": loaded,
        "indexes": indexed,
        "payloads": payloads_took,
        "total": time.monotonic() - started,
    }
