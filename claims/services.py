"""Every editorial write that has rules: atomic, audited, and the same for admin, API and shell."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from simple_history.utils import bulk_create_with_history

from claims import edits, workflow
from claims.events import claim_announced
from claims.models import (
    PUBLISHED_FACE_FIELDS,
    Appearance,
    Claim,
    ClaimTransition,
    Correction,
    Evidence,
    Review,
)
from claims.recheck import default_recheck_after
from claims.workflow import AppearanceState, Status
from tracker.refusals import InvalidAction, NotAllowedNow, NotPermitted


def claim_transition(
    *,
    claim_id: int,
    name: str,
    by,
    note: str = "",
    expected_status: str | None = None,
    recheck_after: datetime.date | None = None,
) -> Claim:
    """Apply workflow transition `name` to the claim as `by`, or raise a WorkflowError.

    `expected_status` is the status the user saw; if someone moved the claim meanwhile the
    action is refused instead of being applied to a state the user never saw.
    `recheck_after` (publish only) is the date past which the verdict is due for a re-check.

    In order, in one transaction:
    1. lock the claim; check the rule (workflow.refusal) and the note;
    2. `_prepare`: on submit, a complete review exists; on publish, the draft becomes the
       published review (the previous one superseded, with a public Correction), and the
       appearances awaiting publication go public;
    3. save the claim (`move_to`: the protected status field, refused if the row moved), which
       writes its history row and, through claims.dependents and claims.stats (post_save),
       moves updated_at (ETag), refreshes the search text, retires the cached pages and recounts
       its speakers' records, then sends events.faces_changed (intake's match text, webhooks'
       claim.updated);
    4. log the ClaimTransition (who, when, from, to, note);
    and after the commit, events.claim_announced ("claim.published" or "claim.corrected") for
    webhooks.
    """
    note = (note or "").strip()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        if expected_status and claim.status != expected_status:
            raise NotAllowedNow(
                _("Someone else moved this claim to “%(status)s” meanwhile; nothing was changed.")
                % {"status": Status(claim.status).label}
            )
        refusal = workflow.refusal(claim, name, by)
        if refusal is not None:
            raise refusal
        rule = workflow.RULES[name]
        if rule.needs_note and not note:
            raise InvalidAction(_("Say why in the note: readers of the log need it."), field="note")
        from_status = claim.status
        event = _prepare(claim, name, by=by, note=note, recheck_after=recheck_after)
        claim.move_to(rule.target)
        claim.status_since = moved_at = timezone.now()
        try:
            claim.save()
        except ConcurrentTransition:
            raise NotAllowedNow(
                _("Someone else moved this claim meanwhile; nothing was changed.")
            ) from None
        ClaimTransition.objects.create(
            claim=claim,
            name=name,
            from_status=from_status,
            to_status=claim.status,
            by=by,
            note=note,
            at=moved_at,
        )
        if event:
            # Last, in the same transaction: the webhook event and the followers' news are
            # written with the move, and handed on through the outbox (atomic with it).
            claim_announced.send(sender=Claim, claim_id=claim.pk, event=event)
    return claim


def _prepare(
    claim: Claim, name: str, *, by, note: str, recheck_after: datetime.date | None
) -> str | None:
    """Checks and writes that go with a transition; returns the public event, if any."""
    if recheck_after is not None and name != "publish":
        raise InvalidAction(_("A re-check date is set when publishing."), field="recheck_after")
    if name == "submit":
        review = claim.working_review()
        if review is None or review.rating_id is None or not review.summary.strip():
            raise InvalidAction(
                _("Write a review with a rating and a summary before submitting."),
                field="transition",
            )
        return None
    if name != "publish":
        return None
    if recheck_after is not None and recheck_after <= timezone.localdate():
        raise InvalidAction(_("The re-check date must be in the future."), field="recheck_after")
    recheck_after = recheck_after or default_recheck_after(claim, timezone.localdate())

    review = claim.working_review()
    if review is None or review.rating_id is None or not review.summary.strip():
        raise InvalidAction(_("There is no complete review to publish."), field="transition")
    previous = claim.published_review
    if previous is not None and previous.rating_id != review.rating_id and not note:
        raise InvalidAction(
            _("This verdict differs from the published one: write a correction note for readers."),
            field="note",
        )
    now = timezone.now()
    if previous is not None:
        previous.state = Review.State.SUPERSEDED
        previous.save(update_fields=["state"])
    review.state = Review.State.PUBLISHED
    review.approved_by = by
    review.published_at = now
    review.recheck_after = recheck_after
    for field, kept_as in PUBLISHED_FACE_FIELDS.items():
        setattr(review, kept_as, getattr(claim, field))
    review.save(
        update_fields=[
            "state",
            "approved_by",
            "published_at",
            "recheck_after",
            *PUBLISHED_FACE_FIELDS.values(),
        ]
    )
    # Appearances added during a re-review go public with the verdict that covers them.
    claim.appearances.filter(state=AppearanceState.AWAITING_PUBLICATION).update(
        state=AppearanceState.PUBLIC
    )
    claim.published_review = review
    claim.evidence_dead_since = None
    if claim.first_published_at is None:
        claim.first_published_at = now
    if previous is None:
        return "claim.published"
    Correction.objects.create(
        claim=claim,
        review=review,
        previous_review=previous,
        created_by=by,
        created_at=now,
        note=note or _("The review was updated after a re-review; the verdict is unchanged."),
    )
    return "claim.corrected"


def review_start(*, claim: Claim, by) -> Review:
    """Open the draft review for a claim in research, starting from the published one if any."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != Status.RESEARCHING:
            raise NotAllowedNow(_("Reviews are written while a claim is being researched."))
        if not by.has_perm("claims.add_review"):
            raise NotPermitted(_("Your role does not allow writing reviews."))
        draft = claim.working_review()
        if draft is not None:
            return draft
        base = claim.published_review
        draft = Review.objects.create(
            claim=claim,
            author=by,
            rating=base.rating if base else None,
            summary=base.summary if base else "",
            reasoning=base.reasoning if base else "",
        )
        if base is not None:
            bulk_create_with_history(
                [
                    Evidence(
                        review=draft,
                        source_id=e.source_id,
                        stance=e.stance,
                        quotation=e.quotation,
                        note=e.note,
                        position=e.position,
                    )
                    for e in base.evidence.all()
                ],
                Evidence,
                default_user=by,
            )
    return draft


