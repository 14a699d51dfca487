"""Every plain write to the editorial record, one function each, for admin, API, demo and tests.

Each `<entity>_<action>(*, ..., by)` checks the role, then the freeze rule (claims.workflow),
runs full_clean, and saves with `by` in the history row, atomically. A call that changes nothing
writes nothing. Edits to a claim's record while its draft review exists are recorded on that
draft too, so the four-eyes rule counts their author as a writer of the review.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import visibility, workflow
from claims.models import Appearance, Claim, Evidence, RatingLevel, Review, Speaker, Topic
from claims.workflow import AppearanceState
from sources.models import Outlet, Source, normalised_or_blank
from tracker.refusals import NotAllowedNow, NotPermitted
from tracker.text import unique_slug
from tracker.versions import check_version

RECORD_EDIT_REASON = "edited the claim's record"


def _require(by, perm: str) -> None:
    if not (by is not None and by.is_active and by.has_perm(perm)):
        raise NotPermitted(_("Your role does not allow this change."))


def _assign(instance: Model, fields: dict) -> set[str]:
    """Set `fields` on `instance`; the names whose value actually changed."""
    changed = set()
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.add(name)
    return changed


def _save(instance: Model, *, by, reason: str | None = None) -> None:
    # A protected FSM field refuses even the assignment clean_fields makes; transitions own it.
    workflow_owned = [f.name for f in instance._meta.fields if getattr(f, "protected", False)]
    instance.full_clean(exclude=workflow_owned)
    instance._history_user = by  # type: ignore[attr-defined]  # read by simple_history
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save()


def _delete(instance: Model, *, by) -> None:
    instance._history_user = by  # type: ignore[attr-defined]  # read by simple_history
    instance.delete()


def _locked_open_claim(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    refusal = workflow.record_edit_refusal(claim)
    if refusal is not None:
        raise refusal
    return claim


def _count_as_review_writer(claim: Claim, *, by) -> None:
    """A record edit while a draft exists is part of writing that review (four-eyes)."""
    draft = claim.working_review()
    if draft is not None:
        _save(draft, by=by, reason=RECORD_EDIT_REASON)


DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=10)


def claim_filed_just_now(*, by, text: str, language: str) -> Claim | None:
    """The claim of this text and language `by` filed in the last few minutes: a form sent
    twice (a double-click, a reload) files it once. Locks `by`'s row until the caller's
    transaction ends, so two requests at once are answered one after the other."""
    if not (by is not None and by.is_authenticated):
        return None
    list(get_user_model().objects.select_for_update().filter(pk=by.pk).values_list("pk"))
    return (
        Claim.objects.filter(
            created_by=by,
            text=text,
            language=language,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-id")
        .first()
    )


def claim_create(*, by, topics: Iterable[Topic] = (), **fields) -> Claim:
    _require(by, "claims.add_claim")
    with transaction.atomic():
        claim = Claim(created_by=by, **fields)
        _save(claim, by=by)
        claim.topics.set(topics)
    return claim


def claim_update(
    *,
    claim: Claim,
    by,
    topics: Iterable[Topic] | None = None,
    version: str | None = None,
    **fields,
) -> Claim:
    """Change a claim's fields and topics; its record only while it is new or researched.
    `version` (tracker.versions) is the one the editor's form showed: a stale one is refused."""
    _require(by, "claims.change_claim")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        check_version(claim, version)
        changed = _assign(claim, fields)
        new_topics = None if topics is None else {t.pk for t in topics}
        if new_topics is not None and new_topics != set(claim.topics.values_list("pk", flat=True)):
            changed.add("topics")
        if not changed:
            return claim
        if changed & set(workflow.CLAIM_RECORD_FIELDS):
            refusal = workflow.record_edit_refusal(claim)
            if refusal is not None:
                raise refusal
        _save(claim, by=by)
        if "topics" in changed and new_topics is not None:
            claim.topics.set(new_topics)
        if changed & set(workflow.CLAIM_RECORD_FIELDS):
            _count_as_review_writer(claim, by=by)
    return claim


def claim_delete(*, claim: Claim, by) -> None:
    """Delete a claim filed by mistake; one with a record of its own is rejected instead."""
    _require(by, "claims.delete_claim")
    with transaction.atomic():
        claim = _locked_open_claim(claim.pk)
        if claim.published_review_id is not None or claim.reviews.exists():
            raise NotAllowedNow(_("A claim with a review is rejected, not deleted."))
        _delete(claim, by=by)


