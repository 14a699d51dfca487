"""The claim, its appearances, and how the public reads it (ClaimQuerySet)."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from claims.models.catalogue import Speaker, Topic
from claims.workflow import AppearanceState, ClaimWorkflow, Status
from sources.models import LANGUAGE_CHOICES, Source
from tracker.text import make_slug

if TYPE_CHECKING:
    from claims.models.review import Review

# A claim's own fields that its published verdict judged, each with the Review field keeping
# them as published: the public reads these from the verdict (Claim.show_as_published).
PUBLISHED_FACE_FIELDS = {
    "text": "claim_text",
    "language": "claim_language",
    "translation": "claim_translation",
    "translation_language": "claim_translation_language",
}


class PublishedFaceIterable(ModelIterable):
    """Claims as their public verdict was published with (see ClaimQuerySet.as_published)."""

    def __iter__(self):
        for claim in super().__iter__():
            claim.show_as_published()
            yield claim


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see: claims with a published verdict."""
        return self.filter(published_review__isnull=False)

    def as_published(self):
        """The claims as readers see them: text, translation and language as their published
        verdict judged them, and only the appearances on record when it was published (both
        differ from the live row while a reopened claim is re-reviewed). Read-only instances;
        claims.visibility.public_claims() gives every public surface these."""
        claims = self.select_related("published_review")
        claims._iterable_class = PublishedFaceIterable
        return claims

    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()  # type: ignore[misc]  # private, not in the stubs
        if self._iterable_class is PublishedFaceIterable:
            for claim in self._result_cache or ():  # filled before this runs
                claim.hide_appearances_awaiting_publication()


