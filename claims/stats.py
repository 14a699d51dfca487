"""Per-speaker rating counts (SpeakerRecord), kept up to date as claims are published,
corrected and attributed.

A change recounts only the speakers it touches, in three statements whatever their number:
one aggregate over those speakers' appearances, one update setting their rows to zero, one
upsert of the new counts. (Rows at zero stay; readers only see counts above zero.)

The aggregate reads every published claim of those speakers: for a speaker of a few claims that
is nothing, for one of 200,000 (an archive's head of state) seconds. So when the speakers
touched hold more than INLINE_MAX published claims, the recount runs after the commit in a task
(`claims.refresh_speaker_records`, eager under `make run`), as the search text of many claims
does (claims.dependents): publishing stays a fixed cost, and the speaker's counts follow a
moment later. A recount reads the committed rows, so running one twice, or late, is harmless.
"""

from collections.abc import Iterable

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from claims.models import Appearance, Claim, SpeakerRecord
from claims.visibility import appearance_on_record, claim_is_public
from sources.models import Source
from tracker import outbox


def _counts(claims) -> list[SpeakerRecord]:
    """Per speaker and rating: the claims, the times they were said on the record, and those
    said after the claim's first verdict (an appearance's date is its own, else its source's)."""
    said_on = Coalesce("appearances__said_on", "appearances__source__published_on")
    rows = (
        claims.order_by()
        .values_list("appearances__speaker_id", "published_review__rating_id")
        .annotate(
            n=Count("pk", distinct=True),
            said=Count("appearances", distinct=True),
            after=Count(
                "appearances",
                distinct=True,
                filter=GreaterThan(said_on, TruncDate("first_published_at")),
            ),
        )
    )
    return [
        SpeakerRecord(speaker_id=s, rating_id=r, claims=n, said=said, said_after_check=after)
        for s, r, n, said, after in rows
    ]


# Above this many published claims among the speakers touched, they are recounted in a task.
INLINE_MAX = 2000
# The first key of the recount's advisory locks (the second is the speaker's id).
RECOUNT_LOCK = 0x5EC0


def refresh_speakers(speaker_ids: Iterable[int | None]) -> None:
    """Recount the published claims of these speakers per rating: now when they are few, else
    after the commit in a task."""
    ids = sorted({pk for pk in speaker_ids if pk is not None})
    if not ids:
        return
    held = SpeakerRecord.objects.filter(speaker_id__in=ids).aggregate(n=Sum("claims"))["n"]
    if (held or 0) > INLINE_MAX:
        outbox.enqueue("claims.refresh_speaker_records", ids)
        return
    recount_speakers(ids)


def recount_speakers(ids: list[int]) -> None:
    """Recount these speakers' published claims per rating, in one transaction.

    On PostgreSQL a lock per speaker (an advisory lock, held to the commit) makes two recounts
    of one speaker run one after the other, so the second counts what the first committed and
    an older count is never written last. Not the speaker's row: a speaker's rename locks it and
    then their claims, which a publish holds while it recounts."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for pk in ids:  # sorted: two recounts never wait on each other in a cycle
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [RECOUNT_LOCK, pk])
        rows = _counts(
            Claim.objects.published().filter(
                appearance_on_record("appearances__"), appearances__speaker_id__in=ids
            )
        )
        SpeakerRecord.objects.filter(speaker_id__in=ids).update(
            claims=0, said=0, said_after_check=0
        )
        SpeakerRecord.objects.bulk_create(
            [r for r in rows if r.speaker_id in ids],
            update_conflicts=True,
            unique_fields=["speaker", "rating"],
            update_fields=["claims", "said", "said_after_check"],
        )


@shared_task(name="claims.refresh_speaker_records")
def refresh_speaker_records(speaker_ids: list[int]) -> None:
    """Recount speakers with many claims after a publish, after its commit."""
    recount_speakers(speaker_ids)


def rebuild_speaker_records() -> None:
    """Recount every speaker (after a bulk load that bypassed the signals)."""
    with transaction.atomic():
        SpeakerRecord.objects.all().delete()
        SpeakerRecord.objects.bulk_create(
            _counts(Claim.objects.published().filter(appearance_on_record("appearances__"))),
            batch_size=5000,
        )


@receiver(post_save, sender=Claim, dispatch_uid="stats-claim-saved")
def _claim_saved(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    # Publishing and correcting save the claim; its verdict may have changed.
    if not raw and instance.published_review_id is not None:
        refresh_speakers(instance.appearances.values_list("speaker_id", flat=True))


@receiver(pre_save, sender=Appearance, dispatch_uid="stats-appearance-moving")
def _appearance_moving(sender, instance: Appearance, raw: bool = False, **kwargs) -> None:
    # Remember the speaker an edited appearance is taken from: their count changes too.
    if not raw and instance.pk is not None:
        instance._previous_speaker_id = (  # type: ignore[attr-defined]
            Appearance.objects.filter(pk=instance.pk).values_list("speaker_id", flat=True).first()
        )


@receiver(post_save, sender=Appearance, dispatch_uid="stats-appearance-saved")
@receiver(post_delete, sender=Appearance, dispatch_uid="stats-appearance-deleted")
def _appearance_changed(sender, instance: Appearance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    published = Claim.objects.published().filter(pk=instance.claim_id).exists()
    if published:
        refresh_speakers([instance.speaker_id, getattr(instance, "_previous_speaker_id", None)])


@receiver(pre_save, sender=Source, dispatch_uid="stats-source-redating")
def _source_redating(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    # A quote with no date of its own is dated by its source: redating the source can move it
    # to before or after its claim's verdict.
    if not raw and instance.pk is not None:
        instance._previous_published_on = (  # type: ignore[attr-defined]
            Source.objects.filter(pk=instance.pk).values_list("published_on", flat=True).first()
        )


@receiver(post_save, sender=Source, dispatch_uid="stats-source-redated")
def _source_redated(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    if raw or getattr(instance, "_previous_published_on", None) == instance.published_on:
        return
    refresh_speakers(
        Appearance.objects.filter(
            claim_is_public("claim__"), source=instance, said_on__isnull=True
        ).values_list("speaker_id", flat=True)
    )