def _refuse(refusal) -> None:
    if refusal is not None:
        raise refusal


def _drafts_showing(appearances: QuerySet, cited: QuerySet) -> QuerySet[Review]:
    """The draft reviews of claims with these appearances, or citing this evidence."""
    return Review.objects.filter(
        Q(claim__in=appearances.values("claim_id")) | Q(pk__in=cited.values("review_id")),
        state=Review.State.DRAFT,
    )


def _count_drafts_as_written(drafts: QuerySet[Review], *, by) -> None:
    """An edit of what a draft's claim shows (its said-in source, speaker, outlet) is part of
    writing that review (four-eyes)."""
    for draft in drafts.distinct():
        _save(draft, by=by, reason=RECORD_EDIT_REASON)


def duplicate_appearance(claim: Claim, speaker, source: Source, said_on) -> Appearance | None:
    """An appearance of `claim` already recorded (and not rejected) by the same speaker in the
    same source, or at the same URL, on the same date. (Two speakers quoted in one article are
    two appearances.)"""
    same_place = Q(source=source)
    if source.url_normalised:
        same_place |= Q(source__url_normalised=source.url_normalised)
    return (
        Appearance.objects.filter(same_place, claim=claim, speaker=speaker, said_on=said_on)
        .exclude(state=AppearanceState.REJECTED)
        .select_related("speaker", "source")
        .first()
    )


def _refuse_duplicate(claim: Claim, fields: dict, *, exclude: int | None = None) -> None:
    speaker, source, said_on = fields.get("speaker"), fields.get("source"), fields.get("said_on")
    if source is None or speaker is None:
        return
    existing = duplicate_appearance(claim, speaker, source, said_on)
    if existing is not None and existing.pk != exclude:
        raise NotAllowedNow(
            _(
                "This appearance is recorded already: #%(id)s, %(speaker)s in “%(source)s” on "
                "%(date)s (%(state)s)."
            )
            % {
                "id": existing.pk,
                "speaker": existing.speaker,
                "source": existing.source,
                "date": existing.said_on or _("an unknown date"),
                "state": AppearanceState(existing.state).label.lower(),
            },
            field="source",
        )


def appearance_create(*, claim: Claim, by, **fields) -> Appearance:
    """Add an appearance: to a new or researched claim (public with its verdict), or to a
    published one as a repeat awaiting an Editor's confirmation (see claims.services)."""
    _require(by, "claims.add_appearance")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        _refuse(workflow.appearance_add_refusal(claim))
        _refuse_duplicate(claim, fields)
        appearance = Appearance(
            claim=claim,
            state=workflow.new_appearance_state(claim),
            recorded_by=by if by.is_authenticated else None,
            recorded_at=timezone.now(),
            **fields,
        )
        _save(appearance, by=by)
        _count_as_review_writer(claim, by=by)
    return appearance


def appearance_update(*, appearance: Appearance, by, **fields) -> Appearance:
    _require(by, "claims.change_appearance")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=appearance.claim_id)
        appearance = Appearance.objects.get(pk=appearance.pk)
        probe = Appearance.objects.get(pk=appearance.pk)
        changed = _assign(probe, fields)
        if not changed:
            return appearance
        _refuse(workflow.appearance_edit_refusal(appearance, claim, changed))
        claims = [claim]
        if "claim" in changed:
            target = _locked_open_claim(fields["claim"].pk)  # moved: both records change
            claims.append(target)
            probe.state = workflow.new_appearance_state(target)
        if changed & {"claim", "speaker", "source", "said_on"}:
            _refuse_duplicate(
                probe.claim,
                {"speaker": probe.speaker, "source": probe.source, "said_on": probe.said_on},
                exclude=probe.pk,
            )
        _save(probe, by=by)
        for each in claims:
            _count_as_review_writer(each, by=by)
    return probe


def appearance_delete(*, appearance: Appearance, by) -> None:
    _require(by, "claims.delete_appearance")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=appearance.claim_id)
        appearance = Appearance.objects.get(pk=appearance.pk)
        _refuse(workflow.appearance_delete_refusal(appearance, claim))
        _delete(appearance, by=by)
        _count_as_review_writer(claim, by=by)


