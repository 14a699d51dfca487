"""The editorial state machine and who may move a claim along it: the one home of these rules.

Admin, API and shell all go through `claims.services.claim_transition`, which asks this module
whether a move is allowed and why not.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, transition

from tracker.refusals import InvalidAction, NotAllowedNow, NotPermitted, WorkflowError

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # a lazy translation (types only)


class Status(models.TextChoices):
    NEW = "new", _("New")
    RESEARCHING = "researching", _("Researching")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class AppearanceState(models.TextChoices):
    PUBLIC = "public", _("Public")
    # Added while the claim's published verdict is re-reviewed: public with the next verdict.
    AWAITING_PUBLICATION = "awaiting_publication", _("Awaiting the next verdict")
    # A repeat of a published claim: public once an Editor other than its recorder confirms it.
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    REJECTED = "rejected", _("Rejected")


@dataclass(frozen=True)
class Rule:
    sources: tuple[str, ...]
    target: str
    permission: str
    label: "str | _StrPromise"
    needs_note: bool = False


RULES: dict[str, Rule] = {
    "start_research": Rule(
        (Status.NEW,), Status.RESEARCHING, "claims.start_research_claim", _("Start research")
    ),
    "submit": Rule(
        (Status.RESEARCHING,), Status.IN_REVIEW, "claims.submit_claim", _("Submit for review")
    ),
    "publish": Rule((Status.IN_REVIEW,), Status.PUBLISHED, "claims.publish_claim", _("Publish")),
    "send_back": Rule(
        (Status.IN_REVIEW,),
        Status.RESEARCHING,
        "claims.send_back_claim",
        _("Send back"),
        needs_note=True,
    ),
    "reject": Rule(
        (Status.NEW, Status.RESEARCHING),
        Status.REJECTED,
        "claims.reject_claim",
        _("Reject"),
        needs_note=True,
    ),
    "reopen": Rule(
        (Status.PUBLISHED,),
        Status.RESEARCHING,
        "claims.reopen_claim",
        _("Reopen"),
        needs_note=True,
    ),
}

# Which group holds which transition permission; the data migration creates the groups from this.
GROUP_TRANSITIONS = {
    "Reporter": (),
    "Fact-checker": ("start_research", "submit"),
    "Editor": ("start_research", "submit", "publish", "send_back", "reject", "reopen"),
}


def in_newsroom(user) -> bool:
    """A member of one of the editorial groups (or a superuser): may see who wrote what."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=GROUP_TRANSITIONS).exists()


def refusal(claim, name: str, user) -> WorkflowError | None:
    """Why `user` may not apply transition `name` to `claim` now, or None when they may."""
    rule = RULES.get(name)
    if rule is None:
        return InvalidAction(
            _("Unknown transition %(name)s. Choose one of: %(names)s.")
            % {"name": name, "names": ", ".join(RULES)},
            field="transition",
        )
    if claim.status not in rule.sources:
        return NotAllowedNow(
            _("A claim that is %(status)s cannot be moved with “%(action)s”.")
            % {"status": Status(claim.status).label.lower(), "action": rule.label}
        )
    if name == "reject" and claim.published_review_id is not None:
        return NotAllowedNow(
            _(
                "This claim has a published verdict, so it cannot be rejected; publish a corrected "
                "verdict instead."
            )
        )
    if not (user and user.is_active and user.has_perm(rule.permission)):
        return NotPermitted(_("Your role does not allow “%(action)s”.") % {"action": rule.label})
    if name == "publish" and user.pk in claim.review_writer_ids():
        return NotPermitted(
            _("Four-eyes rule: you wrote or edited this review, so another editor must publish it.")
        )
    return None


def review_edit_refusal(review) -> WorkflowError | None:
    """Why `review` (or its evidence) cannot change now, or None when it can: only a draft of
    a claim in research changes, so what an editor approves stays put."""
    if review.state != "draft" or review.claim.status != Status.RESEARCHING:
        return NotAllowedNow(
            _("A review can be edited only while it is a draft and its claim is being researched.")
        )
    return None


