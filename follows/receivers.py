"""Tell followers the news the record announces (claims.events.claim_announced, sent after the
commit): a new verdict, a correction, a confirmed repeat. Recording it is one row per news item;
the mail goes out in Celery tasks."""

import logging

from django.dispatch import receiver

from claims.events import claim_announced
from follows import services

log = logging.getLogger(__name__)


@receiver(claim_announced, dispatch_uid="follows-record-notice")
def record_notice(
    sender, claim_id: int, event: str, appearance_id: int | None = None, **kwargs
) -> None:
    # The change is committed already: a failure here must not turn its request into a 500.
    try:
        services.notice_record(claim_id=claim_id, event=event, appearance_id=appearance_id)
    except Exception:
        log.exception("could not record the follow notice %s for claim %s", event, claim_id)
