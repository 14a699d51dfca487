"""Speakers, claims, their appearances, the rating scale, reviews with evidence, corrections,
and the log of every editorial transition."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from claims.workflow import ClaimWorkflow, Status
from sources.models import LANGUAGE_CHOICES, Source
from tracker.text import make_slug, unique_slug


class Speaker(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(_("role or affiliation"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    same_as = models.URLField(
        _("same as"),
        max_length=500,
        blank=True,
        help_text=_("An authoritative page about the speaker, such as Wikidata."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        indexes = [models.Index(fields=["name"], name="speaker_name_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Speaker, self.name, max_length=200, fallback="speaker", exclude_pk=self.pk
            )
        super().save(*args, **kwargs)


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    recheck_months = models.PositiveSmallIntegerField(
        _("re-check verdicts after (months)"),
        null=True,
        blank=True,
        help_text=_(
            "For topics whose figures move: a verdict published without a re-check date gets "
            "one this many months later (the shortest of its topics)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_vi if get_language() == "vi" and self.name_vi else self.name


class RatingLevel(models.Model):
    """One step of the rating scale; off-scale verdicts (Misleading, Unverifiable) have no value."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    value = models.PositiveSmallIntegerField(
        _("value on the scale"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("1 is the worst. Leave empty for an off-scale verdict."),
    )
    label_en = models.CharField(_("label (English)"), max_length=100)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=100)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    color = models.CharField(_("colour"), max_length=7, default="#777777")
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "value"]
        verbose_name = _("rating level")
        verbose_name_plural = _("rating scale")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1), name="rating_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"), name="rating_color_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_vi if get_language() == "vi" else self.label_en

    @property
    def description(self) -> str:
        return self.description_vi if get_language() == "vi" else self.description_en

    @property
    def on_scale(self) -> bool:
        return self.value is not None


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
        super()._prefetch_related_objects()
        if self._iterable_class is PublishedFaceIterable:
            for claim in self._result_cache:
                claim.hide_appearances_awaiting_publication()

    def with_public_details(self):
        """Everything a public claim page or API response shows, in a fixed number of queries."""
        from exchange.models import ReviewLink

        return self.select_related("published_review__rating").prefetch_related(
            "topics",
            models.Prefetch(
                "appearances",
                queryset=Appearance.objects.select_related(
                    "speaker", "source__outlet", "source__link"
                ),
            ),
            models.Prefetch(
                "published_review__evidence",
                queryset=Evidence.objects.select_related("source__outlet", "source__link"),
            ),
            models.Prefetch(
                "corrections",
                queryset=Correction.objects.select_related(
                    "review__rating", "previous_review__rating"
                ),
            ),
            models.Prefetch(
                "external_links",
                queryset=ReviewLink.objects.confirmed(),
                to_attr="confirmed_external_links",
            ),
        )


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
        excluded_fields=["updated_at", "search_document", "evidence_dead_since"]
    )

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
        """Drop, from prefetched appearances, those added since the verdict was published."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("appearances")
        if prefetched is not None:
            prefetched._result_cache = [
                a for a in prefetched._result_cache if not a.awaiting_publication
            ]

    @property
    def display_text(self) -> str:
        """The claim in the reader's language when a translation exists, else the original."""
        if self.translation and get_language() != self.language:
            return self.translation
        return self.text

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
        return self.reviews.filter(state=Review.State.DRAFT).first()

    def review_writer_ids(self) -> set[int]:
        """Everyone who wrote or edited the review now in the works, or its evidence."""
        review = self.working_review()
        if review is None:
            return set()
        writers = {review.author_id}
        writers.update(
            review.history.exclude(history_user=None).values_list("history_user_id", flat=True)
        )
        writers.update(
            Evidence.history.filter(review_id=review.pk)
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
    # Added while the claim's published verdict is being re-reviewed: readers see it once the
    # new verdict is published (claims.services clears it then).
    awaiting_publication = models.BooleanField(
        _("awaiting publication"), default=False, editable=False
    )
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
        ]

    def __str__(self) -> str:
        return f"{self.speaker} in {self.source}"

    @property
    def date(self):
        return self.said_on or self.source.published_on


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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"Correction to {self.claim}"

    @property
    def rating_changed(self) -> bool:
        return self.review.rating_id != self.previous_review.rating_id


class ClaimTransition(models.Model):
    """One row per workflow move: the audit log, never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="transitions")
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
        indexes = [models.Index(fields=["claim", "-at"], name="transition_claim_idx")]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status} by {self.by}"


class SpeakerRecord(models.Model):
    """How many of a speaker's published claims carry each rating: the record on their page.

    Kept by claims.stats as the workflow publishes, corrects and attributes claims, so that no
    page counts a speaker's thousands of claims per request.
    """

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="record")
    rating = models.ForeignKey(RatingLevel, on_delete=models.CASCADE, related_name="+")
    claims = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "rating"], name="one_record_row_per_rating")
        ]

    def __str__(self) -> str:
        return f"{self.speaker_id}/{self.rating_id}: {self.claims}"