# The published record. A claim's own fields below, its topics and its appearances change only
# while the claim is new or being researched; a published claim is reopened first, an in-review
# one sent back. A source's URL, title and date are frozen while a published verdict, or the
# draft of a claim in review, cites it. Edits made while a draft review exists count as writing
# that review for the four-eyes rule (see claims.edits).
RECORD_OPEN_STATUSES = (Status.NEW, Status.RESEARCHING)
CLAIM_RECORD_FIELDS = ("text", "language", "translation", "translation_language", "topics")
SOURCE_RECORD_FIELDS = ("url", "title", "published_on")
# The reviews whose cited sources are frozen: what readers see, and what an editor is approving.
REVIEWS_ON_RECORD = Q(state="published") | Q(state="draft", claim__status=Status.IN_REVIEW)

RECORD_CLOSED_REASONS = {
    Status.IN_REVIEW: _(
        "This claim is in review: an editor sends it back to research before its text, topics "
        "or appearances change."
    ),
    Status.PUBLISHED: _(
        "This claim is published: its text, topics and appearances change only after an editor "
        "reopens it, and the new verdict is published with a correction."
    ),
    Status.REJECTED: _("This claim was rejected: its record is closed."),
}


def record_edit_refusal(claim) -> WorkflowError | None:
    """Why the claim's record (its fields above, topics, appearances) cannot change now."""
    if claim.status in RECORD_OPEN_STATUSES:
        return None
    return NotAllowedNow(RECORD_CLOSED_REASONS[claim.status])


def source_edit_refusal(changed: set[str], *, cited_on_record: bool) -> WorkflowError | None:
    """Why a source may not take these changes: its URL, title and date are what a published
    (or in-review) verdict cites."""
    if cited_on_record and changed & set(SOURCE_RECORD_FIELDS):
        return NotAllowedNow(
            _(
                "A published or in-review claim cites this source or was said in it, so its URL, "
                "title and date are frozen; reopen the claim and cite a corrected source instead."
            )
        )
    return None


# The appearance side of the record. An appearance is added while its claim is new or researched
# (public with the claim's verdict; if a verdict is being re-reviewed, with the next one), or,
# to a published claim, as a repeat that waits for a second Editor. Once public on a claim with
# a published verdict, its quote, speaker, source and date are frozen, even while the claim is
# re-reviewed (readers see them all along); the source it was said in keeps its URL, title and
# date like a cited source. A repeat waiting for confirmation may be corrected until an Editor
# other than everyone who recorded or edited it confirms it; a rejected one is kept as it was.
APPEARANCE_RECORD_FIELDS = ("claim", "speaker", "source", "said_on", "quote", "quote_language")
# Confirming or rejecting a repeat writes only these columns: the repeat's own news
# (claim.repeated), not an edit of the claim's content (claim.updated).
APPEARANCE_CONFIRMATION_COLUMNS = ("state", "confirmed_by_id", "confirmed_at", "rejection_reason")
# Who may confirm or reject a repeat, and change what published claims show of the catalogue
# (a speaker, a source, an outlet): the role that publishes verdicts.
EDITOR_PERMISSION = "claims.publish_claim"

REPEAT_REFUSALS = {
    Status.NEW: _(
        "This claim is not published yet, so there is no verdict to repeat: add the quote as an "
        "appearance of the claim instead."
    ),
    Status.RESEARCHING: _(
        "This claim is not published yet, so there is no verdict to repeat: add the quote as an "
        "appearance of the claim instead."
    ),
    Status.IN_REVIEW: _(
        "This claim is in review: an editor sends it back to research, or publishes it, before "
        "its appearances change."
    ),
    Status.REJECTED: _(
        "This claim was rejected: it has no verdict to repeat. File the quote as a new claim."
    ),
}


def new_appearance_state(claim) -> str:
    """The state an appearance added to `claim` now starts in (record_edit_refusal or
    appearance_add_refusal said it may be added)."""
    if claim.status == Status.PUBLISHED:
        return AppearanceState.AWAITING_CONFIRMATION
    if claim.under_review:
        return AppearanceState.AWAITING_PUBLICATION
    return AppearanceState.PUBLIC


def appearance_add_refusal(claim) -> WorkflowError | None:
    """Why no appearance may be added to `claim` now: a published claim takes repeats."""
    if claim.status == Status.PUBLISHED:
        return None
    return record_edit_refusal(claim)


