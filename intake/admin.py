"""Admin "Import an article": start an import, watch its progress, tick sentences, confirm
speakers and repeats, and create everything in one step (intake.services)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from claims.models import Speaker
from claims.workflow import Status
from intake import forms, services
from intake.models import ArticleImport
from intake.scoring import THRESHOLD
from tracker.admin_input import CheckedAdmin
from tracker.refusals import WorkflowError


@admin.register(ArticleImport)
class ArticleImportAdmin(CheckedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "status", "language", "created_by", "created_at"]
    list_filter = ["status", "language"]
    readonly_fields = [f.name for f in ArticleImport._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of who created what is kept

    def add_view(self, request: HttpRequest, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = forms.StartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = services.intake_start(
                    by=request.user,
                    url=form.cleaned_data["url"],
                    text=form.cleaned_data["text"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return HttpResponseRedirect(
                    reverse("admin:intake_articleimport_change", args=[job.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import an article"),
            "form": form,
        }
        return TemplateResponse(request, "admin/intake/articleimport/start.html", context)

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        job = get_object_or_404(ArticleImport, pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        if request.method == "POST":
            return self._confirm(request, job)
        status_labels = dict(Status.choices)  # the stored matches carry the status's code
        candidates = [
            {
                **c,
                "index": i,
                "suggested": c["score"] >= THRESHOLD,
                "matches": [
                    {**m, "status_label": status_labels.get(m["status"], m["status"])}
                    for m in c.get("matches", [])
                ],
            }
            for i, c in enumerate(job.candidates)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(job),
            "job": job,
            "candidates": candidates,
            "speakers": Speaker.objects.order_by("name").only("pk", "name"),
            "working": job.status in (ArticleImport.Status.PENDING, ArticleImport.Status.RUNNING),
            "created_claims": job.created.get("claims", []),
            "created_appearances": job.created.get("appearances", []),
        }
        return TemplateResponse(request, "admin/intake/articleimport/desk.html", context)

    def _confirm(self, request: HttpRequest, job: ArticleImport):
        choices = forms.choices_from(request.POST, len(job.candidates))
        try:
            job = services.intake_confirm(
                article_import_id=job.pk, choices=choices, by=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Created %(claims)d claim(s) and %(appearances)d appearance(s).")
                % {
                    "claims": len(job.created["claims"]),
                    "appearances": len(job.created["appearances"]),
                },
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:intake_articleimport_change", args=[job.pk]))
