"""Readers following a claim, a speaker or a topic by email, and what is sent to them.

A Follow is one address following one thing; it receives nothing until its address confirmed
it (double opt-in), and unsubscribing deletes it. A Notice is one piece of news about one claim
(a new verdict, a correction, a confirmed repeat), made once per news item whatever sends it
twice; its mail goes out in NoticeBatches, each a range of follow ids that a worker claims
with a conditional UPDATE, so that no follower gets the same notice twice.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Follow(models.Model):
    class Kind(models.TextChoices):
        CLAIM = "claim", _("claim")
        SPEAKER = "speaker", _("speaker")
        TOPIC = "topic", _("topic")

    email = models.EmailField(_("email address"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField(_("followed object"))
    # The secret in the confirmation and unsubscribe links.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "target_id"], name="one_follow_per_address_and_object"
            )
        ]
        indexes = [
            models.Index(fields=["kind", "target_id", "id"], name="follow_target_idx"),
            models.Index(fields=["email", "confirmation_sent_at"], name="follow_email_sent_idx"),
            models.Index(
                fields=["created_at"],
                name="follow_unconfirmed_idx",
                condition=models.Q(confirmed_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id}"


class Notice(models.Model):
    class Event(models.TextChoices):
        VERDICT = "verdict", _("new verdict")
        CORRECTION = "correction", _("correction")
        REPEAT = "repeat", _("repeat")

    key = models.CharField(max_length=100, unique=True)  # one notice per news item
    event = models.CharField(max_length=20, choices=Event.choices)
    claim_id = models.PositiveBigIntegerField()
    appearance_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Who follows the news: the claim's speakers and topics when it was announced.
    speaker_ids = models.JSONField(default=list)
    topic_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    planned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class NoticeBatch(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="batches")
    first_follow_id = models.PositiveBigIntegerField()
    last_follow_id = models.PositiveBigIntegerField()
    # Follows up to this id have their mail, marked before each is sent (a batch interrupted by
    # an SMTP error or a dead worker resumes after it: nobody is mailed twice).
    sent_up_to = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # The worker sending it: its token, and until when (renewed with each mail). A batch left
    # `sending` past its lease lost its worker and is taken up again (resume_stalled_batches).
    lease_token = models.CharField(max_length=32, blank=True, default="")
    leased_until = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "first_follow_id"], name="one_batch_per_notice_and_range"
            )
        ]
        indexes = [
            models.Index(
                fields=["leased_until"],
                name="notice_batch_sending_idx",
                condition=models.Q(state="sending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.first_follow_id}-{self.last_follow_id}"
