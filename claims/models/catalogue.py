"""Who says claims (Speaker), how they are filed (Topic), the rating scale (RatingLevel), and
each speaker's kept record of ratings (SpeakerRecord)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.text import unique_slug


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


class SpeakerRecord(models.Model):
    """How many of a speaker's published claims carry each rating: the record on their page.

    Kept by claims.stats as the workflow publishes, corrects and attributes claims, so that no
    page counts a speaker's thousands of claims per request.
    """

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="record")
    rating = models.ForeignKey(RatingLevel, on_delete=models.CASCADE, related_name="+")
    claims = models.PositiveIntegerField(default=0)
    # The times those claims were said by the speaker on the public record (their public
    # appearances), and how many of those were said after the claim's first verdict: repeats.
    said = models.PositiveIntegerField(default=0)
    said_after_check = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "rating"], name="one_record_row_per_rating")
        ]

    def __str__(self) -> str:
        return f"{self.speaker_id}/{self.rating_id}: {self.claims}"
