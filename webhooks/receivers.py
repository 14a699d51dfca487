"""Turn public changes to claims into webhook events, written with the change itself.

- `claim.published` / `claim.corrected` come from the workflow (claims.events.claim_announced,
  sent at the end of the writing transaction), `claim.repeated` from an Editor confirming a
  repeat (claims.services): the event and its deliveries are written in that transaction, and
  the deliveries handed on through the outbox, so a commit and its event are one.
- `claim.updated` is queued here in the outbox (the `webhooks.announce_update` task, once per
  transaction and claim), and that task records it after the commit from the committed claim,
  when a published claim's own public content (its slug, topics) or its appearances are edited,
  or another desk's verdict shown beside it comes or goes (a link to an external review
  decided, or put back to "needs confirmation" by a re-import). Its text, translation and
  language reach readers only with a verdict (claim.published/corrected): edited while the
  claim is re-reviewed, they are a draft, and no event. Which claims an edit touches is
  claims.dependents' answer (faces_changed); edits of a speaker, source, outlet or link health
  move those claims' updated_at and ETag there, but are no event: the claim itself was not
  edited.
"""

from django.dispatch import receiver

from claims.events import claim_announced, faces_changed
from claims.models import Appearance, Claim
from claims.visibility import public_claims
from claims.workflow import APPEARANCE_CONFIRMATION_COLUMNS
from exchange.models import ReviewLink
from tracker import outbox
from webhooks import services
from webhooks.services import announce_update

CLAIM_CONTENT_FIELDS = frozenset({"slug", "topics"})


@receiver(claim_announced, dispatch_uid="webhooks-record-event")
def record_event(
    sender, claim_id: int, event: str, appearance_id: int | None = None, **kwargs
) -> None:
    # In the writer's transaction: a failure here undoes the change, never half of it.
    services.event_record(claim_id=claim_id, event_type=event, appearance_id=appearance_id)


def is_content_edit(sender, fields: frozenset[str] | None) -> bool:
    if sender is Claim:
        return bool(fields and fields & CLAIM_CONTENT_FIELDS)
    if sender is ReviewLink:
        # Another desk's verdict shown beside the claim came or went (confirmed, rejected, or
        # back to "needs confirmation" after a re-import changed it).
        return True
    if sender is Appearance:
        # A repeat's confirmation is announced as claim.repeated by claims.services.
        return fields is None or bool(fields - set(APPEARANCE_CONFIRMATION_COLUMNS))
    return False


@receiver(faces_changed, dispatch_uid="webhooks-claims-changed")
def announce_content_edits(sender, claim_ids: frozenset[int], fields=None, **kwargs) -> None:
    if claim_ids and is_content_edit(sender, fields):
        edited = public_claims().filter(pk__in=claim_ids).values_list("pk", flat=True)
        for claim_id in edited:
            outbox.enqueue(announce_update.name, claim_id, once=True)
