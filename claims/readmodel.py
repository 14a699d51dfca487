"""Keeping the read model of the published record (claims.models.readmodel) equal to the record.

`derive()` reads, the slow way, what the read model should hold for some claims: their public
face through claims.visibility. `refresh()` writes exactly that for those claims (a claim no
longer public loses its rows). claims.dependents calls it wherever a claim's public face
changes, in the same transaction for a few claims and in its batched tasks after the commit
for many; `differences()` compares the stored rows with `derive()` (rebuild_read_model --check,
the consistency tests).

Each row also holds the claim's API payload, which the read side (public.api.payloads) makes
and registers here with `keep_payloads()`: this floor stores it without knowing its shape.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.db.models import Exists, OuterRef, Q, QuerySet

from claims import search, visibility
from claims.models import Claim, Evidence, PublishedClaim, PublishedFacet

BATCH = 1000
Kind = PublishedFacet.Kind

# Makes the stored payloads of some public claims: {claim id: JSON text}.
PayloadMaker = Callable[[list[int]], dict[int, str]]
_payload_maker: PayloadMaker | None = None


def keep_payloads(maker: PayloadMaker) -> None:
    """Store `maker`'s payload with every row written from now on (the read side's
    AppConfig.ready() registers it, so every process that writes rows writes payloads)."""
    global _payload_maker
    _payload_maker = maker


def payloads(claim_ids: list[int]) -> dict[int, str]:
    return _payload_maker(claim_ids) if _payload_maker is not None and claim_ids else {}


def digest(payload: str) -> str:
    """A payload's short digest (what list ETags hash): changes whenever the payload does."""
    return hashlib.blake2b(payload.encode(), digest_size=8).hexdigest() if payload else ""


@dataclass(frozen=True)
class Entry:
    """What the read model holds for one public claim."""

    claim_id: int
    published_at: datetime.datetime
    rating_id: int
    rating_position: int
    language: str
    facets: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    tags: str = ""
    document: str = ""
    payload: str = ""

    def row(self) -> PublishedClaim:
        return PublishedClaim(
            claim_id=self.claim_id,
            published_at=self.published_at,
            rating_id=self.rating_id,
            rating_position=self.rating_position,
            language=self.language,
            tags=self.tags,
            document=self.document,
            payload=self.payload,
            payload_digest=digest(self.payload),
        )

    def facet_rows(self) -> list[PublishedFacet]:
        return [
            PublishedFacet(
                entry_id=self.claim_id, kind=kind, value=value, published_at=self.published_at
            )
            for kind, value in sorted(self.facets)
        ]


def derive(claim_ids: Iterable[int]) -> dict[int, Entry]:
    """The entries of these claims that are public, read from the record (eight queries, and
    the payload maker's)."""
    ids = list(claim_ids)
    facets: dict[int, set[tuple[int, int]]] = {}

    def add(rows: QuerySet, *kinds: Kind) -> None:
        for claim_id, *values in rows:
            for kind, value in zip(kinds, values, strict=True):
                if value is not None:
                    facets.setdefault(claim_id, set()).add((kind, value))

    public = visibility.public_claims().filter(pk__in=ids)
    add(
        visibility.public_appearances()
        .filter(claim_id__in=ids)
        .values_list("claim_id", "speaker_id", "source_id", "source__outlet_id"),
        Kind.SPEAKER,
        Kind.SAID_IN,
        Kind.OUTLET,
    )
    add(
        Evidence.objects.filter(review__in=public.values("published_review_id")).values_list(
            "review__claim_id", "source_id"
        ),
        Kind.CITES,
    )
    add(
        Claim.topics.through.objects.filter(claim__in=public).values_list("claim_id", "topic_id"),
        Kind.TOPIC,
    )
    rows = public.values_list(
        "pk",
        "published_review__published_at",
        "published_review__rating_id",
        "published_review__rating__position",
        "published_review__claim_language",
    )
    # The search text of the public face, as claims.search writes it (three queries).
    documents = {
        claim.pk: search.document_for(claim)
        for claim in public.prefetch_related(*search.DOCUMENT_PREFETCH)
    }
    entries = {}
    for pk, published_at, rating_id, position, language in rows.order_by():
        assert published_at is not None, "a published verdict has its date"
        shown = frozenset(facets.get(pk, ()))
        tags = tags_for(rating_id, language, shown)
        document = documents[pk]
        entries[pk] = Entry(pk, published_at, rating_id, position, language, shown, tags, document)
    made = payloads(sorted(entries))
    return {pk: replace(entry, payload=made.get(pk, "")) for pk, entry in entries.items()}


# The facets the list's filters combine, and each one's letter in the tags.
TAGGED = {Kind.SPEAKER: "s", Kind.TOPIC: "t"}


def tag(kind: Kind | str, value: int | str | None) -> str:
    """One token of the tags: a letter and an id (or a language code, letters only)."""
    letter = TAGGED[kind] if isinstance(kind, Kind) else kind
    return f"{letter}{value if value is not None else 0}".replace("-", "")


def tags_for(rating_id: int, language: str, facets: Iterable[tuple[int, int]]) -> str:
    """The tags of one claim: its rating, its language and the facets the filters combine."""
    tokens = [tag("r", rating_id), tag("l", language)]
    tokens += [tag(Kind(kind), value) for kind, value in sorted(facets) if kind in TAGGED]
    return f" {' '.join(tokens)} "


