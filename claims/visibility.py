"""What the public may see: the published record, and nothing else. The one home of that rule.

A claim is public once it has a published verdict (`Claim.objects.published()`). With it the
public sees what its claim page shows, and no more:

- its current verdict and that verdict's evidence;
- the verdicts it replaced, as its corrections show them (rating, date, note), not their
  evidence: a source cited only by a superseded verdict is not public;
- its appearances, their speakers, the sources it was said in or its current verdict cites,
  those sources' outlets, its topics and its corrections.

A public claim shows as its current verdict was published (ClaimQuerySet.as_published): while
it is reopened and re-reviewed, its edited text and the appearances added since stay out of
public view until the new verdict is published.

The site, the API, the feeds, the sitemap and the ClaimReview JSON-LD all take their rows from
here; newsroom accounts with a model's view permission see every row of it (`visible_to`).
"""

from collections.abc import Callable

from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet

from claims.models import (
    Appearance,
    Claim,
    Correction,
    Evidence,
    Review,
    Speaker,
    SpeakerRecord,
    Topic,
)
from claims.workflow import AppearanceState, Status
from sources.models import Outlet, Source


def claim_is_public(via: str = "") -> Q:
    """The condition of Claim.objects.published() seen from a related row: `via` is the lookup
    path to the claim ("claim__" from an appearance or a topic link)."""
    return Q(**{f"{via}published_review__isnull": False})


def appearance_on_record(via: str = "") -> Q:
    """An appearance the public record shows: not one added while its claim is re-reviewed,
    nor a repeat awaiting confirmation or rejected. `via` is the lookup path to the appearance
    ("appearances__" from a claim). Whether its claim is public is the caller's other condition
    (claim_is_public, public_claims)."""
    return Q(**{f"{via}state": AppearanceState.PUBLIC})


def confirmed_repeats() -> QuerySet[Appearance]:
    """Public repeats of public claims (confirmed by a second Editor), newest first."""
    return public_appearances().filter(confirmed_at__isnull=False).order_by("-confirmed_at", "-id")


def public_claims() -> QuerySet[Claim]:
    """Published claims, as published: see ClaimQuerySet.as_published."""
    return Claim.objects.published().as_published()


def public_language(language: str) -> Q:
    """Public claims in `language` as published: the verdict keeps the language it judged, so a
    re-review that changes a claim's language moves it between filters only when published."""
    return Q(published_review__claim_language=language)


def public_live_text() -> Q:
    """Public claims whose live text and translation are still those their verdict published:
    all a search over the live columns (intake's matching, on their indexes) may rank for the
    public, so that a re-reviewed claim's draft text takes no part until it is published."""
    return Q(status=Status.PUBLISHED) | Q(
        text=F("published_review__claim_text"),
        translation=F("published_review__claim_translation"),
    )


def public_reviews() -> QuerySet[Review]:
    """Current verdicts of public claims, and the superseded ones their corrections name."""
    return Review.objects.filter(
        claim__in=public_claims(),
        state__in=[Review.State.PUBLISHED, Review.State.SUPERSEDED],
    )


def public_evidence() -> QuerySet[Evidence]:
    """The evidence of current verdicts: what claim pages list under "Evidence"."""
    return Evidence.objects.filter(review__in=public_claims().values("published_review_id"))


def public_appearances() -> QuerySet[Appearance]:
    """Appearances of public claims, less those not public (appearance_on_record)."""
    return Appearance.objects.filter(appearance_on_record(), claim__in=public_claims())


def public_corrections() -> QuerySet[Correction]:
    return Correction.objects.filter(claim__in=public_claims())


def public_speakers() -> QuerySet[Speaker]:
    """Speakers who made at least one public claim: those with a public appearance. Read from
    the per-speaker record claims.stats keeps, which counts exactly those claims, so that a
    speaker list never scans thousands of appearances per speaker."""
    counted = SpeakerRecord.objects.filter(speaker=OuterRef("pk"), claims__gt=0)
    return Speaker.objects.filter(Exists(counted))


def public_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(Exists(public_claims().filter(topics=OuterRef("pk"))))


def public_sources() -> QuerySet[Source]:
    """Sources a public claim was said in, or its current verdict cites."""
    said_in = public_appearances().filter(source=OuterRef("pk"))
    cited = public_evidence().filter(source=OuterRef("pk"))
    return Source.objects.filter(Exists(said_in) | Exists(cited))


def public_outlets() -> QuerySet[Outlet]:
    """Outlets of public sources (public_sources()), asked as two EXISTS straight from the
    outlet: nesting public_sources() walked an outlet's sources one by one (120 ms for an
    outlet of 56,000 sources at a million claims, 3.8 ms this way)."""
    said_in = public_appearances().filter(source__outlet=OuterRef("pk"))
    cited = public_evidence().filter(source__outlet=OuterRef("pk"))
    return Outlet.objects.filter(Exists(said_in) | Exists(cited))


PUBLIC: dict[type[Model], Callable[[], QuerySet]] = {
    Claim: public_claims,
    Review: public_reviews,
    Evidence: public_evidence,
    Appearance: public_appearances,
    Correction: public_corrections,
    Speaker: public_speakers,
    Topic: public_topics,
    Source: public_sources,
    Outlet: public_outlets,
}


def sees_everything(user, model) -> bool:
    """Newsroom accounts with the model's view permission see unpublished rows too."""
    meta = model._meta
    return user.is_authenticated and user.has_perm(f"{meta.app_label}.view_{meta.model_name}")


def visible_to(user, model: type[Model]) -> QuerySet:
    """Every row for newsroom accounts with the model's view permission, else the public ones."""
    return model._default_manager.all() if sees_everything(user, model) else PUBLIC[model]()


def visible_claims(user) -> QuerySet[Claim]:
    return visible_to(user, Claim)


def reviews_for(user) -> QuerySet[Review]:
    return visible_to(user, Review)
