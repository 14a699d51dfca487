"""The editors' desk: capture, research and publish claims through the workflow."""

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.forms import Textarea
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from claims import services, workflow
from claims.models import (
    Appearance,
    Claim,
    ClaimTransition,
    Correction,
    Evidence,
    RatingLevel,
    Review,
    Speaker,
    Topic,
)
from claims.paging import CappedPaginator
from claims.workflow import Status, WorkflowError

admin.site.site_header = _("Claimtrack editors' desk")
admin.site.site_title = _("Claimtrack")
admin.site.index_title = _("Desk")

COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}}


class QueueFilter(admin.SimpleListFilter):
    title = _("my queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        choices = [("assigned", _("Assigned to me"))]
        if request.user.has_perm("claims.publish_claim"):
            choices.append(("review", _("Awaiting my review")))
        return choices

    def queryset(self, request, queryset):
        if self.value() == "assigned":
            return queryset.filter(assignee=request.user).exclude(
                status__in=[Status.PUBLISHED, Status.REJECTED]
            )
        if self.value() == "review":
            # The four-eyes rule: a review you wrote is not awaiting *your* review.
            return queryset.filter(status=Status.IN_REVIEW).exclude(
                Q(reviews__state=Review.State.DRAFT, reviews__author=request.user)
            )
        return queryset


class SpeakerFilter(admin.SimpleListFilter):
    """Filter by `?speaker=<slug>` (the speaker page links here) without listing thousands of
    speakers in the sidebar: only the chosen one is shown. Find others with the search box."""

    title = _("speaker")
    parameter_name = "speaker"

    def lookups(self, request, model_admin):
        return Speaker.objects.filter(slug=self.value() or "").values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(appearances__speaker__slug=self.value()).distinct()
        return queryset


class AppearanceInline(admin.StackedInline):
    model = Appearance
    formfield_overrides = COMPACT_TEXT
    extra = 0
    autocomplete_fields = ["speaker", "source"]
    fields = [
        ("speaker", "source", "said_on"),
        ("quote", "quote_language"),
        "quote_translation",
        "context",
    ]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["review_link", "state", "rating", "author", "approved_by", "published_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("reviews (the fact-checks)")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("review"))
    def review_link(self, review):
        url = reverse("admin:claims_review_change", args=[review.pk])
        return format_html('<a href="{}">{}</a>', url, review.summary[:80] or _("(no summary yet)"))


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    change_form_template = "admin/claims/claim/change_form.html"
    list_display = ["short_text", "status_badge", "verdict", "language", "assignee", "updated_at"]
    list_filter = [
        QueueFilter,
        "status",
        "published_review__rating",  # the whole (short) scale: no scan for the ratings in use
        SpeakerFilter,
        "topics",
        "language",
    ]
    list_select_related = ["published_review__rating", "assignee"]
    # At archive scale: count at most paging.CAP rows, and never the unfiltered total.
    paginator = CappedPaginator
    show_full_result_count = False
    search_fields = ["text", "translation", "appearances__quote", "appearances__speaker__name"]
    autocomplete_fields = ["topics"]
    readonly_fields = ["status_badge", "verdict", "first_published_at", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["text", "language", ("translation", "translation_language"), "topics"]}),
        (
            _("Desk"),
            {
                "fields": [
                    ("status_badge", "verdict"),
                    "assignee",
                    ("first_published_at", "created_by", "created_at"),
                ]
            },
        ),
    ]
    inlines = [AppearanceInline, ReviewInline]
    formfield_overrides = COMPACT_TEXT

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("published_review__rating")

    def view_on_site(self, claim):
        return claim.get_absolute_url() if claim.published_review_id else None

    def get_search_results(self, request, queryset, search_term):
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, claim):
        label = Status(claim.status).label
        if claim.under_review:
            label = _("%(status)s (published verdict under re-review)") % {"status": label}
        return format_html('<span class="ct-status ct-status-{}">{}</span>', claim.status, label)

    @admin.display(description=_("published verdict"), ordering="published_review__rating")
    def verdict(self, claim):
        review = claim.published_review
        return review.rating.label if review else "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = (
                User.objects.filter(is_active=True, groups__name__in=["Fact-checker", "Editor"])
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="claims_claim_transition",
            ),
            path(
                "<int:pk>/start-review/",
                self.admin_site.admin_view(self.start_review_view),
                name="claims_claim_start_review",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        extra = extra_context or {}
        if claim is not None:
            extra.update(self.desk_context(request, claim))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def desk_context(self, request: HttpRequest, claim: Claim) -> dict:
        user = request.user
        allowed = workflow.allowed_transitions(claim, user)
        publish_refusal = workflow.refusal(claim, "publish", user)
        draft = claim.working_review()
        return {
            "transitions": [(name, workflow.RULES[name]) for name in allowed],
            "four_eyes_hint": publish_refusal.message
            if isinstance(publish_refusal, workflow.NotPermitted)
            and user.has_perm("claims.publish_claim")
            else "",
            "working_review": draft,
            "working_evidence": draft.evidence.select_related("source__outlet", "source__link")
            if draft
            else [],
            "can_start_review": draft is None
            and claim.status == Status.RESEARCHING
            and user.has_perm("claims.add_review"),
            "transition_log": claim.transitions.select_related("by"),
            "corrections": claim.corrections.select_related("created_by"),
        }

    @staticmethod
    def _back(claim_pk: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim_pk]))

    def transition_view(self, request: HttpRequest, pk: int):
        return require_POST(self._transition)(request, pk)

    def _transition(self, request: HttpRequest, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        name = request.POST.get("transition", "")
        try:
            claim = services.claim_transition(
                claim_id=claim.pk,
                name=name,
                by=request.user,
                note=request.POST.get("note", ""),
                expected_status=request.POST.get("expected_status") or None,
            )
        except WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(
                request,
                _("Done: the claim is now %(status)s.") % {"status": Status(claim.status).label},
                messages.SUCCESS,
            )
        return self._back(pk)

    def start_review_view(self, request: HttpRequest, pk: int):
        return require_POST(self._start_review)(request, pk)

    def _start_review(self, request: HttpRequest, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        try:
            review = services.review_start(claim=claim, by=request.user)
        except WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return self._back(pk)
        return HttpResponseRedirect(reverse("admin:claims_review_change", args=[review.pk]))


class EvidenceInline(admin.StackedInline):
    model = Evidence
    formfield_overrides = COMPACT_TEXT
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("source", "stance", "position"), "quotation", "note"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "state", "rating", "author", "approved_by", "published_at"]
    list_filter = ["state", "rating"]
    list_select_related = ["claim", "rating", "author", "approved_by"]
    search_fields = ["summary", "reasoning", "claim__text", "claim__translation"]
    fields = [
        "claim_link",
        "state",
        "rating",
        "summary",
        "reasoning",
        "author",
        "approved_by",
        "published_at",
    ]
    readonly_fields = ["claim_link", "state", "author", "approved_by", "published_at"]
    inlines = [EvidenceInline]

    @admin.display(description=_("claim"))
    def claim_link(self, review):
        url = reverse("admin:claims_claim_change", args=[review.claim_id])
        return format_html('<a href="{}">{}</a>', url, review.claim)

    def has_add_permission(self, request):
        return False  # reviews are opened from their claim ("Start review"), see services

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.review_edit_refusal(obj) is None

    def has_delete_permission(self, request, obj=None):
        return False

    def response_change(self, request, obj):
        if "_save" in request.POST:
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[obj.claim_id]))
        return super().response_change(request, obj)


@admin.register(Speaker)
class SpeakerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "role", "same_as"]
    list_filter = ["kind"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_vi", "slug"]
    search_fields = ["name", "name_vi"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RatingLevel)
class RatingLevelAdmin(SimpleHistoryAdmin):
    list_display = ["label_en", "label_vi", "value", "position", "colour_swatch"]
    list_editable = ["position"]
    ordering = ["position"]

    @admin.display(description=_("colour"))
    def colour_swatch(self, level):
        return format_html(
            '<span style="display:inline-block;width:3em;background:{}">&nbsp;</span>', level.color
        )

    def has_delete_permission(self, request, obj=None):
        return False  # reviews point at levels; retire a level by editing it instead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "note", "created_by", "created_at"]
    list_select_related = ["claim", "created_by"]
    search_fields = ["note", "claim__text", "claim__translation"]


@admin.register(ClaimTransition)
class ClaimTransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "claim", "name", "from_status", "to_status", "by", "note"]
    list_filter = ["name", "to_status", "by"]
    list_select_related = ["claim", "by"]
    search_fields = ["note", "claim__text", "claim__translation"]
    date_hierarchy = "at"