def repeat_refusal(claim) -> WorkflowError | None:
    """Why `claim` cannot take a repeat now: only a published verdict is repeated."""
    if claim.status == Status.PUBLISHED:
        return None
    if claim.under_review and claim.status == Status.RESEARCHING:
        return NotAllowedNow(
            _(
                "This claim is being re-reviewed: add the quote as an appearance; it is public "
                "with the next verdict."
            )
        )
    return NotAllowedNow(REPEAT_REFUSALS[claim.status])


def appearance_edit_refusal(appearance, claim, changed: set[str]) -> WorkflowError | None:
    """Why `appearance` (of `claim`, locked) may not take these changes now."""
    if appearance.state == AppearanceState.REJECTED:
        return NotAllowedNow(_("This repeat was rejected: it is kept as it was recorded."))
    if appearance.state == AppearanceState.AWAITING_CONFIRMATION:
        if "claim" in changed:
            return NotAllowedNow(
                _("A repeat stays with the claim it repeats: reject it and record it again.")
            )
        return None
    if (
        appearance.state == AppearanceState.PUBLIC
        and claim.published_review_id is not None
        and changed & set(APPEARANCE_RECORD_FIELDS)
    ):
        return NotAllowedNow(
            _(
                "Readers see this appearance, so its quote, speaker, source and date are frozen; "
                "record a repeat, or reject and re-record one waiting for confirmation."
            )
        )
    return record_edit_refusal(claim)


def appearance_delete_refusal(appearance, claim) -> WorkflowError | None:
    if appearance.state == AppearanceState.AWAITING_CONFIRMATION:
        return NotAllowedNow(_("Reject this repeat with a reason instead: the desk keeps it."))
    if appearance.state == AppearanceState.REJECTED:
        return NotAllowedNow(_("A rejected repeat is kept with its reason."))
    if appearance.state == AppearanceState.PUBLIC and claim.published_review_id is not None:
        return NotAllowedNow(_("Readers see this appearance: it stays on the record."))
    return record_edit_refusal(claim)


def confirmation_refusal(appearance, claim, user, writer_ids: set[int]) -> WorkflowError | None:
    """Why `user` may not confirm or reject the repeat `appearance` now (four-eyes: nobody
    confirms a repeat they recorded or edited)."""
    if not (user and user.is_active and user.has_perm(EDITOR_PERMISSION)):
        return NotPermitted(_("Only an Editor confirms or rejects a repeat."))
    if appearance.state != AppearanceState.AWAITING_CONFIRMATION:
        return NotAllowedNow(
            _("This repeat is %(state)s already; nothing was changed.")
            % {"state": AppearanceState(appearance.state).label.lower()}
        )
    if claim.status != Status.PUBLISHED:
        return NotAllowedNow(
            _("The claim is being re-reviewed: confirm its repeats once it is published again.")
        )
    if user.pk in writer_ids:
        return NotPermitted(
            _("Four-eyes rule: you recorded or edited this repeat, so another Editor confirms it.")
        )
    return None


def catalogue_edit_refusal(user, *, shown_publicly: bool) -> WorkflowError | None:
    """Why `user` may not change a speaker, source or outlet that published claims show: what
    readers see of a verdict changes only by an Editor's hand (audited, every ETag moved)."""
    if shown_publicly and not (user and user.is_active and user.has_perm(EDITOR_PERMISSION)):
        return NotPermitted(_("Published claims show this, so only an Editor may change it."))
    return None


def allowed_transitions(claim, user) -> list[str]:
    """The transitions `user` may apply to `claim` now, in workflow order."""
    return [name for name in RULES if refusal(claim, name, user) is None]


class ClaimWorkflow(ConcurrentTransitionMixin):
    """The status field's guard on the Claim model: `status` is protected (no plain assignment)
    and a save that finds the row moved meanwhile raises ConcurrentTransition. RULES above is
    the state machine; services.claim_transition checks it and then calls `move_to`."""

    @transition(field="status", source="*", target=RETURN_VALUE(*Status.values))
    def move_to(self, target: str) -> str:
        return target
