"""Admin pages that write through the services: a refused write answers with its reason and
status code (403, 409 or 400), and the admin's transaction leaves nothing half-written."""

from collections.abc import Callable

from django import forms
from django.db import models, transaction

from tracker.admin_input import CheckedAdmin
from tracker.versions import VERSION_FIELD, version_of
from tracker.writes import Writes


def editable_values(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """The values of `instance`'s editable fields, for a service's keyword arguments."""
    return {
        field.name: getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in exclude
    }


def changed_values(form, *, exclude: tuple[str, ...] = ()) -> dict:
    skipped = {*exclude, VERSION_FIELD}
    return {name: form.cleaned_data[name] for name in form.changed_data if name not in skipped}


def posted_version(form) -> str | None:
    """The version of the row the change form showed (tracker.versions), if it carried one."""
    return getattr(form, "cleaned_data", {}).get(VERSION_FIELD) or None


def versioned_form(base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`base` with a hidden field holding the version of the row it shows."""

    class Versioned(base):  # type: ignore[valid-type,misc]  # a ModelForm class given at run time
        record_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                self.fields[VERSION_FIELD].initial = version_of(self.instance)

    Versioned.__name__ = Versioned.__qualname__ = base.__name__
    return Versioned


def adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved instance the row a service created (for its redirect and log)."""
    target.__dict__.update(saved.__dict__)


class RefusalAdminMixin(CheckedAdmin):
    """Writes through the services and turns a refusal into a page with the reason, after the
    rollback. An admin names its services as `writes` (saves and deletes go through them), or
    overrides save_model and names `delete_service(obj, by=user)` for what differs. A refused
    write is a page with its reason (tracker.admin_input.CheckedAdmin)."""

    writes: Writes | None = None
    delete_service: Callable[..., None] | None = None

    # The change form carries the version it showed; the service refuses a stale save.

    def _versioned(self, request, obj) -> bool:
        return obj is not None and self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._versioned(request, obj):
            kwargs.setdefault("form", versioned_form(self.form))
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        shown = {name for _title, options in fieldsets for name in _flat(options["fields"])}
        if self._versioned(request, obj) and VERSION_FIELD not in shown:
            fieldsets.append((None, {"fields": [VERSION_FIELD], "classes": ["hidden"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if self.writes is None:
            return super().save_model(request, obj, form, change)
        if change:
            self.writes.update(
                **{self.writes.entity: obj},
                by=request.user,
                version=posted_version(form),
                **changed_values(form),
            )
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


def _flat(fields) -> list[str]:
    rows = (each if isinstance(each, list | tuple) else [each] for each in fields)
    return [name for row in rows for name in row]