class Claim(ClaimWorkflow, models.Model):
    text = models.TextField(_("claim, in its original language"))
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    translation = models.TextField(_("translation"), blank=True)
    translation_language = models.CharField(
        _("translation language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    slug = models.SlugField(_("slug"), max_length=80, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="claims"
    )
    status = FSMField(
        _("status"), choices=Status.choices, default=Status.NEW, protected=True, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    published_review = models.OneToOneField(
        "Review",
        verbose_name=_("published review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text=_("The verdict readers see; it stays while the claim is re-reviewed."),
    )
    first_published_at = models.DateTimeField(_("first published"), null=True, editable=False)
    # When the claim entered its status (claims.services.claim_transition sets it): how long it
    # has waited in its queue, read by the desk dashboard (claims.desk_figures) from an index.
    status_since = models.DateTimeField(
        _("in this status since"), default=timezone.now, db_default=Now(), editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # Accent-folded text of the claim and what readers see with it; kept by claims.search.
    search_document = models.TextField(_("search text"), blank=True, default="", editable=False)
    # Set by the daily re-check sweep (claims.recheck) while the published verdict cites a dead
    # link that has no archived copy.
    evidence_dead_since = models.DateField(
        _("evidence dead since"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords(
        excluded_fields=["updated_at", "search_document", "evidence_dead_since", "status_since"]
    )
    # The rows its change page edits inline are part of its version (tracker.versions).
    version_includes = ("appearances",)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("start_research_claim", "Can start research on a claim"),
            ("submit_claim", "Can submit a claim's review"),
            ("publish_claim", "Can publish a claim's review"),
            ("send_back_claim", "Can send a claim back to research"),
            ("reject_claim", "Can reject a claim"),
            ("reopen_claim", "Can reopen a published claim"),
        ]
        indexes = [
            models.Index(fields=["language"], name="claim_language_idx"),
            models.Index(fields=["status", "-updated_at"], name="claim_status_updated_idx"),
            # The API's cursor order (and updated_since) walk this, never the table.
            models.Index(fields=["updated_at", "id"], name="claim_updated_id_idx"),
            # Search candidates in id order (the API's default) walk the published claims only:
            # the primary key made PostgreSQL step over the 50,000 newest claims still in the
            # workflow first (44 ms at a million claims; 1.2 ms with this index).
            models.Index(
                fields=["id"],
                condition=Q(published_review__isnull=False),
                name="claim_public_pk_idx",
            ),
            # The desk dashboard: each queue's size and oldest claims, and the claims whose
            # first verdict fell in a date range (claims.desk_figures).
            models.Index(fields=["status", "status_since"], name="claim_queue_age_idx"),
            models.Index(
                fields=["first_published_at"],
                condition=Q(first_published_at__isnull=False),
                name="claim_first_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[Status.NEW, Status.REJECTED])
                | Q(status=Status.PUBLISHED, published_review__isnull=False)
                | Q(status__in=[Status.RESEARCHING, Status.IN_REVIEW]),
                name="claim_published_has_review",
            ),
        ]

    def __str__(self) -> str:
        return self.short_text

    def save(self, *args, **kwargs):
        if getattr(self, "shows_published_face", False):
            raise TypeError("A claim read as published is read-only: load the live row to edit.")
        if not self.slug:
            self.slug = make_slug(self.translation or self.text, max_length=80, fallback="claim")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("claim-detail", kwargs={"pk": self.pk, "slug": self.slug or "claim"})

    def show_as_published(self) -> None:
        """Show this instance's fields as its published verdict judged them (in memory only)."""
        if not Claim.published_review.is_cached(self):
            return  # loaded without its verdict (a sitemap's .only()): nothing is shown
        review = self.published_review
        if review is None:
            return
        for field, kept_as in PUBLISHED_FACE_FIELDS.items():
            setattr(self, field, getattr(review, kept_as))
        self.shows_published_face = True

    def hide_appearances_awaiting_publication(self) -> None:
        """Drop, from prefetched appearances, those not public: added since the verdict was
        published, repeats awaiting confirmation, rejected ones."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("appearances")
        if prefetched is not None:
            prefetched._result_cache = [
                a for a in prefetched._result_cache if a.state == AppearanceState.PUBLIC
            ]

    @property
    def display_text(self) -> str:
        """The claim in the reader's language when a translation exists, else the original."""
        if self.translation and get_language() != self.language:
            return self.translation
        return self.text

    @property
    def display_language(self) -> str:
        """The language `display_text` is written in."""
        if self.translation and get_language() != self.language:
            return self.translation_language
        return self.language

    @property
    def short_text(self) -> str:
        text = self.display_text
        return text if len(text) <= 90 else text[:89].rstrip() + "…"

    def recheck_due_since(self, today: datetime.date | None = None) -> datetime.date | None:
        """Since when the published verdict is due for a re-check (its date passed, or its
        evidence died), or None."""
        today = today or timezone.localdate()
        review = self.published_review
        dates = [self.evidence_dead_since]
        if review is not None and review.recheck_after and review.recheck_after <= today:
            dates.append(review.recheck_after)
        return min((d for d in dates if d), default=None)

    @property
    def under_review(self) -> bool:
        """Published before, now being re-reviewed: the old verdict stays visible."""
        return self.published_review_id is not None and self.status != Status.PUBLISHED

    def working_review(self) -> "Review | None":
        # Through the relation: claims.models.review imports this module, not the reverse.
        reviews = self.reviews
        return reviews.filter(state=reviews.model.State.DRAFT).first()

    def review_writer_ids(self) -> set[int]:
        """Everyone who wrote or edited the review now in the works, or its evidence."""
        review = self.working_review()
        if review is None:
            return set()
        evidence = review.evidence.model
        writers = {review.author_id}
        writers.update(
            review.history.exclude(history_user=None).values_list("history_user_id", flat=True)
        )
        writers.update(
            evidence.history.filter(review_id=review.pk)
            .exclude(history_user=None)
            .values_list("history_user_id", flat=True)
        )
        return writers


class Appearance(models.Model):
    """A claim made by a speaker in a source on a date, with the verbatim quote."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="appearances"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="appearances"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="appearances"
    )
    said_on = models.DateField(
        _("date said"),
        null=True,
        blank=True,
        help_text=_("When the speaker said it; empty when only the source's date is known."),
    )
    quote = models.TextField(_("verbatim quote"))
    quote_language = models.CharField(_("quote language"), max_length=10, choices=LANGUAGE_CHOICES)
    quote_translation = models.TextField(_("quote translation"), blank=True)
    context = models.TextField(_("context"), blank=True)
    # Public, or waiting: for the next verdict (added during a re-review; claims.services makes
    # it public on publishing), or for an Editor other than its recorder (a repeat of a
    # published claim; claims.services.appearance_confirm / appearance_reject).
    state = models.CharField(
        _("state"),
        max_length=24,
        choices=AppearanceState.choices,
        default=AppearanceState.PUBLIC,
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(_("why rejected"), blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["said_on", "id"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        indexes = [
            models.Index(fields=["speaker", "said_on"], name="appearance_speaker_idx"),
            # A speaker's or a source's claims, read from the index alone.
            models.Index(fields=["speaker", "claim"], name="appearance_speaker_claim_idx"),
            models.Index(fields=["source", "claim"], name="appearance_source_claim_idx"),
            # The feed of confirmed repeats and the API's `repeated_since`, newest first.
            models.Index(
                fields=["confirmed_at"],
                condition=Q(confirmed_at__isnull=False),
                name="appearance_confirmed_idx",
            ),
            # The desk dashboard's queue of repeats awaiting confirmation, oldest first.
            models.Index(
                fields=["recorded_at"],
                condition=Q(state=AppearanceState.AWAITING_CONFIRMATION),
                name="appearance_awaiting_idx",
            ),
        ]
        constraints = [
            # Four eyes: a repeat is confirmed by someone other than whoever recorded it.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True)
                | Q(recorded_by__isnull=True)
                | ~Q(confirmed_by=models.F("recorded_by")),
                name="appearance_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(state__in=AppearanceState.values), name="appearance_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state=AppearanceState.REJECTED) | ~Q(rejection_reason=""),
                name="appearance_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True)
                | Q(state=AppearanceState.PUBLIC, confirmed_by__isnull=False),
                name="appearance_confirmed_is_public",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} in {self.source}"

    @property
    def date(self):
        return self.said_on or self.source.published_on

    def writer_ids(self) -> set[int]:
        """Everyone who recorded or edited this appearance (four-eyes on confirming it)."""
        writers = set(
            self.history.exclude(history_user=None).values_list("history_user_id", flat=True)
        )
        if self.recorded_by_id is not None:
            writers.add(self.recorded_by_id)
        return writers

    @property
    def is_repeat(self) -> bool:
        """Recorded after its claim was published, and confirmed by a second Editor."""
        return self.confirmed_at is not None
