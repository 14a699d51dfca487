"""The editors' desk: capture, research and publish claims through the workflow.

Claims and their appearances are written by claims.edits; a claim whose record is frozen
(claims.workflow.record_edit_refusal) is shown read-only and a POST to it is refused.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.forms import Textarea
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from claims import edits, services, workflow
from claims.admin import repeats
from claims.models import Appearance, Claim, Evidence, Review, Speaker
from claims.recheck import due_for_recheck
from claims.workflow import Status
from tracker.admin_input import CheckedInline
from tracker.history_admin import HistoryAdmin
from tracker.paging import CappedPaginator
from tracker.refusals import InvalidAction, NotAllowedNow, NotPermitted
from tracker.service_admin import (
    RefusalAdminMixin,
    adopt,
    changed_values,
    editable_values,
    posted_version,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # a lazy translation (types only)

admin.site.site_header = _("Claimtrack editors' desk")
admin.site.site_title = _("Claimtrack")
admin.site.index_title = _("Desk")

COMPACT_TEXT: dict[type[models.Field], dict[str, Any]] = {
    models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}
}


def _date_or_none(value: str | None) -> datetime.date | None:
    """The re-check date typed on the desk; an unreadable one is refused by the service."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidAction(_("The re-check date is not a date."), field="recheck_after") from None


