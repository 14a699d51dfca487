from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import edits
from claims.models import Claim, Evidence, Review
from sources import services
from sources.models import Link, LinkCheck, Outlet, Source
from sources.templatetags.linkhealth import link_badge
from tracker.admin_input import CheckedAdmin, CheckedInline
from tracker.history_admin import HistoryAdmin
from tracker.service_admin import RefusalAdminMixin
from tracker.writes import Writes

REPORT_LIMIT = 500


def claims_with_failing_evidence() -> QuerySet[Claim]:
    """Claims whose current review (published, or the draft in the works) cites a source whose
    link is broken, soft-404 or dead."""
    return Claim.objects.filter(
        reviews__state__in=[Review.State.PUBLISHED, Review.State.DRAFT],
        reviews__evidence__source__link__status__in=services.REPORTED,
    ).distinct()


def render_badge(link: Link | None) -> str:
    from django.template.loader import render_to_string

    return render_to_string("sources/link_badge.html", link_badge(link))


def _claim_admin_url(claim) -> str:
    try:
        return reverse("admin:claims_claim_change", args=[claim.pk])
    except NoReverseMatch:  # the claim admin is not registered (a stripped-down site)
        return ""


@admin.register(Outlet)
class OutletAdmin(RefusalAdminMixin, HistoryAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    writes = Writes("outlet", edits.outlet_create, edits.outlet_update, edits.outlet_delete)


@admin.register(Source)
class SourceAdmin(RefusalAdminMixin, HistoryAdmin):
    list_display = ["title", "outlet", "kind", "language", "published_on", "url", "link_health"]
    list_filter = ["kind", "language", ("link__status", admin.ChoicesFieldListFilter), "outlet"]
    list_select_related = ["outlet", "link"]
    search_fields = ["title", "url", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "published_on"
    readonly_fields = ["link_health"]

    def has_change_permission(self, request, obj=None):
        # Read-only while a verdict on record cites it: its URL, title and date are frozen.
        return super().has_change_permission(request, obj) and (
            obj is None or not edits.source_cited_on_record(obj)
        )

    writes = Writes("source", edits.source_create, edits.source_update, edits.source_delete)

    @admin.display(description=_("link health"), ordering="link__status")
    def link_health(self, source: Source) -> str:
        if source.link_id is None:
            return "—"
        badge = render_badge(source.link)
        url = reverse("admin:sources_link_change", args=[source.link_id])
        return format_html('{} <a href="{}">{}</a>', badge, url, _("details"))


class HostFilter(admin.SimpleListFilter):
    """The hosts with the most links (a full list could run to thousands)."""

    title = _("host")
    parameter_name = "host"

    def lookups(self, request, model_admin):
        top = (
            Link.objects.values("host")
            .annotate(n=Count("id"))
            .order_by("-n", "host")
            .values_list("host", "n")[:30]
        )
        return [(host, f"{host} ({n})") for host, n in top]

    def queryset(self, request, queryset):
        return queryset.filter(host=self.value()) if self.value() else queryset


class ArchiveFilter(admin.SimpleListFilter):
    title = _("archived copy")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", _("Has an archived copy")), ("no", _("No archived copy"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(archive_url="")
        if self.value() == "no":
            return queryset.filter(archive_url="")
        return queryset


class LinkCheckInline(CheckedInline, admin.TabularInline):
    model = LinkCheck
    verbose_name_plural = _("check history (latest first)")
    fields = [
        "checked_at",
        "status",
        "reason",
        "http_status",
        "hops",
        "latency_ms",
        "ip",
        "short_hash",
        "error_kind",
        "error",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # the flat list above
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    ordering = ["-checked_at", "-id"]

    @admin.display(description=_("redirects"))
    def hops(self, check: LinkCheck) -> int:
        return max(0, len(check.redirect_chain) - 1)

    @admin.display(description=_("content hash"))
    def short_hash(self, check: LinkCheck) -> str:
        return check.content_hash[:12]


@admin.register(Link)
class LinkAdmin(CheckedAdmin, admin.ModelAdmin):
    list_display = [
        "short_url",
        "health",
        "host",
        "last_status_code",
        "last_checked_at",
        "next_check_at",
        "failure_count",
        "archive",
    ]
    list_filter = [
        "status",
        HostFilter,
        ("last_checked_at", admin.DateFieldListFilter),
        ArchiveFilter,
    ]
    search_fields = ["url", "host", "final_url"]
    ordering = ["-last_checked_at", "url"]
    actions = ["recheck_now", "accept_content"]
    inlines = [LinkCheckInline]
    list_per_page = 100
    fieldsets = [
        (None, {"fields": ["url", "health", "status_reason", "cited_by"]}),
        (
            _("Latest check"),
            {
                "fields": [
                    "last_checked_at",
                    "last_status_code",
                    "final_url",
                    "redirect_chain",
                    "next_check_at",
                    "check_count",
                ]
            },
        ),
        (
            _("Failures and archive"),
            {
                "fields": [
                    "failure_count",
                    "failing_since",
                    "last_good_at",
                    "archive",
                    "archive_looked_up_at",
                    "baseline_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "url",
        "health",
        "status_reason",
        "cited_by",
        "last_checked_at",
        "last_status_code",
        "final_url",
        "redirect_chain",
        "next_check_at",
        "check_count",
        "failure_count",
        "failing_since",
        "last_good_at",
        "archive",
        "archive_looked_up_at",
        "baseline_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # links are registered by saving a source with a URL

    @admin.display(description=_("URL"), ordering="url")
    def short_url(self, link: Link) -> str:
        return link.url if len(link.url) <= 80 else link.url[:79] + "…"

    @admin.display(description=_("health"), ordering="status")
    def health(self, link: Link) -> str:
        return render_badge(link)

    @admin.display(description=_("archived copy"))
    def archive(self, link: Link) -> str:
        if not link.archive_url:
            return "—"
        taken = link.archived_at.strftime("%Y-%m-%d") if link.archived_at else _("archived copy")
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', link.archive_url, taken)

    @admin.display(description=_("redirect chain"))
    def redirect_chain(self, link: Link) -> str:
        latest = link.checks.order_by("-checked_at", "-id").first()
        if latest is None or not latest.redirect_chain:
            return "—"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li><code>{}</code> → {}</li>",
                ((hop["url"], hop["status"]) for hop in latest.redirect_chain),
            ),
        )

    @admin.display(description=_("cited by"))
    def cited_by(self, link: Link) -> str:
        sources = list(link.sources.all()[:20])
        if not sources:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:sources_source_change", args=[s.pk]), s) for s in sources),
        )

    @admin.action(description=_("Recheck now"), permissions=["change"])
    def recheck_now(self, request, queryset):
        count = services.link_recheck_now(link_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d link will be checked in a moment.",
                "%(count)d links will be checked in a moment.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Accept the page as it is now (stop reporting it as changed)"),
        permissions=["change"],
    )
    def accept_content(self, request, queryset):
        for link in queryset:
            services.link_accept_content(link=link)
        self.message_user(request, _("The next check takes a new reference copy."))

    def get_urls(self):
        return [
            path(
                "broken-evidence/",
                self.admin_site.admin_view(self.broken_evidence_view),
                name="sources_link_broken_evidence",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "failing_count": self._failing_count()}
        return super().changelist_view(request, extra_context)

    def _failing_count(self) -> int:
        return claims_with_failing_evidence().count()

    def broken_evidence_view(self, request):
        """Claims whose published or in-progress review cites a broken, soft-404 or dead link."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        chosen = request.GET.get("status", "")
        statuses = [chosen] if chosen in services.FAILING else services.REPORTED
        rows = list(
            Evidence.objects.filter(
                review__state__in=[Review.State.PUBLISHED, Review.State.DRAFT],
                source__link__status__in=statuses,
            )
            .select_related("review__claim", "source__link", "source__outlet")
            .order_by("-review__claim__updated_at", "review__claim_id", "position", "id")[
                : REPORT_LIMIT + 1
            ]
        )
        claims: dict[int, dict] = {}
        for evidence in rows[:REPORT_LIMIT]:
            claim = evidence.review.claim
            entry = claims.setdefault(
                claim.pk, {"claim": claim, "admin_url": _claim_admin_url(claim), "evidence": []}
            )
            entry["evidence"].append(evidence)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Claims whose evidence is broken or dead"),
            "claims": list(claims.values()),
            "truncated": len(rows) > REPORT_LIMIT,
            "statuses": [(s, Link.Status(s).label) for s in services.FAILING],
            "chosen": chosen,
        }
        return TemplateResponse(request, "admin/sources/link/broken_evidence.html", context)
