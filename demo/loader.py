"""Load the demo dataset through the real workflow, idempotently."""

import io
import json
from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.db import transaction

from claims import edits, services
from claims.models import Claim, RatingLevel, Review, Speaker, Topic
from demo import data
from sources.models import Outlet, Source

PATHS = {
    "new": [],
    "researching": ["start_research"],
    "in_review": ["start_research", "submit"],
    "published": ["start_research", "submit", "publish"],
    "rejected": ["reject"],
}


def demo_password(username: str) -> str:
    return f"claimtrack-{username}"


def _accounts(*, with_passwords: bool) -> dict[str, User]:
    users = {}
    for username, group, first_name in data.ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "is_staff": True}
        )
        if created or with_passwords:
            if with_passwords:
                user.set_password(demo_password(username))
            else:
                user.set_unusable_password()
            user.save()
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def load_demo(*, with_accounts: bool = False, progress: Callable[[str], None] = print) -> int:
    """Load the seed article's dataset; returns how many claims were created this time."""
    with transaction.atomic():
        users = _accounts(with_passwords=with_accounts)
        reporter = users["reporter"]
        outlets = {
            name: Outlet.objects.filter(name=name).first()
            or edits.outlet_create(by=reporter, name=name)
            for name in data.OUTLETS
        }
        sources = {}
        for key, fields in data.SOURCES.items():
            fields = dict(fields, outlet=outlets[fields["outlet"]])
            sources[key] = Source.objects.filter(
                title=fields["title"]
            ).first() or edits.source_create(by=reporter, **fields)
        speakers = {
            slug: Speaker.objects.filter(slug=slug).first()
            or edits.speaker_create(by=reporter, slug=slug, **fields)
            for slug, fields in data.SPEAKERS.items()
        }
        topics = {
            slug: Topic.objects.filter(slug=slug).first()
            or edits.topic_create(by=reporter, slug=slug, name=en, name_vi=vi)
            for slug, (en, vi) in data.TOPICS.items()
        }
        created = 0
        for spec in data.CLAIMS:
            if Claim.objects.filter(text=spec["text"]).exists():
                continue
            claim = edits.claim_create(
                by=reporter,
                text=spec["text"],
                language="vi",
                translation=spec["translation"],
                translation_language="en",
                topics=[topics[t] for t in spec["topics"]],
            )
            created += 1
            progress(f"  {spec['state']:<12} {spec['translation'][:70]}")
            for speaker, source, quote, translation in spec["appearances"]:
                edits.appearance_create(
                    by=reporter,
                    claim=claim,
                    speaker=speakers[speaker],
                    source=sources[source],
                    quote=quote,
                    quote_language="vi",
                    quote_translation=translation,
                )
            _walk(claim, spec, users, sources)
        _recheck_due(users)
        _external_review(users)
    return created


def _claim(key: str) -> Claim:
    return Claim.objects.get(text=next(c["text"] for c in data.CLAIMS if c["key"] == key))


def _recheck_due(users: dict) -> None:
    """The demo's verdict due for a re-check: its date is set to the day it was published, as
    if that day had come (the desk itself only accepts a future date)."""
    review = _claim(data.RECHECK_DUE).published_review
    if review is not None and review.recheck_after is None and review.published_at is not None:
        Review.objects.filter(pk=review.pk).update(recheck_after=review.published_at.date())


def _external_review(users: dict) -> None:
    """Import the example ClaimReview, propose its links, and confirm the one to our claim."""
    from exchange.importing import import_claimreview
    from exchange.matching import link_reviews
    from exchange.models import ExternalReview, ReviewLink
    from exchange.services import review_link_decide

    import_claimreview(io.BytesIO(json.dumps(data.EXTERNAL_REVIEW).encode()), by=users["editor"])
    external = ExternalReview.objects.get(url=data.EXTERNAL_REVIEW["url"])
    link_reviews([external.pk])
    link = ReviewLink.objects.filter(
        external_review=external, claim=_claim(data.EXTERNAL_REVIEW_OF)
    ).first()
    if link is not None:
        review_link_decide(link=link, state=ReviewLink.State.CONFIRMED, by=users["editor"])


def _write_review(claim: Claim, review_spec: dict, users: dict, sources: dict) -> None:
    checker = users["checker"]
    review = services.review_start(claim=claim, by=checker)
    edits.review_update(
        review=review,
        by=checker,
        rating=RatingLevel.objects.get(slug=review_spec["rating"]),
        summary=data.EXAMPLE + review_spec["summary"],
        reasoning=(
            "This verdict is an example written for Claimtrack's demo data from the seed "
            "article alone; it is not the result of real research."
        ),
    )
    for evidence in review.evidence.all():
        edits.evidence_remove(evidence=evidence, by=checker)
    for position, (source, stance, quotation) in enumerate(review_spec["evidence"]):
        edits.evidence_add(
            by=checker,
            review=review,
            source=sources[source],
            stance=stance,
            quotation=quotation,
            position=position,
        )


def _walk(claim: Claim, spec: dict, users: dict, sources: dict) -> None:
    def move(name: str, by: str, note: str = "") -> None:
        services.claim_transition(
            claim_id=claim.pk, name=name, by=users[by], note=note or "Demo data"
        )

    assignee = users["checker"] if spec["state"] != "new" else None
    edits.claim_update(claim=claim, by=users["reporter"], assignee=assignee)
    for name in PATHS[spec["state"]]:
        if name == "submit":
            _write_review(claim, spec["review"], users, sources)
        by = {"publish": "editor", "reject": "editor"}.get(name, "checker")
        move(name, by, spec.get("reject", "") if name == "reject" else "")
    if "corrected" in spec:
        move("reopen", "editor", "Example re-review (demo data).")
        _write_review(
            claim, dict(spec["review"], rating=spec["corrected"]["rating"]), users, sources
        )
        move("submit", "checker")
        move("publish", "editor2", spec["corrected"]["note"])
    if "reopen" in spec:
        move("reopen", "editor", spec["reopen"])
