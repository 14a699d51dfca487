"""Following by email: asking (double opt-in), confirming, unsubscribing, and telling followers
the news, each in one place. Mail never leaves in a request: the request records what to send,
with its task in the outbox (tracker.outbox), and a Celery task sends it after the commit.

Who follows what never shows: asking to follow answers the same whether the address is new,
waiting for its confirmation or following already (and an address that follows already gets no
mail); the limits (FOLLOW_CONFIRMATIONS_PER_DAY per address, one confirmation per follow per
RESEND_AFTER) drop mail silently, with the same answer.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable, Iterator
from itertools import islice

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation

from claims import visibility
from claims.models import Claim, Correction
from follows import mail
from follows.models import Follow, Notice, NoticeBatch
from follows.targets import Target, target_of
from tracker import outbox

log = logging.getLogger(__name__)

RESEND_AFTER = datetime.timedelta(hours=1)


def normalised(email: str) -> str:
    """One spelling per address: the domain is case-blind (and so, in practice, the rest)."""
    return email.strip().lower()


def _may_mail(follow: Follow, now: datetime.datetime) -> bool:
    if follow.confirmation_sent_at and now - follow.confirmation_sent_at < RESEND_AFTER:
        return False
    sent_today = Follow.objects.filter(
        email=follow.email, confirmation_sent_at__gte=now - datetime.timedelta(days=1)
    ).count()
    return sent_today < settings.FOLLOW_CONFIRMATIONS_PER_DAY


def follow_request(*, email: str, target: Target, language: str) -> None:
    """Record that `email` asks to follow `target`, and mail it a confirmation link unless it
    follows already or a limit says no. Returns nothing: the caller must not learn which."""
    now = timezone.now()
    with transaction.atomic():
        follow, _created = Follow.objects.get_or_create(
            email=normalised(email),
            kind=target.kind,
            target_id=target.id,
            defaults={"language": language},
        )
        if follow.confirmed_at or not _may_mail(follow, now):
            return
        claimed = Follow.objects.filter(
            pk=follow.pk, confirmation_sent_at=follow.confirmation_sent_at
        ).update(confirmation_sent_at=now, language=language)
        if claimed:  # a concurrent request for the same follow sends nothing more
            outbox.enqueue(send_confirmation.name, follow.pk)


def follow_confirm(*, token: str) -> tuple[Follow | None, bool]:
    """Confirm the follow of `token`: (the follow, whether this call confirmed it). Only the
    first confirmation sends the welcome mail."""
    now = timezone.now()
    with transaction.atomic():
        confirmed = Follow.objects.filter(token=token, confirmed_at=None).update(confirmed_at=now)
        follow = Follow.objects.filter(token=token).first()
        if confirmed and follow is not None:
            outbox.enqueue(send_welcome.name, follow.pk)
    return follow, bool(confirmed)


def follows_purge_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Forget the follows never confirmed within FOLLOW_UNCONFIRMED_DAYS of being asked for
    (an address typed by someone else is not kept); returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.FOLLOW_UNCONFIRMED_DAYS)
    deleted, _by_model = Follow.objects.filter(confirmed_at=None, created_at__lt=cutoff).delete()
    return deleted


@shared_task(name="follows.purge_unconfirmed", ignore_result=True)
def purge_unconfirmed() -> int:
    """Run by beat daily."""
    return follows_purge_unconfirmed()


def follow_unsubscribe(*, token: str) -> None:
    """Forget the follow of `token` (idempotent: an unknown token is already forgotten)."""
    Follow.objects.filter(token=token).delete()


def _send(follow_id: int, build) -> None:
    follow = Follow.objects.filter(pk=follow_id).first()
    target = target_of(follow) if follow else None
    if follow is None or target is None:  # unsubscribed, or no longer public
        return
    build(follow, target).send()


@shared_task(name="follows.send_confirmation")
def send_confirmation(follow_id: int) -> None:
    _send(follow_id, mail.confirmation)


@shared_task(name="follows.send_welcome")
def send_welcome(follow_id: int) -> None:
    _send(follow_id, mail.welcome)


# Notices


def notice_key(*, claim: Claim, event: str, appearance_id: int | None) -> str | None:
    """One key per news item, or None when the announcement is not news for followers: a
    verdict published again unchanged after a re-review, an edit (claim.updated)."""
    if event == "claim.repeated" and appearance_id:
        return f"repeat:{appearance_id}"
    if event == "claim.corrected":
        return f"correction:{claim.pk}:{claim.published_review_id}"
    if event == "claim.published":
        first = claim.first_published_at
        review = claim.published_review
        if review is None or (first and review.published_at and first < review.published_at):
            return None
        return f"verdict:{claim.pk}:{claim.published_review_id}"
    return None


EVENTS = {"repeat": Notice.Event.REPEAT, "correction": Notice.Event.CORRECTION}


def notice_record(*, claim_id: int, event: str, appearance_id: int | None = None) -> None:
    """Record the news of an announcement once, in the announcing transaction, and plan its
    mail after the commit (through the outbox: the news and its mail are written together)."""
    claim = visibility.public_claims().filter(pk=claim_id).first()
    if claim is None:
        return
    key = notice_key(claim=claim, event=event, appearance_id=appearance_id)
    if key is None:
        return
    on_record = visibility.public_appearances().filter(claim_id=claim_id)
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            key=key,
            defaults={
                "event": EVENTS.get(key.split(":")[0], Notice.Event.VERDICT),
                "claim_id": claim_id,
                "appearance_id": appearance_id,
                "speaker_ids": sorted(set(on_record.values_list("speaker_id", flat=True))),
                "topic_ids": sorted(claim.topics.values_list("pk", flat=True)),
            },
        )
        if created:
            outbox.enqueue(plan_notice.name, notice.pk)


def followers(notice: Notice) -> QuerySet[Follow]:
    """The follows that hear of `notice`: confirmed before the news (a worker that plans late
    does not tell newer followers old news), one per address (its first follow), so an address
    following the claim, its speaker and its topic gets one mail."""
    targets = (
        Q(kind=Follow.Kind.CLAIM, target_id=notice.claim_id)
        | Q(kind=Follow.Kind.SPEAKER, target_id__in=notice.speaker_ids)
        | Q(kind=Follow.Kind.TOPIC, target_id__in=notice.topic_ids)
    )
    hearing = Follow.objects.filter(targets, confirmed_at__lte=notice.created_at)
    earlier = hearing.filter(email=OuterRef("email"), pk__lt=OuterRef("pk"))
    return hearing.filter(~Exists(earlier)).order_by("pk")


def _chunks(items: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@shared_task(name="follows.plan_notice")
def plan_notice(notice_id: int) -> None:
    """Cut the notice's followers into batches of FOLLOW_BATCH_SIZE and queue one task each.
    The notice is planned once: the first run claims it with a conditional UPDATE."""
    with transaction.atomic():
        planning = Notice.objects.filter(pk=notice_id, planned_at=None)
        if not planning.update(planned_at=timezone.now()):
            return
        notice = Notice.objects.get(pk=notice_id)
        ids = followers(notice).values_list("pk", flat=True)
        batches = NoticeBatch.objects.bulk_create(
            NoticeBatch(notice=notice, first_follow_id=chunk[0], last_follow_id=chunk[-1])
            for chunk in _chunks(ids.iterator(chunk_size=5000), settings.FOLLOW_BATCH_SIZE)
        )
        for batch in batches:
            outbox.enqueue(send_notice_batch.name, batch.pk)


def news_of(notice: Notice) -> dict | None:
    """What a notice's mail says, in the active language; None when the claim is not public."""
    claim = (
        visibility.public_claims()
        .select_related("published_review__rating")
        .filter(pk=notice.claim_id)
        .first()
    )
    if claim is None or claim.published_review is None:
        return None
    review = claim.published_review
    news = {
        "event": notice.event,
        "claim": claim.short_text,
        "claim_text": claim.display_text,
        "rating": review.rating.label if review.rating else "",
        "summary": review.summary,
        "url": settings.SITE_URL + claim.get_absolute_url(),
    }
    if notice.event == Notice.Event.CORRECTION:
        correction = (
            Correction.objects.filter(claim=claim, review=review)
            .select_related("previous_review__rating")
            .first()
        )
        previous = correction.previous_review if correction else None
        news["previous"] = previous.rating.label if previous and previous.rating else ""
        news["note"] = correction.note if correction else ""
    if notice.event == Notice.Event.REPEAT:
        repeat = (
            visibility.public_appearances()
            .select_related("speaker")
            .filter(pk=notice.appearance_id or 0)
            .first()
        )
        news["speaker"] = repeat.speaker.name if repeat else ""
        news["quote"] = repeat.quote if repeat else ""
    return news


