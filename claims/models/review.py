"""Verdicts: reviews with their evidence, corrections, and the log of every transition."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.models.catalogue import RatingLevel
from claims.models.claim import PUBLISHED_FACE_FIELDS, Claim
from claims.workflow import Status
from sources.models import Source


class Review(models.Model):
    """A fact-check of a claim: verdict, summary, reasoning and evidence."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="reviews"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    rating = models.ForeignKey(
        RatingLevel,
        verbose_name=_("rating"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences readers see first.")
    )
    reasoning = models.TextField(_("reasoning"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="authored_reviews",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approving editor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="approved_reviews",
    )
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, editable=False, db_index=True
    )
    recheck_after = models.DateField(
        _("re-check after"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Set by the editor when publishing: past it, the verdict is due a re-check."),
    )
    # The statement as this verdict judged it, kept when the verdict is published: readers see
    # it while the claim is re-reviewed and its text edited (PUBLISHED_FACE_FIELDS).
    claim_text = models.TextField(_("claim as published"), blank=True, default="", editable=False)
    claim_language = models.CharField(
        _("claim language as published"), max_length=10, blank=True, default="", editable=False
    )
    claim_translation = models.TextField(
        _("claim translation as published"), blank=True, default="", editable=False
    )
    claim_translation_language = models.CharField(
        _("claim translation language as published"),
        max_length=10,
        blank=True,
        default="",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])
    version_includes = ("evidence",)  # edited inline on its change page (tracker.versions)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="draft"), name="one_draft_review_per_claim"
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state="published"),
                name="one_published_review_per_claim",
            ),
            models.CheckConstraint(condition=~Q(approved_by=F("author")), name="review_four_eyes"),
            models.CheckConstraint(
                condition=Q(state="draft")
                | Q(approved_by__isnull=False, published_at__isnull=False, rating__isnull=False),
                name="review_published_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating or '—'}: {self.claim}"

    def save(self, *args, **kwargs):
        # A verdict on record keeps the statement it judged (the publish service sets it; this
        # covers rows written another way, e.g. loaders).
        if self.state != self.State.DRAFT and not self.claim_text:
            self.keep_claim_as_published()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    *PUBLISHED_FACE_FIELDS.values(),
                }
        super().save(*args, **kwargs)

    def keep_claim_as_published(self) -> None:
        claim = Claim.objects.get(pk=self.claim_id)
        for field, kept_as in PUBLISHED_FACE_FIELDS.items():
            setattr(self, kept_as, getattr(claim, field))


class Evidence(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        REFUTES = "refutes", _("Refutes")
        CONTEXT = "context", _("Context")

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="evidence"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="evidence"
    )
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    quotation = models.TextField(_("quotation"), blank=True)
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class Correction(models.Model):
    """A public record that a published verdict was replaced."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="corrections"
    )
    review = models.OneToOneField(
        Review, verbose_name=_("new review"), on_delete=models.PROTECT, related_name="correction"
    )
    previous_review = models.ForeignKey(
        Review, verbose_name=_("replaced review"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("correction note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return str(_("Correction to %(claim)s") % {"claim": self.claim})

    @property
    def rating_changed(self) -> bool:
        return self.review.rating_id != self.previous_review.rating_id


class ClaimTransition(models.Model):
    """One row per workflow move: the audit log, never edited."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="transitions"
    )
    name = models.CharField(_("transition"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transition log")
        indexes = [
            models.Index(fields=["claim", "-at"], name="transition_claim_idx"),
            # The desk dashboard's throughput: the moves of a date range (claims.desk_figures).
            models.Index(fields=["at", "name"], name="transition_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status} by {self.by}"
