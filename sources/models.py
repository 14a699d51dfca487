"""Outlets and the documents (sources) where claims appear and evidence is found."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

LANGUAGE_CHOICES = [
    ("vi", _("Vietnamese")),
    ("en", _("English")),
    ("zh", _("Chinese")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
]


class Outlet(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    url = models.URLField(_("home page"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)


class Source(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("News article")
        INTERVIEW = "interview", _("Interview")
        REPORT = "report", _("Report or study")
        POST = "post", _("Social media post")
        STATEMENT = "statement", _("Statement or press release")
        DATASET = "dataset", _("Dataset")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(
        _("URL"), max_length=2000, blank=True, help_text=_("Leave empty unless the URL is known.")
    )
    link = models.ForeignKey(
        "Link",
        verbose_name=_("link health"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="sources",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("outlet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
    )
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        indexes = [models.Index(fields=["url"], name="source_url_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.outlet})" if self.outlet_id else self.title


class Link(models.Model):
    """One row per distinct normalised URL cited anywhere, with its current health."""

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        OK = "ok", _("OK")
        REDIRECTED = "redirected", _("Moved")
        SOFT_404 = "soft_404", _("Page gone (soft 404)")
        CHANGED = "changed", _("Content changed")
        BROKEN = "broken", _("Broken")
        UNREACHABLE = "unreachable", _("Unreachable")
        BLOCKED = "blocked", _("Blocked (not checked)")
        DEAD = "dead", _("Dead")

    url = models.CharField(_("normalised URL"), max_length=2000, unique=True)
    host = models.CharField(_("host"), max_length=255, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNCHECKED, db_index=True
    )
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True, db_index=True)
    archive_url = models.URLField(_("archived copy"), max_length=2000, blank=True)
    archived_at = models.DateTimeField(_("archived copy taken"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.url

    @property
    def is_failing(self) -> bool:
        return self.status in {
            self.Status.SOFT_404,
            self.Status.BROKEN,
            self.Status.UNREACHABLE,
            self.Status.DEAD,
        }
