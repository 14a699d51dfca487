"""Outlets and the documents (sources) where claims appear and evidence is found."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.linkcheck.normalize import normalize_url
from sources.validators import validate_outbound_url
from tracker.text import unique_slug

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
            self.slug = unique_slug(
                Outlet, self.name, max_length=200, fallback="outlet", exclude_pk=self.pk
            )
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
        _("URL"),
        max_length=2000,
        blank=True,
        validators=[validate_outbound_url],
        help_text=_("Leave empty unless the URL is known."),
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
    # The URL spelled the way cited links are (sources.linkcheck.normalize), so that "which
    # claims were made at this URL" is one indexed lookup. Kept by save().
    url_normalised = models.CharField(
        _("normalised URL"), max_length=2500, blank=True, editable=False, db_index=True
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
    history = HistoricalRecords(excluded_fields=["url_normalised"])

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        indexes = [models.Index(fields=["url"], name="source_url_idx")]
        constraints = [
            # One source per page, however its URL is spelled (sources 0007 merged the
            # duplicates stored before): three people filing one URL at once make one source.
            models.UniqueConstraint(
                fields=["url_normalised"],
                condition=~models.Q(url_normalised=""),
                name="source_unique_normalised_url",
                violation_error_message=_("A source with this URL is in the catalogue already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.outlet})" if self.outlet_id else self.title

    def save(self, *args, **kwargs):
        self.url_normalised = normalised_or_blank(self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "url_normalised"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.url_normalised = normalised_or_blank(self.url)  # for the unique constraint's check

    def validate_constraints(self, exclude=None):
        # url_normalised is no form field, but follows url: checked whenever url is.
        if exclude is not None and "url" not in exclude:
            exclude = set(exclude) - {"url_normalised"}
        super().validate_constraints(exclude)


def normalised_or_blank(url: str) -> str:
    try:
        return normalize_url(url) if url else ""
    except ValueError:
        return ""


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
    status_reason = models.CharField(_("why"), max_length=500, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True, db_index=True)
    archive_url = models.URLField(_("archived copy"), max_length=2000, blank=True)
    archived_at = models.DateTimeField(_("archived copy taken"), null=True, blank=True)
    archive_looked_up_at = models.DateTimeField(_("archive last asked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The latest check, repeated here so lists need no join.
    last_status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.CharField(_("final URL"), max_length=2000, blank=True)
    last_content_hash = models.CharField(max_length=64, blank=True, editable=False)
    check_count = models.PositiveIntegerField(_("checks"), default=0, editable=False)

    # Failure bookkeeping: "dead" needs repeated failures spread over days.
    failure_count = models.PositiveIntegerField(_("failing checks in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_good_at = models.DateTimeField(_("last seen working"), null=True, blank=True)

    # The first good capture, which "changed" is measured against.
    baseline_fingerprint = models.JSONField(default=list, blank=True, editable=False)
    baseline_hash = models.CharField(max_length=64, blank=True, editable=False)
    baseline_at = models.DateTimeField(_("first good capture"), null=True, blank=True)

    # A worker holds a link while checking it; an expired lease is free to take again.
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    leased_until = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

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


class LinkCheck(models.Model):
    """One check of a link. Only the latest few per link are kept (LINKCHECK_HISTORY)."""

    link = models.ForeignKey(
        Link, verbose_name=_("link"), on_delete=models.CASCADE, related_name="checks"
    )
    checked_at = models.DateTimeField(_("checked at"))
    status = models.CharField(_("result"), max_length=20, choices=Link.Status.choices)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.CharField(_("final URL"), max_length=2000, blank=True)
    redirect_chain = models.JSONField(
        _("redirect chain"), default=list, blank=True, help_text=_("Every hop: URL and status.")
    )
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    content_length = models.PositiveIntegerField(_("bytes read"), default=0)
    ip = models.GenericIPAddressField(_("IP connected to"), null=True, blank=True)
    error_kind = models.CharField(_("error kind"), max_length=30, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        indexes = [models.Index(fields=["link", "-checked_at"], name="linkcheck_link_time_idx")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.status} at {self.checked_at:%Y-%m-%d %H:%M}"
