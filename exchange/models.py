"""Fact-checks published by other organisations (imported ClaimReview), their links to our
claims, which an editor confirms or rejects before readers see them, and the rating crosswalk
from other desks' words to our scale."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.models import Claim, RatingLevel
from claims.search import fold

PHRASE_END = re.compile(r"\s*[:.;,!?(\[–—]|\s-\s")


def folded_rating(words: str) -> str:
    """Another desk's rating words as the crosswalk compares them: case, accents, underscores,
    surrounding punctuation and repeated spaces set aside ("Não_é_bem_assim." -> "nao e bem
    assim")."""
    text = fold(words).replace("_", " ")
    return " ".join(text.strip(" \t\r\n\"'“”«».!?:;,").split())


def leading_phrase(words: str) -> str:
    """The verdict before its explanation: "FALSO: As imagens foram…" -> "FALSO"."""
    return PHRASE_END.split(words, maxsplit=1)[0]


class RatingWord(models.Model):
    """One way other desks write a verdict ("Falso", "Engañoso", "زائف", "錯誤"), mapped to our
    scale. Editors keep the list in the admin; imports read it, folded for case and accents."""

    words = models.CharField(
        _("rating words"),
        max_length=300,
        help_text=_("As publishers write it; compared without case, accents or punctuation."),
    )
    folded = models.CharField(max_length=300, unique=True, editable=False)
    rating = models.ForeignKey(
        RatingLevel, verbose_name=_("our rating"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=35, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["folded"]
        verbose_name = _("rating crosswalk entry")
        verbose_name_plural = _("rating crosswalk")

    def __str__(self) -> str:
        return f"{self.words} → {self.rating}"

    def save(self, *args, **kwargs) -> None:
        self.folded = folded_rating(self.words)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        folded = folded_rating(self.words)
        if not folded:
            raise ValidationError({"words": _("Give the words a publisher uses.")})
        if RatingWord.objects.filter(folded=folded).exclude(pk=self.pk).exists():
            raise ValidationError({"words": _("These words are in the crosswalk already.")})


class ExternalReview(models.Model):
    """One ClaimReview as its publisher published it; the review URL is its identity."""

    url = models.URLField(_("review URL"), max_length=2000, unique=True)
    publisher = models.CharField(_("publisher"), max_length=300)
    publisher_url = models.URLField(_("publisher URL"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    claim_reviewed = models.TextField(_("claim reviewed"))
    claimant = models.CharField(_("claimant"), max_length=300, blank=True)
    appearance_urls = models.JSONField(_("appearance URLs"), default=list, blank=True)
    rating_value = models.CharField(_("rating value"), max_length=50, blank=True)
    best_rating = models.CharField(_("best rating"), max_length=50, blank=True)
    worst_rating = models.CharField(_("worst rating"), max_length=50, blank=True)
    rating_name = models.CharField(_("rating name"), max_length=300, blank=True)
    rating_position = models.FloatField(
        _("position on a 0–1 scale"),
        null=True,
        blank=True,
        help_text=_("(value − worst) / (best − worst), when the publisher gave numbers."),
    )
    our_rating = models.ForeignKey(
        RatingLevel,
        verbose_name=_("nearest rating on our scale"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("first imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("external review")
        verbose_name_plural = _("external reviews")

    def __str__(self) -> str:
        return f"{self.publisher}: {self.claim_reviewed[:80]}"

    @property
    def rating_as_published(self) -> str:
        """The publisher's own words for the verdict, with its numbers when it gave any."""
        numbers = ""
        if self.rating_value:
            numbers = self.rating_value + (f"/{self.best_rating}" if self.best_rating else "")
        if self.rating_name and numbers:
            return f"{self.rating_name} ({numbers})"
        return self.rating_name or numbers

    @property
    def rating_is_mapped(self) -> bool:
        """False when no rating of ours was found for the publisher's words: they are shown
        as published, marked "not mapped", never guessed."""
        return self.our_rating_id is not None


class ReviewLinkQuerySet(models.QuerySet):
    def confirmed(self):
        """What readers may see beside a published claim, newest review first."""
        return (
            self.filter(state=ReviewLink.State.CONFIRMED)
            .select_related("external_review__our_rating")
            .order_by("-external_review__published_on", "-id")
        )


class ReviewLink(models.Model):
    """A possible match between an external review and one of our claims."""

    class State(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    class Basis(models.TextChoices):
        APPEARANCE_URL = "appearance_url", _("Same appearance URL")
        TEXT = "text", _("Similar text")

    external_review = models.ForeignKey(
        ExternalReview,
        verbose_name=_("external review"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="external_links"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.CANDIDATE, db_index=True
    )
    basis = models.CharField(_("matched by"), max_length=20, choices=Basis.choices)
    score = models.FloatField(_("score"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ReviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "-id"]
        verbose_name = _("link to one of our claims")
        verbose_name_plural = _("links to our claims")
        constraints = [
            models.UniqueConstraint(
                fields=["external_review", "claim"], name="one_link_per_review_and_claim"
            ),
            models.CheckConstraint(
                condition=Q(state="candidate") | Q(decided_by__isnull=False),
                name="decided_link_has_editor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_review} → {self.claim_id} ({self.get_state_display()})"