def appearance_record_repeat(*, claim: Claim, by, **fields) -> Appearance:
    """Record a repeat of a published claim (speaker, source, date, quote, its language): it
    waits, unseen by readers, for an Editor other than `by` to confirm it. The verdict is
    untouched: no reopening, no new review."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        refusal = workflow.repeat_refusal(locked)
        if refusal is not None:
            raise refusal
        return edits.appearance_create(claim=locked, by=by, **fields)


def _locked_repeat(appearance_id: int, *, by) -> tuple[Appearance, Claim]:
    claim_id = Appearance.objects.values_list("claim_id", flat=True).get(pk=appearance_id)
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    appearance = Appearance.objects.select_for_update().get(pk=appearance_id)
    refusal = workflow.confirmation_refusal(appearance, claim, by, appearance.writer_ids())
    if refusal is not None:
        raise refusal
    return appearance, claim


def _move_repeat(appearance: Appearance, *, by, **fields) -> None:
    """Write the confirmation or rejection only if the repeat still awaits it (one conditional
    UPDATE: of two Editors at once, exactly one changes a row), then the audited save."""
    moved = Appearance.objects.filter(
        pk=appearance.pk, state=AppearanceState.AWAITING_CONFIRMATION
    ).update(**fields)
    if moved != 1:
        raise NotAllowedNow(_("Someone else confirmed or rejected this repeat meanwhile."))
    for name, value in fields.items():
        setattr(appearance, name, value)
    appearance._history_user = by  # type: ignore[attr-defined]  # read by simple_history
    appearance.full_clean()
    appearance.save()


def appearance_confirm(*, appearance_id: int, by) -> Appearance:
    """An Editor other than its recorder confirms a repeat: it goes public, the claim's
    updated_at and ETag move (claims.dependents), and `claim.repeated` is announced in the same
    transaction."""
    with transaction.atomic():
        appearance, claim = _locked_repeat(appearance_id, by=by)
        _move_repeat(
            appearance,
            by=by,
            state=AppearanceState.PUBLIC,
            confirmed_by=by,
            confirmed_at=timezone.now(),
        )
        claim_announced.send(
            sender=Claim, claim_id=claim.pk, event="claim.repeated", appearance_id=appearance.pk
        )
    return appearance


def appearance_reject(*, appearance_id: int, by, reason: str) -> Appearance:
    """An Editor other than its recorder rejects a repeat, saying why: it stays unseen, kept
    with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidAction(_("Say why the repeat is rejected."), field="reason")
    with transaction.atomic():
        appearance, _claim = _locked_repeat(appearance_id, by=by)
        _move_repeat(appearance, by=by, state=AppearanceState.REJECTED, rejection_reason=reason)
    return appearance
