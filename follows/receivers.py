"""Tell followers the news the record announces (claims.events.claim_announced, sent in the
announcing transaction): a new verdict, a correction, a confirmed repeat. Recording it is one
row per news item, written with the change; the mail goes out in Celery tasks."""

from django.dispatch import receiver

from claims.events import claim_announced
from follows import services


@receiver(claim_announced, dispatch_uid="follows-record-notice")
def record_notice(
    sender, claim_id: int, event: str, appearance_id: int | None = None, **kwargs
) -> None:
    # In the writer's transaction: a failure here undoes the change, never half of it.
    services.notice_record(claim_id=claim_id, event=event, appearance_id=appearance_id)
