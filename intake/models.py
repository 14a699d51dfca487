"""An article import: what came in, what was extracted, and, once confirmed, what it created."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sources.models import LANGUAGE_CHOICES


class ArticleImport(models.Model):
    """One article taken in by a Reporter. Extraction fills `candidates`; the confirming step
    records who created which claims and appearances (`created`): the audit row of the desk."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Extracting")
        READY = "ready", _("Ready for review")
        FAILED = "failed", _("Failed")
        DONE = "done", _("Claims created")

    url = models.URLField(_("article URL"), max_length=2000, blank=True)
    pasted_text = models.TextField(_("pasted text"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    outlet_name = models.CharField(_("outlet"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    article_text = models.TextField(_("article text"), blank=True)
    candidates = models.JSONField(_("candidate sentences"), default=list, blank=True)
    sentences = models.PositiveIntegerField(
        _("sentences in the article"),
        default=0,
        help_text=_("All of them; `candidates` keeps the best INTAKE_MAX_CANDIDATES."),
    )
    source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.JSONField(_("created"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article import")
        verbose_name_plural = _("article imports")

    def __str__(self) -> str:
        return self.title or self.url or f"Import #{self.pk}"


class MatchText(models.Model):
    """What intake.matching compares for one claim: its text and translation folded (lower
    case, no diacritics, words only; `intake.matching.folded_words`). Kept up to date from
    claims.dependents' `faces_changed` (intake.matching.refresh); on PostgreSQL migration 0004
    adds `words`, a generated tsvector of both, with a GIN index: the rare-word prefilter."""

    claim = models.OneToOneField(
        "claims.Claim", on_delete=models.CASCADE, primary_key=True, related_name="match_text"
    )
    text = models.TextField(blank=True)
    translation = models.TextField(blank=True)

    class Meta:
        verbose_name = _("match text")
        verbose_name_plural = _("match texts")

    def __str__(self) -> str:
        return self.text[:80]