def _locked_draft(review_id: int) -> Review:
    claim_id = Review.objects.values_list("claim_id", flat=True).get(pk=review_id)
    Claim.objects.select_for_update().get(pk=claim_id)
    review = Review.objects.select_related("claim").get(pk=review_id)
    refusal = workflow.review_edit_refusal(review)
    if refusal is not None:
        raise refusal
    return review


def review_update(*, review: Review, by, version: str | None = None, **fields) -> Review:
    """Change the draft review of a claim in research (rating, summary, reasoning)."""
    _require(by, "claims.change_review")
    with transaction.atomic():
        review = _locked_draft(review.pk)
        check_version(review, version)
        if _assign(review, fields):
            _save(review, by=by)
    return review


def evidence_add(*, review: Review, by, **fields) -> Evidence:
    _require(by, "claims.add_evidence")
    with transaction.atomic():
        review = _locked_draft(review.pk)
        evidence = Evidence(review=review, **fields)
        _save(evidence, by=by)
    return evidence


def evidence_update(*, evidence: Evidence, by, **fields) -> Evidence:
    _require(by, "claims.change_evidence")
    with transaction.atomic():
        _locked_draft(evidence.review_id)
        evidence = Evidence.objects.get(pk=evidence.pk)
        if _assign(evidence, fields):
            _save(evidence, by=by)
    return evidence


def evidence_remove(*, evidence: Evidence, by) -> None:
    _require(by, "claims.delete_evidence")
    with transaction.atomic():
        _locked_draft(evidence.review_id)
        _delete(Evidence.objects.get(pk=evidence.pk), by=by)


def source_cited_on_record(source: Source) -> bool:
    """Whether a published verdict, or the draft of a claim in review, cites `source`, or a
    claim readers see (or an editor is approving) was said in it."""
    if Review.objects.filter(workflow.REVIEWS_ON_RECORD, evidence__source=source).exists():
        return True
    if visibility.public_appearances().filter(source=source).exists():
        return True
    # A repeat waiting for confirmation is, like a draft in research, not on record yet.
    approving = Appearance.objects.filter(source=source, claim__status=workflow.Status.IN_REVIEW)
    return approving.exclude(
        state__in=[AppearanceState.AWAITING_CONFIRMATION, AppearanceState.REJECTED]
    ).exists()


def source_create(*, by, **fields) -> Source:
    _require(by, "sources.add_source")
    with transaction.atomic():
        source = Source(**fields)
        _save(source, by=by)
    return source


def source_for_url(*, url: str, by, **fields) -> Source:
    """The catalogue's source at `url` (compared normalised, so a tracking parameter or the
    host's case makes no second source), else a new one with `fields`. One source per page,
    whoever files it: intake and the desk's repeats both take it from here."""
    normalised = normalised_or_blank(url)
    found = Source.objects.filter(url_normalised=normalised).first() if normalised else None
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return source_create(by=by, url=url, **fields)
    except (IntegrityError, ValidationError):
        # Filed by someone else a moment ago: the unique normalised URL keeps it one source.
        found = Source.objects.filter(url_normalised=normalised).first() if normalised else None
        if found is None:
            raise
        return found


def source_update(*, source: Source, by, version: str | None = None, **fields) -> Source:
    """Change a source; its URL, title and date stay as cited while a verdict on record cites it."""
    _require(by, "sources.change_source")
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        check_version(source, version)
        changed = _assign(source, fields)
        if not changed:
            return source
        _refuse(
            workflow.source_edit_refusal(changed, cited_on_record=source_cited_on_record(source))
        )
        shown = visibility.public_sources().filter(pk=source.pk).exists()
        _refuse(workflow.catalogue_edit_refusal(by, shown_publicly=shown))
        _save(source, by=by)
        _count_drafts_as_written(
            _drafts_showing(
                Appearance.objects.filter(source=source), Evidence.objects.filter(source=source)
            ),
            by=by,
        )
    return source


def source_delete(*, source: Source, by) -> None:
    _require(by, "sources.delete_source")
    with transaction.atomic():
        _delete(Source.objects.select_for_update().get(pk=source.pk), by=by)


def outlet_create(*, by, **fields) -> Outlet:
    _require(by, "sources.add_outlet")
    with transaction.atomic():
        outlet = Outlet(**fields)
        outlet.slug = outlet.slug or unique_slug(
            Outlet, outlet.name, max_length=200, fallback="outlet"
        )
        _save(outlet, by=by)
    return outlet


