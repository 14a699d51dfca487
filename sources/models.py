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
