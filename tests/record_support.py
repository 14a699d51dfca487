"""A published record with everything on it (topic, appearance, evidence, a correction), the
ways to attempt a write to it, and a snapshot that tells whether anything changed."""

import copy
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.forms.models import model_to_dict

from claims import edits, services
from claims.models import (
    Appearance,
    Claim,
    Correction,
    Evidence,
    RatingLevel,
    Review,
    Speaker,
    Topic,
)
from sources.models import Outlet, Source
from tests.api_support import client_for
from tests.factories import AppearanceFactory, ClaimFactory, TopicFactory, walk_to

HISTORY_MODELS = [
    Claim,
    Topic,
    Appearance,
    Review,
    Evidence,
    Source,
    RatingLevel,
    Correction,
    Speaker,
    Outlet,
]


@dataclass
class Record:
    claim: Claim
    topic: Topic
    appearance: Appearance
    review: Review
    evidence: Evidence
    source: Source
    rating: RatingLevel
    correction: Correction


def published_record(*, checker, editor) -> Record:
    """A claim published, reopened and published again with a different verdict."""
    topic = TopicFactory(name="Economy", slug="economy")
    claim = ClaimFactory()
    claim.topics.add(topic)
    AppearanceFactory(claim=claim)
    walk_to(claim, "published", checker=checker, editor=editor, rating="false")
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="New figures")
    draft = services.review_start(claim=claim, by=checker)
    edits.review_update(review=draft, by=checker, rating=RatingLevel.objects.get(slug="true"))
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note="Corrected")
    claim.refresh_from_db()
    review = claim.published_review
    review.rating.save()  # the seeded scale has no history row yet; give it one to revert to
    evidence = review.evidence.get()
    return Record(
        claim=claim,
        topic=topic,
        appearance=claim.appearances.get(),
        review=review,
        evidence=evidence,
        source=evidence.source,
        rating=review.rating,
        correction=claim.corrections.get(),
    )


def afresh(record: Record) -> Record:
    """The same record with every row read again: a record built once for a module's tests
    (tests/shared_data.py) must not carry what an earlier test changed in memory."""
    fresh = copy.copy(record)
    for name, row in vars(record).items():
        if row is not None:
            setattr(fresh, name, type(row)._base_manager.get(pk=row.pk))
    return fresh


def snapshot(record: Record) -> tuple:
    """Everything a write could change: the rows, the history, the admin's log, the ETag."""
    rows = [
        Claim.objects.get(pk=record.claim.pk),
        Appearance.objects.get(pk=record.appearance.pk),
        Review.objects.get(pk=record.review.pk),
        Evidence.objects.get(pk=record.evidence.pk),
        Source.objects.get(pk=record.source.pk),
        RatingLevel.objects.get(pk=record.rating.pk),
        Correction.objects.get(pk=record.correction.pk),
    ]
    history = sum(model.history.count() for model in HISTORY_MODELS)
    etag = client_for().get(f"/api/v1/claims/{record.claim.pk}/")["ETag"]
    return [model_to_dict(row) for row in rows], history, LogEntry.objects.count(), etag


def management(prefix: str, count: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(count),
        f"{prefix}-INITIAL_FORMS": str(count),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def claim_form(claim: Claim, *, quote: str | None = None, **fields) -> dict:
    """What the claim change form posts, with `fields` changed (`quote`: the appearance's)."""
    appearances = list(claim.appearances.order_by("said_on", "id"))
    reviews = list(claim.reviews.order_by("-published_at", "-id"))
    data = {
        "text": claim.text,
        "language": claim.language,
        "translation": claim.translation,
        "translation_language": claim.translation_language,
        "topics": [t.pk for t in claim.topics.all()],
        "assignee": claim.assignee_id or "",
        **management("appearances", len(appearances)),
        **management("reviews", len(reviews)),
    }
    for i, a in enumerate(appearances):
        data.update(
            {
                f"appearances-{i}-id": a.pk,
                f"appearances-{i}-claim": claim.pk,
                f"appearances-{i}-speaker": a.speaker_id,
                f"appearances-{i}-source": a.source_id,
                f"appearances-{i}-said_on": a.said_on.isoformat() if a.said_on else "",
                f"appearances-{i}-quote": quote if quote and i == 0 else a.quote,
                f"appearances-{i}-quote_language": a.quote_language,
                f"appearances-{i}-quote_translation": a.quote_translation,
                f"appearances-{i}-context": a.context,
            }
        )
    for i, r in enumerate(reviews):
        data.update({f"reviews-{i}-id": r.pk, f"reviews-{i}-claim": claim.pk})
    return {**data, **fields}


def review_form(review: Review, *, quotation: str | None = None, **fields) -> dict:
    """What the review change form posts (`quotation`: the first evidence item's)."""
    evidence = list(review.evidence.order_by("position", "id"))
    data = {
        "rating": review.rating_id or "",
        "summary": review.summary,
        "reasoning": review.reasoning,
        **management("evidence", len(evidence)),
    }
    for i, e in enumerate(evidence):
        data.update(
            {
                f"evidence-{i}-id": e.pk,
                f"evidence-{i}-review": review.pk,
                f"evidence-{i}-source": e.source_id,
                f"evidence-{i}-stance": e.stance,
                f"evidence-{i}-position": e.position,
                f"evidence-{i}-quotation": quotation if quotation and i == 0 else e.quotation,
                f"evidence-{i}-note": e.note,
            }
        )
    return {**data, **fields}


def source_form(source: Source, **fields) -> dict:
    data = {
        "title": source.title,
        "url": source.url,
        "kind": source.kind,
        "outlet": source.outlet_id or "",
        "published_on": source.published_on.isoformat() if source.published_on else "",
        "language": source.language,
    }
    return {**data, **fields}


def rating_form(level: RatingLevel, **fields) -> dict:
    data = {
        "slug": level.slug,
        "value": level.value if level.value is not None else "",
        "label_en": level.label_en,
        "label_vi": level.label_vi,
        "description_en": level.description_en,
        "description_vi": level.description_vi,
        "position": level.position,
        "color": level.color,
    }
    return {**data, **fields}
