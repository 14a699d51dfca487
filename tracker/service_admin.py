"""Admin pages that write through the services: a refused write answers with its reason and
status code (403, 409 or 400), and the admin's transaction leaves nothing half-written."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from tracker.refusals import WorkflowError
from tracker.writes import Writes

if TYPE_CHECKING:  # what the mixin is mixed into, for its super() calls and admin_site
    from django.contrib.admin import ModelAdmin

    _ModelAdmin = ModelAdmin[Any]
else:
    _ModelAdmin = object


def editable_values(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """The values of `instance`'s editable fields, for a service's keyword arguments."""
    return {
        field.name: getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in exclude
    }


def changed_values(form, *, exclude: tuple[str, ...] = ()) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name not in exclude}


def adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved instance the row a service created (for its redirect and log)."""
    target.__dict__.update(saved.__dict__)


class RefusalAdminMixin(_ModelAdmin):
    """Writes through the services and turns a refusal into a page with the reason, after the
    rollback. An admin names its services as `writes` (saves and deletes go through them), or
    overrides save_model and names `delete_service(obj, by=user)` for what differs."""

    writes: Writes | None = None
    delete_service: Callable[..., None] | None = None

    def save_model(self, request, obj, form, change):
        if self.writes is None:
            return super().save_model(request, obj, form, change)
        if change:
            self.writes.update(**{self.writes.entity: obj}, by=request.user, **changed_values(form))
        else:
            adopt(obj, self.writes.create(by=request.user, **editable_values(obj)))

    def _deleter(self) -> Callable[..., None] | None:
        if self.delete_service is not None:
            return self.delete_service
        writes = self.writes
        if writes is None or writes.delete is None:
            return None
        entity, delete = writes.entity, writes.delete
        return lambda obj, *, by: delete(**{entity: obj}, by=by)

    def delete_model(self, request, obj):
        delete = self._deleter()
        if delete is None:
            return super().delete_model(request, obj)
        delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        delete = self._deleter()
        if delete is None:
            return super().delete_queryset(request, queryset)
        with transaction.atomic():
            for obj in queryset:
                delete(obj, by=request.user)

    def _refused(self, request: HttpRequest, message: str, status: int) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": message,
            "message": message,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/refused.html", context, status=status)

    def _guarded(self, view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            with transaction.atomic():  # the admin's log entries go too when a write is refused
                return view(request, *args, **kwargs)
        except WorkflowError as error:
            return self._refused(request, error.message, error.status_code)
        except ValidationError as error:
            return self._refused(request, " ".join(error.messages), 400)

    def changeform_view(self, request, *args, **kwargs):
        return self._guarded(super().changeform_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._guarded(super().changelist_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._guarded(super().delete_view, request, *args, **kwargs)