def outlet_update(*, outlet: Outlet, by, version: str | None = None, **fields) -> Outlet:
    _require(by, "sources.change_outlet")
    with transaction.atomic():
        outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
        check_version(outlet, version)
        if _assign(outlet, fields):
            shown = visibility.public_outlets().filter(pk=outlet.pk).exists()
            _refuse(workflow.catalogue_edit_refusal(by, shown_publicly=shown))
            _save(outlet, by=by)
            _count_drafts_as_written(
                _drafts_showing(
                    Appearance.objects.filter(source__outlet=outlet),
                    Evidence.objects.filter(source__outlet=outlet),
                ),
                by=by,
            )
    return outlet


def outlet_delete(*, outlet: Outlet, by) -> None:
    _require(by, "sources.delete_outlet")
    with transaction.atomic():
        _delete(Outlet.objects.select_for_update().get(pk=outlet.pk), by=by)


def topic_create(*, by, **fields) -> Topic:
    _require(by, "claims.add_topic")
    with transaction.atomic():
        topic = Topic(**fields)
        topic.slug = topic.slug or unique_slug(Topic, topic.name, max_length=100, fallback="topic")
        _save(topic, by=by)
    return topic


def topic_update(*, topic: Topic, by, version: str | None = None, **fields) -> Topic:
    """Rename a topic: a label readers see, not part of any claim's record (so, on a public
    claim, an Editor's change)."""
    _require(by, "claims.change_topic")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        check_version(topic, version)
        if _assign(topic, fields):
            shown = visibility.public_topics().filter(pk=topic.pk).exists()
            _refuse(workflow.catalogue_edit_refusal(by, shown_publicly=shown))
            _save(topic, by=by)
            drafts = Review.objects.filter(state=Review.State.DRAFT, claim__topics=topic)
            _count_drafts_as_written(drafts, by=by)
    return topic


def topic_delete(*, topic: Topic, by) -> None:
    """Delete a topic no claim on the record uses: deleting it would unlink it from them."""
    _require(by, "claims.delete_topic")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        closed = topic.claims.exclude(status__in=workflow.RECORD_OPEN_STATUSES).first()
        refusal = None if closed is None else workflow.record_edit_refusal(closed)
        if refusal is not None:
            raise refusal
        _delete(topic, by=by)


def speaker_create(*, by, **fields) -> Speaker:
    _require(by, "claims.add_speaker")
    with transaction.atomic():
        speaker = Speaker(**fields)
        speaker.slug = speaker.slug or unique_slug(
            Speaker, speaker.name, max_length=200, fallback="speaker"
        )
        _save(speaker, by=by)
    return speaker


def speaker_for_name(*, name: str, by) -> tuple[Speaker, bool]:
    """The speaker of that name (case aside), else a new one, and whether it is new: one
    speaker per name typed, on the intake desk and the desk's repeats alike."""
    name = name.strip()[:200]
    found = Speaker.objects.filter(name__iexact=name).first()
    return (found, False) if found else (speaker_create(by=by, name=name), True)


def speaker_update(*, speaker: Speaker, by, version: str | None = None, **fields) -> Speaker:
    _require(by, "claims.change_speaker")
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
        check_version(speaker, version)
        if _assign(speaker, fields):
            shown = visibility.public_appearances().filter(speaker=speaker).exists()
            _refuse(workflow.catalogue_edit_refusal(by, shown_publicly=shown))
            _save(speaker, by=by)
            _count_drafts_as_written(
                _drafts_showing(
                    Appearance.objects.filter(speaker=speaker), Evidence.objects.none()
                ),
                by=by,
            )
    return speaker


def speaker_delete(*, speaker: Speaker, by) -> None:
    _require(by, "claims.delete_speaker")
    with transaction.atomic():
        _delete(Speaker.objects.select_for_update().get(pk=speaker.pk), by=by)


def rating_level_create(*, by, **fields) -> RatingLevel:
    _require(by, "claims.add_ratinglevel")
    with transaction.atomic():
        level = RatingLevel(**fields)
        _save(level, by=by)
    return level


def rating_level_update(
    *, level: RatingLevel, by, version: str | None = None, **fields
) -> RatingLevel:
    """Relabel or reorder a step of the scale (data the published verdicts point at)."""
    _require(by, "claims.change_ratinglevel")
    with transaction.atomic():
        level = RatingLevel.objects.select_for_update().get(pk=level.pk)
        check_version(level, version)
        if _assign(level, fields):
            _save(level, by=by)
    return level