def _lease_until() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.FOLLOW_BATCH_LEASE_SECONDS)


def _stalled() -> Q:
    """A batch left `sending` past its lease: its worker died (or hangs) mid-batch."""
    return Q(state=NoticeBatch.State.SENDING, leased_until__lt=timezone.now())


@shared_task(name="follows.send_notice_batch", bind=True, max_retries=5)
def send_notice_batch(self, batch_id: int) -> None:
    """Mail one batch over one SMTP connection. A worker claims the batch (pending, or sending
    past its lease) with a conditional UPDATE that gives it a lease token, so two never send it.
    Each follower is marked (sent_up_to) before its mail goes, by an UPDATE that holds only
    while the lease is still this worker's and renews it: nobody is mailed twice, and a batch
    whose worker died resumes after the last follower marked (the one mail in flight when it
    died may be lost: at most once). An SMTP error puts the batch back without the follower
    whose mail failed, and the retry carries on from there."""
    token = uuid.uuid4().hex
    claimed = NoticeBatch.objects.filter(
        Q(state=NoticeBatch.State.PENDING) | _stalled(), pk=batch_id
    ).update(state=NoticeBatch.State.SENDING, lease_token=token, leased_until=_lease_until())
    if not claimed:
        return
    mine = NoticeBatch.objects.filter(pk=batch_id, lease_token=token)
    batch = NoticeBatch.objects.select_related("notice").get(pk=batch_id)
    recipients = followers(batch.notice).filter(
        pk__gte=batch.first_follow_id,
        pk__lte=batch.last_follow_id,
        pk__gt=batch.sent_up_to,
    )
    news: dict[str, dict | None] = {}
    sent, sent_up_to = batch.sent, batch.sent_up_to
    try:
        with get_connection() as connection:
            for follow in recipients.iterator(chunk_size=1000):
                if follow.language not in news:
                    with translation.override(follow.language):
                        news[follow.language] = news_of(batch.notice)
                said = news[follow.language]
                if said is None:  # the claim is no longer public: nothing to tell
                    break
                marked = mine.update(
                    sent=sent + 1, sent_up_to=follow.pk, leased_until=_lease_until()
                )
                if not marked:
                    log.warning("notice batch %s was taken over after %s mails", batch_id, sent)
                    return
                connection.send_messages([mail.notice(follow, said)])
                sent, sent_up_to = sent + 1, follow.pk
    except Exception as exc:
        mine.update(
            state=NoticeBatch.State.PENDING,
            sent=sent,
            sent_up_to=sent_up_to,
            lease_token="",
            leased_until=None,
        )
        log.warning("notice batch %s stopped after %s mails: %s", batch_id, sent, exc)
        raise self.retry(exc=exc, countdown=60) from exc
    mine.update(
        state=NoticeBatch.State.SENT,
        sent=sent,
        sent_up_to=sent_up_to,
        finished_at=timezone.now(),
        lease_token="",
        leased_until=None,
    )


def batches_resume_stalled() -> int:
    """Hand on again the batches whose worker died mid-send (past their lease); each resumes
    after its last follower marked sent."""
    ids = list(NoticeBatch.objects.filter(_stalled()).values_list("pk", flat=True)[:1000])
    for batch_id in ids:
        outbox.enqueue(send_notice_batch.name, batch_id, now=True)
    return len(ids)


@shared_task(name="follows.resume_stalled_batches", ignore_result=True)
def resume_stalled_batches() -> int:
    """Run by beat every minute: no batch stays `sending` after its worker died."""
    return batches_resume_stalled()
