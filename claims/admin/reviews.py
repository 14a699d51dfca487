"""Reviews and their evidence in admin: drafts only, written through claims.edits."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from claims import edits, workflow
from claims.admin.desk import COMPACT_TEXT
from claims.models import Evidence, Review
from tracker.admin_input import CheckedInline
from tracker.history_admin import HistoryAdmin
from tracker.service_admin import (
    RefusalAdminMixin,
    adopt,
    changed_values,
    editable_values,
    posted_version,
)


def _draft_open(review: Review | None) -> bool:
    return review is None or workflow.review_edit_refusal(review) is None


class EvidenceInline(CheckedInline, admin.StackedInline):
    model = Evidence
    formfield_overrides = COMPACT_TEXT
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("source", "stance", "position"), "quotation", "note"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _draft_open(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _draft_open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _draft_open(obj)


@admin.register(Review)
class ReviewAdmin(RefusalAdminMixin, HistoryAdmin):
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
        return _draft_open(obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        edits.review_update(
            review=obj, by=request.user, version=posted_version(form), **changed_values(form)
        )

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for evidence in formset.deleted_objects:
            edits.evidence_remove(evidence=evidence, by=request.user)
        for evidence, names in formset.changed_objects:
            fields = {name: getattr(evidence, name) for name in names}
            edits.evidence_update(evidence=evidence, by=request.user, **fields)
        for evidence in formset.new_objects:
            fields = editable_values(evidence, exclude=("review",))
            adopt(evidence, edits.evidence_add(review=form.instance, by=request.user, **fields))

    def response_change(self, request, obj):
        if "_save" in request.POST:
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[obj.claim_id]))
        return super().response_change(request, obj)
