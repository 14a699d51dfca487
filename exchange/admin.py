"""The desk's side of the exchange: import ClaimReview (a file or a URL), browse external
reviews, and confirm or reject their links to our claims."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from exchange import services
from exchange.importing import ImportRefused, download, import_claimreview
from exchange.models import ExternalReview, RatingWord, ReviewLink
from tracker.admin_input import CheckedInline
from tracker.history_admin import HistoryAdmin

SHOWN_SKIPS = 50


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (JSON or HTML)"), required=False)
    url = forms.URLField(label=_("or a URL"), required=False, assume_scheme="https")

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Give a file or a URL (one of them)."))
        return data


class ReviewLinkInline(CheckedInline, admin.TabularInline):
    model = ReviewLink
    fields = ["claim", "state", "basis", "score", "decided_by", "decided_at"]
    readonly_fields = fields  # type: ignore[assignment]  # the flat list above
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExternalReview)
class ExternalReviewAdmin(HistoryAdmin):
    list_display = [
        "claim_reviewed",
        "publisher",
        "rating_as_published",
        "our_rating_or_not_mapped",
        "language",
        "published_on",
    ]
    list_filter = ["publisher", "our_rating", "language"]
    search_fields = ["claim_reviewed", "claimant", "url", "publisher"]
    readonly_fields = [f.name for f in ExternalReview._meta.fields if f.name != "id"]
    inlines = [ReviewLinkInline]

    def has_change_permission(self, request, obj=None):
        return False  # kept as published; a re-import updates it

    @admin.display(description=_("our rating"), ordering="our_rating")
    def our_rating_or_not_mapped(self, obj: ExternalReview) -> str:
        return str(obj.our_rating) if obj.our_rating_id else str(_("not mapped"))

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="exchange_externalreview_import",
            )
        ]
        return own + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:exchange_externalreview_import"))

    def import_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                url = "" if form.cleaned_data["file"] else form.cleaned_data["url"]
                stream = form.cleaned_data["file"] or download(url)
            except ImportRefused as refused:
                form.add_error("url", str(refused))
            else:
                report = import_claimreview(stream, by=request.user, url=url)
                self.message_user(request, _("Imported: %s.") % report.summary())
                for position, reason in report.skipped[:SHOWN_SKIPS]:
                    self.message_user(request, f"{position}: {reason}", messages.WARNING)
                return HttpResponseRedirect(reverse("admin:exchange_externalreview_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Import ClaimReview"),
        }
        return TemplateResponse(request, "admin/exchange/externalreview/import.html", context)


@admin.register(ReviewLink)
class ReviewLinkAdmin(HistoryAdmin):
    list_display = ["external_review", "claim", "state", "basis", "score", "decided_by"]
    list_filter = ["state", "basis"]
    list_select_related = ["external_review", "claim", "decided_by"]
    readonly_fields = [f.name for f in ReviewLink._meta.fields if f.name != "id"]
    actions = ["confirm", "reject"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        own = [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(require_POST(self.decide_view)),
                name="exchange_reviewlink_decide",
            )
        ]
        return own + super().get_urls()

    def _decide(self, request: HttpRequest, links, state: str) -> int:
        done = 0
        for link in links:
            decided, _link = self.attempt(
                request, services.review_link_decide, link=link, state=state, by=request.user
            )
            if not decided:
                break
            done += 1
        return done

    def decide_view(self, request: HttpRequest, pk: int):
        link = get_object_or_404(ReviewLink, pk=pk)
        state = request.POST.get("state", "")
        if state not in (ReviewLink.State.CONFIRMED, ReviewLink.State.REJECTED):
            self.message_user(request, _("Choose confirm or reject."), messages.ERROR)
        elif self._decide(request, [link], state):
            self.message_user(request, _("Saved: %s.") % ReviewLink.State(state).label)
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[link.claim_id]))

    @admin.action(description=_("Confirm: the same claim"), permissions=["change"])
    def confirm(self, request, queryset):
        done = self._decide(request, queryset, ReviewLink.State.CONFIRMED)
        self.message_user(request, _("%(count)d link(s) confirmed.") % {"count": done})

    @admin.action(description=_("Reject: a different claim"), permissions=["change"])
    def reject(self, request, queryset):
        done = self._decide(request, queryset, ReviewLink.State.REJECTED)
        self.message_user(request, _("%(count)d link(s) rejected.") % {"count": done})


@admin.register(RatingWord)
class RatingWordAdmin(HistoryAdmin):
    """The rating crosswalk: editors map other desks' words to our scale. A change applies to
    the next import (a re-import maps the reviews already there again)."""

    list_display = ["words", "rating", "language"]
    list_filter = ["rating", "language"]
    search_fields = ["words", "folded"]
    list_select_related = ["rating"]