def stored(claim_ids: Iterable[int]) -> dict[int, Entry]:
    """The entries the read model holds for these claims (two queries). A payload whose digest
    does not match it reads as no payload."""
    ids = list(claim_ids)
    facets: dict[int, set[tuple[int, int]]] = {}
    rows = PublishedFacet.objects.filter(entry_id__in=ids).values_list("entry_id", "kind", "value")
    for claim_id, kind, value in rows:
        facets.setdefault(claim_id, set()).add((kind, value))
    entries = PublishedClaim.objects.filter(claim_id__in=ids).values_list(
        "claim_id",
        "published_at",
        "rating_id",
        "rating_position",
        "language",
        "tags",
        "document",
        "payload",
        "payload_digest",
    )
    return {
        pk: Entry(
            pk,
            when,
            rating_id,
            position,
            language,
            frozenset(facets.get(pk, ())),
            tags,
            document,
            payload if digest(payload) == payload_digest else "",
        )
        for pk, when, rating_id, position, language, tags, document, payload, payload_digest in (
            entries
        )
    }


def refresh(claim_ids: Iterable[int]) -> None:
    """Make the read model's rows of these claims what the record says, BATCH claims at a time:
    rows of claims no longer public go, the others are written anew with their facets. Callers
    hold a transaction (the edit's, or a task's), so readers never see a batch half-written."""
    ids = sorted({pk for pk in claim_ids if pk is not None})
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        _write(batch, derive(batch))


def _write(batch: list[int], entries: dict[int, Entry]) -> None:
    # Deleting an entry takes its facets (one DELETE each, no rows read back).
    PublishedClaim.objects.filter(claim_id__in=batch).delete()
    PublishedClaim.objects.bulk_create([e.row() for e in entries.values()])
    PublishedFacet.objects.bulk_create(
        [f for e in entries.values() for f in e.facet_rows()], batch_size=BATCH
    )


def all_claim_ids() -> Iterator[list[int]]:
    """Every claim that is public or has a row, in batches of BATCH ids, in id order."""
    public = visibility.public_claims().values_list("pk", flat=True).order_by("pk")
    held = PublishedClaim.objects.values_list("claim_id", flat=True).order_by("claim_id")
    last = 0
    while True:
        ids = sorted(
            set(public.filter(pk__gt=last)[:BATCH]) | set(held.filter(claim_id__gt=last)[:BATCH])
        )[:BATCH]
        if not ids:
            return
        yield ids
        last = ids[-1]


def differences(claim_ids: Iterable[int]) -> list[str]:
    """Every way the read model's rows of these claims differ from the record, one line each."""
    ids = list(claim_ids)
    want, have = derive(ids), stored(ids)
    found = []
    for pk in sorted(set(want) | set(have)):
        expected, actual = want.get(pk), have.get(pk)
        if actual is None:
            found.append(f"claim {pk}: public, but not in the read model")
        elif expected is None:
            found.append(f"claim {pk}: in the read model, but not public")
        elif expected != actual:
            names = (
                "published_at",
                "rating_id",
                "rating_position",
                "language",
                "facets",
                "tags",
                "document",
            )
            for name in names:
                was, should = getattr(actual, name), getattr(expected, name)
                if was != should:
                    found.append(
                        f"claim {pk}: {name} is {_shown(was)}, the record says {_shown(should)}"
                    )
            if actual.payload != expected.payload:
                found.append(f"claim {pk}: {_payload_difference(actual.payload, expected.payload)}")
    return found


def _payload_difference(was: str, should: str) -> str:
    if not was:
        return "no payload stored (or its digest does not match it)"
    at = next(
        (i for i, (a, b) in enumerate(zip(was, should, strict=False)) if a != b),
        min(len(was), len(should)),
    )
    return (
        f"payload differs from character {at}: stored …{was[max(0, at - 30) : at + 30]!r}…, "
        f"the record's …{should[max(0, at - 30) : at + 30]!r}…"
    )


def _shown(value) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(f"{Kind(k).label} {v}" for k, v in sorted(value)) + "}"
    return repr(value)


# Reading: the lists of the public side filter and order claims through the read model.


def listed(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """`claims` (public_claims()) joined to their row of the read model, in verdict order,
    newest first: a walk of readmodel_verdict_idx that stops after one page."""
    return claims.filter(published_entry__isnull=False).order_by(
        "-published_entry__published_at", "-pk"
    )


def showing(kind: "PublishedFacet.Kind", value: int | None) -> Exists:
    """Claims whose public face shows this speaker, topic, outlet or source (None: none)."""
    return Exists(
        PublishedFacet.objects.filter(entry_id=OuterRef("pk"), kind=kind, value=value or 0)
    )


def tagged(tokens: list[str]) -> Q:
    """Claims whose row holds every one of these tags (`tag()`): any combination of the list's
    rating, language, speaker and topic filters as one condition on one index."""
    return Q(published_entry__tags__has_tags=tokens)


def count_showing(kind: "PublishedFacet.Kind", value: int) -> QuerySet:
    """One row per public claim showing this thing: what a paginator counts (from the facet
    index alone)."""
    return PublishedFacet.objects.filter(kind=kind, value=value).values("entry_id")