class QueueFilter(admin.SimpleListFilter):
    title = _("my queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        choices = [("assigned", _("Assigned to me"))]
        if request.user.has_perm("claims.publish_claim"):
            choices.append(("review", _("Awaiting my review")))
        choices.append(("recheck", _("Due for re-check")))
        return choices

    def queryset(self, request, queryset):
        if self.value() == "assigned":
            return queryset.filter(assignee=request.user).exclude(
                status__in=[Status.PUBLISHED, Status.REJECTED]
            )
        if self.value() == "review":
            return awaiting_review_by(request.user, queryset)
        if self.value() == "recheck":
            return queryset.filter(pk__in=due_for_recheck().values("pk"))
        return queryset


def awaiting_review_by(user, claims: models.QuerySet) -> models.QuerySet:
    """The claims in review that `user` may publish: workflow.refusal(claim, "publish", user)
    is None, said as one query (the four-eyes rule: nobody who wrote or edited the draft
    review, or its evidence, publishes it) instead of three queries per claim in review."""
    rule = workflow.RULES["publish"]
    if not (user and user.is_active and user.has_perm(rule.permission)):
        return claims.none()
    draft = Review.objects.filter(claim=OuterRef("pk"), state=Review.State.DRAFT)
    written = draft.filter(
        Q(author=user)
        | Exists(Review.history.filter(id=OuterRef("pk"), history_user=user))
        | Exists(Evidence.history.filter(review_id=OuterRef("pk"), history_user=user))
    )
    return claims.filter(status__in=rule.sources).exclude(Exists(written))


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


class AppearanceInline(CheckedInline, admin.StackedInline):
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

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _record_open(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _record_open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _record_open(obj)


def _record_open(claim: Claim | None) -> bool:
    return claim is None or workflow.record_edit_refusal(claim) is None


class ReviewInline(CheckedInline, admin.TabularInline):
    model = Review
    extra = 0
    fields = ["review_link", "state", "rating", "author", "approved_by", "published_at"]
    readonly_fields = fields  # type: ignore[assignment]  # the flat list above
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
class ClaimAdmin(RefusalAdminMixin, HistoryAdmin):
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
    readonly_fields = ["status_badge", "verdict", "first_published_at", "creator", "created_at"]
    fieldsets = [
        (None, {"fields": ["text", "language", ("translation", "translation_language"), "topics"]}),
        (
            _("Desk"),
            {
                "fields": [
                    ("status_badge", "verdict"),
                    "assignee",
                    ("first_published_at", "creator", "created_at"),
                ]
            },
        ),
    ]
    inlines = [AppearanceInline, ReviewInline]
    formfield_overrides = COMPACT_TEXT
    actions = ["reopen_for_recheck"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("published_review__rating")

    def view_on_site(self, claim):
        return claim.get_absolute_url() if claim.published_review_id else None

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, claim):
        label: str | _StrPromise = Status(claim.status).label
        if claim.under_review:
            label = _("%(status)s (published verdict under re-review)") % {"status": label}
        return format_html('<span class="ct-status ct-status-{}">{}</span>', claim.status, label)

    # Claim.created_by has no translatable name of its own (giving it one is a migration).
    @admin.display(description=_("created by"))
    def creator(self, claim):
        return claim.created_by or "—"

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

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _record_open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _record_open(obj)

    def save_model(self, request, obj, form, change):
        topics = form.cleaned_data.get("topics")
        if change:
            edits.claim_update(
                claim=obj,
                by=request.user,
                topics=topics,
                version=posted_version(form),
                **changed_values(form, exclude=("topics",)),
            )
        else:
            fields = editable_values(obj, exclude=("slug",))
            filed = edits.claim_filed_just_now(
                by=request.user, text=fields["text"], language=fields["language"]
            )
            if filed is not None:
                raise NotAllowedNow(
                    _(
                        "You filed this claim a moment ago (#%(id)s): the form was sent twice. "
                        "Nothing new was saved."
                    )
                    % {"id": filed.pk}
                )
            adopt(obj, edits.claim_create(by=request.user, topics=topics or (), **fields))

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # topics were set by the service, with the claim
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Appearance:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for appearance in formset.deleted_objects:
            edits.appearance_delete(appearance=appearance, by=request.user)
        for appearance, names in formset.changed_objects:
            fields = {name: getattr(appearance, name) for name in names}
            edits.appearance_update(appearance=appearance, by=request.user, **fields)
        for appearance in formset.new_objects:
            fields = editable_values(appearance, exclude=("claim",))
            adopt(
                appearance, edits.appearance_create(claim=form.instance, by=request.user, **fields)
            )

    def delete_service(self, claim, *, by):
        edits.claim_delete(claim=claim, by=by)

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
            path(
                "<int:pk>/repeat/",
                self.admin_site.admin_view(require_POST(self.record_repeat_view)),
                name="claims_claim_record_repeat",
            ),
            path(
                "<int:pk>/repeats/<int:appearance_id>/",
                self.admin_site.admin_view(require_POST(self.decide_repeat_view)),
                name="claims_claim_decide_repeat",
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
            if isinstance(publish_refusal, NotPermitted) and user.has_perm("claims.publish_claim")
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
            "recheck_due_since": claim.recheck_due_since()
            if claim.status == Status.PUBLISHED
            else None,
            **repeats.repeats_context(claim, user),
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
        done, claim = self.attempt(
            request,
            lambda: services.claim_transition(
                claim_id=pk,
                name=request.POST.get("transition", ""),
                by=request.user,
                note=request.POST.get("note", ""),
                expected_status=request.POST.get("expected_status") or None,
                recheck_after=_date_or_none(request.POST.get("recheck_after")),
            ),
        )
        if done:
            self.message_user(
                request,
                _("Done: the claim is now %(status)s.") % {"status": Status(claim.status).label},
                messages.SUCCESS,
            )
        return self._back(pk)

    @admin.action(description=_("Reopen for a re-check (starts the normal re-review)"))
    def reopen_for_recheck(self, request: HttpRequest, queryset) -> None:
        done = 0
        for claim in queryset.filter(pk__in=due_for_recheck().values("pk")):
            since = claim.recheck_due_since()
            reopened, _claim = self.attempt(
                request,
                services.claim_transition,
                claim_id=claim.pk,
                name="reopen",
                by=request.user,
                note=_("Due for a re-check since %(date)s.") % {"date": since},
                expected_status=Status.PUBLISHED,
            )
            done += reopened
        self.message_user(request, _("%(count)d claim(s) reopened.") % {"count": done})

    def record_repeat_view(self, request: HttpRequest, pk: int):
        return repeats.record_view(self, request, pk)

    def decide_repeat_view(self, request: HttpRequest, pk: int, appearance_id: int):
        return repeats.decide_view(self, request, pk, appearance_id)

    def start_review_view(self, request: HttpRequest, pk: int):
        return require_POST(self._start_review)(request, pk)

    def _start_review(self, request: HttpRequest, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        started, review = self.attempt(request, services.review_start, claim=claim, by=request.user)
        if not started:
            return self._back(pk)
        return HttpResponseRedirect(reverse("admin:claims_review_change", args=[review.pk]))
